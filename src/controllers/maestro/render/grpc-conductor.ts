/**
 * grpc transport: delivery goes through the OCM cluster-manager gRPC server ("conductor"), which
 * reads Maestro's database (MCE's maestro-preview design, backplane-operator
 * `controllers/toggle_components.go`). We write:
 * - ConfigMap `grpc-server-config` in open-cluster-management-hub (mounted, optional, by ocm
 *   `manifests/cluster-manager/management/grpc-server/deployment.yaml`);
 * - what ocm does not render for the chosen exposure: ocm renders Service
 *   `cluster-manager-grpc-server` itself, ClusterIP:8090 or, for endpoint type `loadBalancer`,
 *   LoadBalancer:443 (`manifests/cluster-manager/hub/grpc-server/service.yaml`), and never a Route
 *   (`GRPCServerHostNames`: route is a TODO), so we add the Route (as MCE does);
 * - an egress NetworkPolicy for the conductor when ocm's hub NetworkPolicies confine it to DNS and
 *   the API server (`manifests/cluster-manager/hub/networkpolicies/02-hub-ns-egress.yaml`);
 * - the ClusterManager fields, by server-side apply with only our fields.
 */
import type { V1ConfigMap } from '@kubernetes/client-node';
import { stringify as stringifyYaml } from 'yaml';
import {
  CLUSTER_MANAGER_API_VERSION,
  CLUSTER_MANAGER_KIND,
  CLUSTER_MANAGER_NAME,
  type ClusterManager,
  type EndpointExposure,
  hubNetworkPoliciesEnabled,
  registrationAuthTypes,
} from '../../../api/upstream/clustermanager.js';
import type { RenderContext } from './context.js';
import { selectors } from './labels.js';
import { objectMeta } from './metadata.js';
import { passthroughRoute } from './mqtt-broker.js';
import {
  CONDUCTOR_DB_EGRESS_POLICY,
  CONDUCTOR_NAME,
  CONDUCTOR_POD_LABELS,
  GRPC_SERVER_CONFIG,
  GRPC_SERVER_ROUTE,
  OCM_HUB_NAMESPACE,
  ports,
} from './names.js';
import type { ResolvedExposure } from './settings.js';
import type { ClusterManagerApply, KubeObject, NetworkPolicyObject, RenderedObject } from './types.js';

/** Where ocm mounts grpc-server-config in the conductor pod (its only volume we can fill). */
const CONDUCTOR_CONFIG_DIR = '/var/run/secrets/hub/grpc/config';
/** Key of the database root certificate (public) in grpc-server-config. */
export const CONDUCTOR_DB_ROOTCERT_KEY = 'db-rootcert.crt';

/**
 * The conductor's `config.yaml` (format from MCE `ensureClusterManagerGRPCServerConfigMap`).
 * stolostron/cloudevents-conductor `pkg/server/grpc/grpc.go` unmarshals `db_config` with yaml.v2
 * into maestro's `config.DatabaseConfig`, which has json tags only, so keys are the lowercased Go
 * field names: `rootcertfile` is `RootCertFile`, the `sslrootcert` Maestro passes when sslmode is
 * not disable (pkg/config/db.go). It reads the password from this file, never from `password_file`
 * (it does not call `ReadFiles`), so the password has to be here.
 */
export function grpcServerConfigYaml(ctx: RenderContext): string {
  const db = ctx.database;
  const tls = db.sslmode !== 'disable';
  return stringifyYaml({
    grpc_config: {
      tls_cert_file: '/var/run/secrets/hub/grpc/serving-cert/tls.crt',
      tls_key_file: '/var/run/secrets/hub/grpc/serving-cert/tls.key',
      client_ca_file: '/var/run/secrets/hub/grpc/ca/ca-bundle.crt',
    },
    db_config: {
      host: db.host,
      port: db.port,
      name: db.name,
      username: db.user,
      password: db.password,
      sslmode: db.sslmode,
      ...(tls ? { rootcertfile: `${CONDUCTOR_CONFIG_DIR}/${CONDUCTOR_DB_ROOTCERT_KEY}` } : {}),
    },
  });
}

/** Objects in open-cluster-management-hub for the conductor. */
export function renderConductorObjects(ctx: RenderContext): RenderedObject[] {
  const exposure = ctx.grpcExposure;
  const configMap: V1ConfigMap & KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(GRPC_SERVER_CONFIG, OCM_HUB_NAMESPACE, 'conductor'),
    data: {
      'config.yaml': grpcServerConfigYaml(ctx),
      ...(ctx.database.sslmode !== 'disable' && ctx.database.rootCert
        ? { [CONDUCTOR_DB_ROOTCERT_KEY]: ctx.database.rootCert }
        : {}),
    },
  };
  const objects: RenderedObject[] = [{ object: configMap, retained: false }];

  if (exposure?.type === 'Route' && exposure.host) {
    const route = passthroughRoute(
      GRPC_SERVER_ROUTE,
      OCM_HUB_NAMESPACE,
      exposure.host,
      CONDUCTOR_NAME,
      ports.conductor,
      'conductor',
    );
    objects.push({ object: route, retained: false });
  }
  if (hubNetworkPoliciesEnabled(ctx.input.clusterManager)) {
    // NetworkPolicies add up: this opens only PostgreSQL. The embedded database is our pods; an
    // external one has an address we can't select, so (like ocm's own egress rules) port only.
    const embedded = ctx.spec.database.type === 'Embedded';
    const policy: NetworkPolicyObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: objectMeta(CONDUCTOR_DB_EGRESS_POLICY, OCM_HUB_NAMESPACE, 'conductor'),
      spec: {
        podSelector: { matchLabels: { ...CONDUCTOR_POD_LABELS } },
        policyTypes: ['Egress'],
        egress: [
          {
            ...(embedded
              ? {
                  to: [
                    {
                      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ctx.namespace } },
                      podSelector: { matchLabels: { ...selectors.database } },
                    },
                  ],
                }
              : {}),
            ports: [{ protocol: 'TCP', port: ctx.database.port }],
          },
        ],
      },
    };
    objects.push({ object: policy, retained: false });
  }
  return objects;
}

/**
 * Our `endpointsExposure` entry. A Route is declared as type `hostname` with the Route host, as MCE
 * does: ocm puts `hostname.host` into the serving certificate's SANs but ignores route hosts, and
 * keeps its Service ClusterIP:8090 for the Route to target. LoadBalancer is `loadBalancer`, for which ocm renders the LoadBalancer Service on 443.
 */
export function grpcEndpointExposure(exposure: ResolvedExposure): EndpointExposure {
  if (exposure.type === 'LoadBalancer') {
    return {
      protocol: 'grpc',
      grpc: { type: 'loadBalancer', ...(exposure.host ? { loadBalancer: { host: exposure.host } } : {}) },
    };
  }
  return {
    protocol: 'grpc',
    grpc: { type: 'hostname', ...(exposure.host ? { hostname: { host: exposure.host } } : {}) },
  };
}

/** Entries of the atomic `endpointsExposure` list that are not ours (not protocol grpc). */
function foreignEndpoints(cm: ClusterManager | undefined): EndpointExposure[] {
  return (cm?.spec?.serverConfiguration?.endpointsExposure ?? []).filter(
    (e) => (e.protocol ?? 'grpc') !== 'grpc',
  );
}

/**
 * Registration drivers we apply. `registrationDrivers` is a list-map keyed by authType, so we own
 * only our entries. An empty list means "csr" implicitly; adding only grpc would drop csr, so while
 * the list holds nothing but csr and grpc we also apply csr (stable across reconciles: after our
 * first apply the list is [csr, grpc] and the rule still holds). With another driver present
 * (e.g. awsirsa), the admin chose the list and we add grpc only.
 */
export function registrationDriversToApply(cm: ClusterManager | undefined): { authType: string }[] {
  const current = registrationAuthTypes(cm);
  const onlyCsrAndGrpc = current.every((t) => t === 'csr' || t === 'grpc');
  return onlyCsrAndGrpc ? [{ authType: 'csr' }, { authType: 'grpc' }] : [{ authType: 'grpc' }];
}

/** The ClusterManager SSA body for grpc mode (apply with our field manager; force on conflict with MCE). */
export function clusterManagerApply(ctx: RenderContext): ClusterManagerApply {
  const exposure = ctx.grpcExposure;
  if (!exposure) throw new Error('clusterManagerApply needs the grpc exposure');
  const conductorImage = ctx.images.conductor;
  return {
    apiVersion: CLUSTER_MANAGER_API_VERSION,
    kind: CLUSTER_MANAGER_KIND,
    metadata: { name: CLUSTER_MANAGER_NAME },
    spec: {
      registrationConfiguration: {
        registrationDrivers: registrationDriversToApply(ctx.input.clusterManager),
      },
      serverConfiguration: {
        ...(conductorImage ? { imagePullSpec: conductorImage } : {}),
        // Atomic list: we must send it whole, so other protocols' entries are carried over.
        endpointsExposure: [...foreignEndpoints(ctx.input.clusterManager), grpcEndpointExposure(exposure)],
      },
    },
  };
}

/**
 * The SSA body that releases our ClusterManager fields (apply it with our field manager): SSA
 * removes what only we owned. Entries of other protocols in the atomic endpointsExposure list are
 * re-sent so releasing the list does not drop them. Apply only once no agent uses gRPC any more.
 */
export function clusterManagerRelease(cm: ClusterManager | undefined): ClusterManagerApply {
  const keep = foreignEndpoints(cm);
  return {
    apiVersion: CLUSTER_MANAGER_API_VERSION,
    kind: CLUSTER_MANAGER_KIND,
    metadata: { name: CLUSTER_MANAGER_NAME },
    ...(keep.length > 0 ? { spec: { serverConfiguration: { endpointsExposure: keep } } } : {}),
  };
}
