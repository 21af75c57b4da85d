/**
 * The Maestro server: Deployment `maestro` (init container `migration`, containers `service` and
 * `rest-proxy`, the authenticating proxy in front of REST: rest-proxy.ts), Services `maestro`
 * (REST, through the proxy), `maestro-grpc` (gRPC source API), `maestro-metrics`, ConfigMap
 * `maestro-rest-proxy`, and a PodDisruptionBudget when replicas > 1. Flags are grounded in maestro `pkg/config/*.go` and
 * `charts/maestro-server/templates/deployment.yaml`; grpc mode follows MCE's chart
 * (`--disable-message-broker=true`).
 */
import type {
  V1Deployment,
  V1PodDisruptionBudget,
  V1Service,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { apiTlsFlags, apiTlsVolumes, servingCertAnnotations } from './api-tls.js';
import { type RenderContext, requireImage } from './context.js';
import { labelsFor, selectors } from './labels.js';
import { CONFIG_HASH_ANNOTATION, contentHash, objectMeta } from './metadata.js';
import { names, ports } from './names.js';
import { operandPodBase } from './pod.js';
import { containerSecurityContext } from './security.js';
import {
  renderRestProxyConfig,
  restAuthorization,
  restProxyConfigVolume,
  restProxyContainer,
} from './rest-proxy.js';
import { resourceRequirements } from './settings.js';
import type { KubeObject, RenderedObject } from './types.js';

const RDS_DIR = '/secrets/rds';
const MQTT_CONFIG_DIR = '/secrets/mqtt';
/** Where the Maestro server's MQTT client certificate is mounted (chart volume `mqtt-certs`). */
export const MQTT_CERTS_DIR = '/secrets/mqtt-certs';

/** `--db-*` flags shared by `maestro migration` and `maestro server`. */
export function databaseFlags(ctx: RenderContext): string[] {
  const { keys, rootCertKey, sslmode } = ctx.database;
  return [
    `--db-host-file=${RDS_DIR}/${keys.host}`,
    `--db-port-file=${RDS_DIR}/${keys.port}`,
    `--db-user-file=${RDS_DIR}/${keys.user}`,
    `--db-password-file=${RDS_DIR}/${keys.password}`,
    `--db-name-file=${RDS_DIR}/${keys.name}`,
    ...(rootCertKey ? [`--db-rootcert=${RDS_DIR}/${rootCertKey}`] : []),
    `--db-sslmode=${sslmode}`,
  ];
}

/** Whether status events use an MQTT shared subscription (several replicas, mqtt transport). */
export function usesSharedSubscription(ctx: RenderContext): boolean {
  return ctx.spec.transport === 'mqtt' && ctx.replicas > 1;
}

/** The `maestro server` command line for the chosen transport. */
export function maestroServerCommand(ctx: RenderContext): string[] {
  const transportFlags =
    ctx.spec.transport === 'grpc'
      ? // Delivery goes through the cluster-manager gRPC server reading the same database, as in MCE.
        ['--disable-message-broker=true']
      : [
          '--message-broker-type=mqtt',
          `--message-broker-config-file=${MQTT_CONFIG_DIR}/config.yaml`,
          ...(usesSharedSubscription(ctx) ? ['--subscription-type=shared'] : []),
        ];
  return [
    '/usr/local/bin/maestro',
    'server',
    '--client-id=maestro-$(POD_NAME)',
    ...databaseFlags(ctx),
    '--db-max-open-connections=50',
    // Every listener binds to <hostname>:<port> (pkg/config/http_server.go); empty binds all
    // addresses, IPv4 and IPv6 (the chart's default).
    '--server-hostname=',
    // REST behind the proxy (rest-proxy.ts), which alone calls it, over loopback.
    `--http-server-bindport=${ports.restUpstream}`,
    '--enable-grpc-server=true',
    `--grpc-server-bindport=${ports.grpc}`,
    `--health-check-server-bindport=${ports.health}`,
    `--metrics-server-bindport=${ports.metrics}`,
    '--http-read-timeout=5s',
    '--http-write-timeout=30s',
    // REST and gRPC serve only TLS; gRPC callers need a client certificate (see api-tls.ts).
    ...apiTlsFlags(),
    ...transportFlags,
    '--alsologtostderr',
    `-v=${ctx.spec.server.logLevel}`,
  ];
}

/** Deployment, Services and (replicas > 1) PodDisruptionBudget of the Maestro server. */
export function renderServer(ctx: RenderContext): RenderedObject[] {
  const { namespace, input, spec } = ctx;
  const image = requireImage(ctx, 'maestro');
  const proxyImage = requireImage(ctx, 'restProxy');
  const mqtt = spec.transport === 'mqtt';
  const embeddedBroker = mqtt && spec.broker.type === 'Embedded';

  const volumes: V1Volume[] = [
    { name: 'rds', secret: { secretName: ctx.database.secretName, defaultMode: 0o440 } },
    { name: 'tmp', emptyDir: {} },
  ];
  const mounts: V1VolumeMount[] = [
    { name: 'rds', mountPath: RDS_DIR, readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  const apiTls = apiTlsVolumes(ctx);
  volumes.push(...apiTls.volumes, restProxyConfigVolume);
  mounts.push(...apiTls.mounts);
  if (mqtt) {
    volumes.push({ name: 'mqtt', secret: { secretName: names.mqttClientConfigSecret, defaultMode: 0o440 } });
    mounts.push({ name: 'mqtt', mountPath: MQTT_CONFIG_DIR, readOnly: true });
  }
  if (embeddedBroker) {
    volumes.push({
      name: 'mqtt-certs',
      secret: { secretName: names.maestroClientCertSecret, defaultMode: 0o440 },
    });
    mounts.push({ name: 'mqtt-certs', mountPath: MQTT_CERTS_DIR, readOnly: true });
  }

  // Maestro reads these files once at start, so a change must roll the pods.
  const configHash = contentHash({
    database: input.external.database ?? ctx.database,
    broker: mqtt ? (input.external.broker ?? input.generated.mqtt?.maestroClient ?? null) : null,
    replicas: ctx.replicas > 1,
    // Maestro loads its serving certificate and client CA once, at start.
    apiTls: input.generated.api
      ? { ca: input.generated.api.ca.cert, server: input.generated.api.server?.cert }
      : null,
    // The proxy reads its config once (it re-reads only its certificates).
    restProxy: restAuthorization(),
  });

  const podLabels = { ...selectors.server, ...labelsFor(names.deployment, 'server') };
  const deployment: V1Deployment & KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(names.deployment, namespace, 'server', { ...selectors.server }),
    spec: {
      replicas: ctx.replicas,
      selector: { matchLabels: { ...selectors.server } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: podLabels, annotations: { [CONFIG_HASH_ANNOTATION]: configHash } },
        spec: {
          ...operandPodBase(ctx, 'maestro'),
          // gRPC mTLS authorises each publish/subscribe with a SubjectAccessReview through the
          // in-cluster client (cmd/maestro/environments/framework.go), which needs the token.
          automountServiceAccountToken: true,
          affinity: {
            podAntiAffinity: {
              // As MCE's chart: spread replicas over zones, then nodes.
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 70,
                  podAffinityTerm: {
                    topologyKey: 'topology.kubernetes.io/zone',
                    labelSelector: { matchLabels: { ...selectors.server } },
                  },
                },
                {
                  weight: 35,
                  podAffinityTerm: {
                    topologyKey: 'kubernetes.io/hostname',
                    labelSelector: { matchLabels: { ...selectors.server } },
                  },
                },
              ],
            },
          },
          initContainers: [
            {
              name: 'migration',
              image,
              imagePullPolicy: input.mce.imagePullPolicy,
              command: [
                '/usr/local/bin/maestro',
                'migration',
                ...databaseFlags(ctx),
                '--alsologtostderr',
                '-v=2',
              ],
              resources: { requests: { cpu: '50m', memory: '128Mi' } },
              securityContext: containerSecurityContext(),
              volumeMounts: [{ name: 'rds', mountPath: RDS_DIR, readOnly: true }],
            },
          ],
          containers: [
            {
              name: 'service',
              image,
              imagePullPolicy: input.mce.imagePullPolicy,
              command: maestroServerCommand(ctx),
              env: [
                // Upstream reads MAESTRO_ENV (MCE's AMS_ENV is ignored, leaving "development").
                { name: 'MAESTRO_ENV', value: 'production' },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              ports: [
                { name: 'rest-upstream', containerPort: ports.restUpstream, protocol: 'TCP' },
                { name: 'grpc', containerPort: ports.grpc, protocol: 'TCP' },
                { name: 'health', containerPort: ports.health, protocol: 'TCP' },
                { name: 'metrics', containerPort: ports.metrics, protocol: 'TCP' },
              ],
              // /livez answers as long as the process serves HTTP and never touches PostgreSQL, so a
              // slow database takes the pod out of endpoints (readiness) instead of restarting it
              // (cmd/maestro/server/healthcheck_server.go, maestro 35d5f5d).
              livenessProbe: {
                httpGet: { path: '/livez', port: ports.health, scheme: 'HTTP' },
                initialDelaySeconds: 25,
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: { path: '/healthcheck', port: ports.health, scheme: 'HTTP' },
                initialDelaySeconds: 20,
                periodSeconds: 5,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              resources: resourceRequirements(spec.server.resources),
              securityContext: containerSecurityContext(),
              volumeMounts: mounts,
            },
            restProxyContainer(ctx, proxyImage, apiTls.proxyMounts),
          ],
          volumes,
        },
      },
    },
  };

  const service = (
    name: string,
    port: { name: string; port: number },
    annotations: Record<string, string> = {},
  ): V1Service & KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...objectMeta(name, namespace, 'server'),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      type: 'ClusterIP',
      selector: { ...selectors.server },
      ports: [{ name: port.name, port: port.port, targetPort: port.port, protocol: 'TCP' }],
    },
  });

  const objects: RenderedObject[] = [
    renderRestProxyConfig(ctx),
    {
      object: service(
        names.restService,
        { name: 'https', port: ports.http },
        servingCertAnnotations(ctx, 'rest'),
      ),
      retained: false,
    },
    {
      object: service(
        names.grpcService,
        { name: 'grpc', port: ports.grpc },
        servingCertAnnotations(ctx, 'grpc'),
      ),
      retained: false,
    },
    {
      object: service(names.metricsService, { name: 'metrics', port: ports.metrics }),
      retained: false,
    },
    { object: deployment, retained: false },
  ];

  if (ctx.replicas > 1) {
    const pdb: V1PodDisruptionBudget & KubeObject = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: objectMeta(names.podDisruptionBudget, namespace, 'server'),
      spec: { maxUnavailable: 1, selector: { matchLabels: { ...selectors.server } } },
    };
    objects.push({ object: pdb, retained: false });
  }
  return objects;
}
