/**
 * The parts of OCM ClusterManager (`operator.open-cluster-management.io/v1`, cluster-scoped) that
 * this operator reads. Loose objects: unknown fields pass through. Field names follow
 * open-cluster-management-io/api `operator/v1/types_clustermanager.go`.
 */
import { z } from 'zod';

export const CLUSTER_MANAGER_API_VERSION = 'operator.open-cluster-management.io/v1';
export const CLUSTER_MANAGER_KIND = 'ClusterManager';
/** The ClusterManager MCE creates; its hub namespace is `open-cluster-management-hub` (Default mode). */
export const CLUSTER_MANAGER_NAME = 'cluster-manager';

const featureGateSchema = z.looseObject({
  feature: z.string(),
  mode: z.enum(['Enable', 'Disable']).optional(),
});

/** One `registrationConfiguration.registrationDrivers` entry (list-map keyed by authType). */
const registrationDriverSchema = z.looseObject({
  authType: z.string().optional(),
});

const endpointSchema = z.looseObject({
  type: z.enum(['hostname', 'loadBalancer', 'route']).optional(),
  hostname: z.looseObject({ host: z.string().optional(), caBundle: z.string().optional() }).optional(),
  loadBalancer: z.looseObject({ host: z.string().optional(), caBundle: z.string().optional() }).optional(),
  route: z.looseObject({ host: z.string().optional(), caBundle: z.string().optional() }).optional(),
});

/** One `serverConfiguration.endpointsExposure` entry (an atomic list upstream). */
const endpointExposureSchema = z.looseObject({
  protocol: z.string().optional(),
  usage: z.string().optional(),
  grpc: endpointSchema.optional(),
  https: endpointSchema.optional(),
});

export const clusterManagerSchema = z.looseObject({
  apiVersion: z.literal(CLUSTER_MANAGER_API_VERSION),
  kind: z.literal(CLUSTER_MANAGER_KIND),
  metadata: z.looseObject({ name: z.string(), uid: z.string().optional() }),
  spec: z
    .looseObject({
      registrationImagePullSpec: z.string().optional(),
      registrationConfiguration: z
        .looseObject({
          featureGates: z.array(featureGateSchema).optional(),
          registrationDrivers: z.array(registrationDriverSchema).optional(),
        })
        .optional(),
      serverConfiguration: z
        .looseObject({
          imagePullSpec: z.string().optional(),
          endpointsExposure: z.array(endpointExposureSchema).optional(),
        })
        .optional(),
    })
    .optional(),
});

export type ClusterManager = z.infer<typeof clusterManagerSchema>;
export type RegistrationDriver = z.infer<typeof registrationDriverSchema>;
export type EndpointExposure = z.infer<typeof endpointExposureSchema>;

/** `authType` of each registration driver; the CRD defaults a missing authType to `csr`. */
export function registrationAuthTypes(cm: ClusterManager | undefined): string[] {
  return (cm?.spec?.registrationConfiguration?.registrationDrivers ?? []).map((d) => d.authType ?? 'csr');
}

/**
 * Whether the cluster-manager operator renders its hub NetworkPolicies: the operator-only feature
 * gate `NetworkPolicies` in `registrationConfiguration.featureGates`, default off (ocm
 * `pkg/operator/helpers/helpers.go` `NetworkPolicies`, `FeatureGateEnabled`). When on, the gRPC
 * server pod may only egress to DNS and the API server, so reaching PostgreSQL needs an extra
 * egress policy.
 */
export function hubNetworkPoliciesEnabled(cm: ClusterManager | undefined): boolean {
  const gate = cm?.spec?.registrationConfiguration?.featureGates?.find(
    (g) => g.feature === 'NetworkPolicies',
  );
  return gate?.mode === 'Enable';
}
