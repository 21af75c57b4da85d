/**
 * The parts of the OCM kinds the rollout controllers read, as zod schemas that also trim: plain
 * `z.object` drops every field not listed, so parsing an object from a watch both validates it
 * and keeps the informer cache small (a fleet has up to 200,000 ManagedClusters). Field names
 * follow open-cluster-management-io/api (`cluster/v1`, `cluster/v1beta1`, `work/v1`,
 * `addon/v1alpha1`) and stolostron/cluster-lifecycle-api (`klusterletconfig/v1alpha1`).
 */
import { z } from 'zod';

const str = z.string();
const labels = z.record(z.string(), z.string()).optional();

/** metav1.Condition, as the OCM kinds write it. */
export const ocmConditionSchema = z.object({
  type: str,
  status: str,
  reason: str.optional(),
  message: str.optional(),
  lastTransitionTime: str.optional(),
  observedGeneration: z.number().int().optional(),
});
export type OcmCondition = z.infer<typeof ocmConditionSchema>;

const meta = z.object({
  name: str,
  namespace: str.optional(),
  uid: str.optional(),
  resourceVersion: str.optional(),
  generation: z.number().int().optional(),
  creationTimestamp: str.optional(),
  deletionTimestamp: str.optional(),
  labels,
  annotations: labels,
});

const conditions = z.array(ocmConditionSchema).optional();

// ---------------------------------------------------------------- cluster.open-cluster-management.io

export const MANAGED_CLUSTER_API_VERSION = 'cluster.open-cluster-management.io/v1';
export const PLACEMENT_API_VERSION = 'cluster.open-cluster-management.io/v1beta1';
/** Condition the registration agent keeps True by renewing its lease; Unknown when it stops. */
export const MANAGED_CLUSTER_AVAILABLE = 'ManagedClusterConditionAvailable';

export const managedClusterSchema = z.object({
  apiVersion: z.literal(MANAGED_CLUSTER_API_VERSION),
  kind: z.literal('ManagedCluster'),
  metadata: meta,
  spec: z.object({ hubAcceptsClient: z.boolean().optional() }).optional(),
  status: z.object({ conditions, version: z.object({ kubernetes: str.optional() }).optional() }).optional(),
});
export type ManagedCluster = z.infer<typeof managedClusterSchema>;

/** Labels the placement controller puts on PlacementDecisions (api `cluster/v1beta1`). */
export const PLACEMENT_LABEL = 'cluster.open-cluster-management.io/placement';
export const DECISION_GROUP_INDEX_LABEL = 'cluster.open-cluster-management.io/decision-group-index';
export const DECISION_GROUP_NAME_LABEL = 'cluster.open-cluster-management.io/decision-group-name';

export const placementDecisionSchema = z.object({
  apiVersion: z.literal(PLACEMENT_API_VERSION),
  kind: z.literal('PlacementDecision'),
  metadata: meta,
  status: z
    .object({ decisions: z.array(z.object({ clusterName: str, reason: str.optional() })).optional() })
    .optional(),
});
export type PlacementDecision = z.infer<typeof placementDecisionSchema>;

export const placementSchema = z.object({
  apiVersion: z.literal(PLACEMENT_API_VERSION),
  kind: z.literal('Placement'),
  metadata: meta,
  status: z
    .object({
      numberOfSelectedClusters: z.number().int().optional(),
      conditions,
    })
    .optional(),
});
export type Placement = z.infer<typeof placementSchema>;

// ---------------------------------------------------------------- work.open-cluster-management.io

export const MANIFEST_WORK_API_VERSION = 'work.open-cluster-management.io/v1';

const feedbackValue = z.object({
  name: str,
  fieldValue: z
    .object({
      type: str,
      string: str.optional(),
      integer: z.number().int().optional(),
      boolean: z.boolean().optional(),
      jsonRaw: str.optional(),
    })
    .optional(),
});

export const manifestWorkSchema = z.object({
  apiVersion: z.literal(MANIFEST_WORK_API_VERSION),
  kind: z.literal('ManifestWork'),
  metadata: meta,
  status: z
    .object({
      conditions,
      resourceStatus: z
        .object({
          manifests: z
            .array(
              z.object({
                resourceMeta: z
                  .object({
                    group: str.optional(),
                    kind: str.optional(),
                    resource: str.optional(),
                    name: str.optional(),
                    namespace: str.optional(),
                  })
                  .optional(),
                statusFeedback: z.object({ values: z.array(feedbackValue).optional() }).optional(),
              }),
            )
            .optional(),
        })
        .optional(),
    })
    .optional(),
});
export type ManifestWork = z.infer<typeof manifestWorkSchema>;

// ---------------------------------------------------------------- addon.open-cluster-management.io

/** The storage version, served by every hub that serves the add-on API. */
export const ADDON_API_VERSION = 'addon.open-cluster-management.io/v1alpha1';

const configRef = z.object({
  group: str.optional(),
  resource: str,
  namespace: str.optional(),
  name: str,
});
const configSpecHash = z.object({ namespace: str.optional(), name: str, specHash: str.optional() });

export const managedClusterAddOnSchema = z.object({
  apiVersion: z.literal(ADDON_API_VERSION),
  kind: z.literal('ManagedClusterAddOn'),
  metadata: meta,
  spec: z.object({ configs: z.array(configRef).optional() }).optional(),
  status: z
    .object({
      conditions,
      supportedConfigs: z.array(z.object({ group: str.optional(), resource: str })).optional(),
      configReferences: z
        .array(
          z.object({
            group: str.optional(),
            resource: str,
            desiredConfig: configSpecHash.optional(),
            lastAppliedConfig: configSpecHash.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type ManagedClusterAddOn = z.infer<typeof managedClusterAddOnSchema>;
export type AddOnConfigReference = z.infer<typeof configRef>;

export const clusterManagementAddOnSchema = z.object({
  apiVersion: z.literal(ADDON_API_VERSION),
  kind: z.literal('ClusterManagementAddOn'),
  metadata: meta,
  spec: z
    .object({
      supportedConfigs: z.array(z.object({ group: str.optional(), resource: str })).optional(),
      installStrategy: z
        .object({
          type: str.optional(),
          placements: z
            .array(z.object({ namespace: str, name: str, rolloutStrategy: z.unknown().optional() }))
            .optional(),
        })
        .optional(),
    })
    .optional(),
});
export type ClusterManagementAddOn = z.infer<typeof clusterManagementAddOnSchema>;

// ---------------------------------------------------------------- config.open-cluster-management.io

export const KLUSTERLET_CONFIG_API_VERSION = 'config.open-cluster-management.io/v1alpha1';
/** ManagedCluster annotation selecting a KlusterletConfig (cluster-lifecycle-api `constants`). */
export const KLUSTERLET_CONFIG_ANNOTATION = 'agent.open-cluster-management.io/klusterlet-config';
/**
 * Import-controller annotations on a ManagedCluster (cluster-lifecycle-api `constants`):
 * `disable-auto-import` freezes the klusterlet works (ReadOnly, MCE 5.x) or leaves them unmanaged;
 * `klusterlet-deploy-mode` Hosted/SingletonHosted renders `<cluster>-hosted-klusterlet` and ignores
 * KlusterletConfig registries.
 */
export const DISABLE_AUTO_IMPORT_ANNOTATION = 'import.open-cluster-management.io/disable-auto-import';
export const KLUSTERLET_DEPLOY_MODE_ANNOTATION = 'import.open-cluster-management.io/klusterlet-deploy-mode';

/** Merged into every cluster's config by the import controller. */
export const GLOBAL_KLUSTERLET_CONFIG = 'global';

/** A KlusterletConfig: the spec is kept whole, since derived configs copy the user's spec. */
export const klusterletConfigSchema = z.object({
  apiVersion: z.literal(KLUSTERLET_CONFIG_API_VERSION),
  kind: z.literal('KlusterletConfig'),
  metadata: meta,
  spec: z
    .looseObject({
      registries: z.array(z.object({ source: str.optional(), mirror: str })).optional(),
      registrationDriver: z.looseObject({ authType: str.optional() }).optional(),
    })
    .optional(),
});
export type KlusterletConfig = z.infer<typeof klusterletConfigSchema>;

// ---------------------------------------------------------------- agents' certificate requests

export const CSR_API_VERSION = 'certificates.k8s.io/v1';
/** The label OCM's registration puts on an agent's CertificateSigningRequest (api `ClusterNameLabelKey`). */
export const CSR_CLUSTER_LABEL = 'open-cluster-management.io/cluster-name';
/**
 * The signer of the client certificates agents present to the hub's gRPC server (api
 * operator/v1 `GRPCAuthSigner`): an agent that registered over gRPC asked for one.
 */
export const GRPC_SIGNER = 'open-cluster-management.io/grpc';

/** What the fleet cache keeps of a CSR: whose, by which signer, when, and whether it was signed. */
export interface AgentCsr {
  apiVersion: typeof CSR_API_VERSION;
  kind: 'CertificateSigningRequest';
  metadata: {
    name: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels: Record<string, string>;
  };
  spec: { signerName: string };
  status: { issued: boolean };
}

/** The condition with this type, if present. */
export function findOcmCondition(
  conds: readonly OcmCondition[] | undefined,
  type: string,
): OcmCondition | undefined {
  return conds?.find((c) => c.type === type);
}
