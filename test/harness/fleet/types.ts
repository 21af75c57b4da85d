/**
 * The fleet simulator's public options and records, and the trimmed object shapes its informers
 * cache. Shapes follow open-cluster-management-io/api (cluster/v1, cluster/v1beta1, cluster/v1beta2,
 * work/v1, addon/v1alpha1) and stolostron/cluster-lifecycle-api; only the fields the simulated
 * controllers read are kept.
 */
import type { KubeObject, ObjectMeta } from '../../../src/runtime/client/types.js';
import type { Condition } from '../../../src/runtime/conditions.js';

export type { Condition };

/** The hub's klusterlet images: the import controller Deployment's env. */
export interface HubImages {
  /** REGISTRATION_OPERATOR_IMAGE: the klusterlet operator, and in Singleton mode the agent. */
  registrationOperator: string;
  /** REGISTRATION_IMAGE */
  registration: string;
  /** WORK_IMAGE */
  work: string;
}

/** A config group/resource, optionally with the CMA's default config. */
export interface AddOnSupportedConfig {
  group?: string;
  resource: string;
  defaultConfig?: { namespace?: string; name: string };
}

export interface AddOnOptions {
  name: string;
  supportedConfigs?: AddOnSupportedConfig[];
  /** Written into the CMA as is; MCAs are still created for every cluster by the simulator. */
  installStrategy?: Record<string, unknown>;
  /**
   * One AddOnDeploymentConfig per version, named `<addon>-<version>` in `configNamespace`
   * (see `addOnConfigName`). The first (or `defaultVersion`) becomes the CMA's default config
   * for addondeploymentconfigs when no default is given.
   */
  versions?: string[];
  defaultVersion?: string;
  /** Namespace of the versioned configs (default `multicluster-engine`). */
  configNamespace?: string;
}

/** What a failure rule breaks: the klusterlet work, add-ons, other ManifestWorks, or all of them. */
export type FailureTarget = 'klusterlet' | 'addon' | 'work' | 'any';
export type FailureMode = 'degraded' | 'stuck' | 'unreachable';

export interface FailureRule {
  match: RegExp | ((cluster: string) => boolean);
  /** Share of matching clusters that fail, chosen by the seed (default 1). */
  rate?: number;
  target: FailureTarget;
  mode: FailureMode;
}

export interface AgentOptions {
  /** Time from a change (a new work generation, a new desired add-on config) to the agent reporting it. */
  delayMs?: [number, number];
  seed?: number;
  failures?: FailureRule[];
}

export interface FleetOptions {
  /** Admin KubeConfig of the hub (the local control plane). */
  kubeConfig: import('@kubernetes/client-node').KubeConfig;
  clusters: number;
  namePrefix?: string;
  /** Extra labels per cluster; may override the clusterset label. */
  labels?: (index: number, name: string) => Record<string, string>;
  hub: { version: string; images: HubImages; importControllerNamespace?: string };
  addOns?: AddOnOptions[];
  agents?: AgentOptions;
  /** From a cluster going unreachable to its ManagedCluster turning Available=Unknown (default 0; upstream ~5 min). */
  leaseGraceMs?: number;
  /**
   * Under the real OCM hub controllers (test/harness/ocm/hub.ts): the simulator plays only what
   * runs on managed clusters, the registration agent (ManagedCluster Joined and Available while
   * the cluster answers, its lease renewed every `leaseDurationSeconds`) and the work agent, and
   * leaves acceptance, leases' expiry, taints, cluster sets, placement and the add-on manager to
   * the real programs. No add-ons are created (`addOns` must be empty): the real add-on manager
   * installs them from their ClusterManagementAddOn's install strategy.
   */
  realHub?: { leaseDurationSeconds: number };
  /** Concurrent writes to the API server (default 96). */
  writeConcurrency?: number;
  /** Client-side rate limit (defaults qps 2000, burst 4000). */
  qps?: number;
  burst?: number;
  /** How long setup may take before startFleet rejects (default 10 min). */
  setupTimeoutMs?: number;
  logger?: import('../../../src/runtime/logger.js').Logger;
}

/** One operator write the simulator observed, per cluster. */
export interface AuditEntry {
  /** Epoch ms when the simulator's watch saw it. */
  at: number;
  cluster: string;
  what: 'klusterlet-config' | 'mca-configs' | 'work';
  /** klusterlet-config: the annotation value ('' = removed); mca-configs: `{addon, configs}`; work: the work name. */
  value: unknown;
}

export interface FleetStats {
  clusters: number;
  unreachable: number;
  /** Setup wall time in ms. */
  setupMs: number;
  /** Writes by what was written (e.g. `work-status`). */
  writes: Record<string, number>;
  /** Requests of the simulator's client by verb. */
  requests: Record<string, number>;
  /** Queued + delayed + in-flight keys of each simulated controller. */
  queues: Record<string, number>;
  /** Simulator process CPU (user + system) since setup ended, in ms. */
  cpuMsSinceSetup: number;
  auditEntries: number;
}

// ------------------------------------------------------------------ trimmed cached shapes

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface SimCluster extends KubeObject {
  spec?: { hubAcceptsClient?: boolean; taints?: Taint[] };
  status?: { conditions?: Condition[]; clusterClaims?: { name: string; value: string }[] };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface SimClusterSet extends KubeObject {
  spec?: { clusterSelector?: { selectorType?: string; labelSelector?: LabelSelector } };
}

export interface SimBinding extends KubeObject {
  spec?: { clusterSet?: string };
  status?: { conditions?: Condition[] };
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface ClusterSelector {
  labelSelector?: LabelSelector;
  claimSelector?: { matchExpressions?: LabelSelector['matchExpressions'] };
  celSelector?: { celExpressions?: string[] };
}

export interface SimPlacement extends KubeObject {
  spec?: {
    clusterSets?: string[];
    numberOfClusters?: number;
    predicates?: { requiredClusterSelector?: ClusterSelector }[];
    tolerations?: Toleration[];
    decisionStrategy?: {
      groupStrategy?: {
        decisionGroups?: { groupName: string; groupClusterSelector?: ClusterSelector }[];
        clustersPerDecisionGroup?: number | string;
      };
    };
  };
  status?: Record<string, unknown> & { conditions?: Condition[] };
}

export interface SimDecision extends KubeObject {
  status?: { decisions?: { clusterName: string; reason?: string }[] };
}

export interface RegistryMirror {
  source?: string;
  mirror: string;
}

export interface SimKlusterletConfig extends KubeObject {
  spec?: { registries?: RegistryMirror[]; registrationDriver?: { authType?: string } } & Record<
    string,
    unknown
  >;
}

export interface ResourceIdentifier {
  group?: string;
  resource?: string;
  name?: string;
  namespace?: string;
}

export interface ManifestConfig {
  resourceIdentifier?: ResourceIdentifier;
  updateStrategy?: { type?: string };
  feedbackRules?: { type?: string; jsonPaths?: { name: string; path: string; version?: string }[] }[];
}

/** A manifest inside a ManifestWork: any object with apiVersion, kind and metadata. */
export type Manifest = KubeObject & Record<string, unknown>;

export interface SimWork extends KubeObject {
  spec?: {
    workload?: { manifests?: Manifest[] };
    manifestConfigs?: ManifestConfig[];
    deleteOption?: { propagationPolicy?: string };
  };
  status?: { conditions?: Condition[]; resourceStatus?: { manifests?: ManifestStatus[] } };
}

export interface FieldValue {
  type: 'String' | 'Integer' | 'Boolean';
  string?: string;
  integer?: number;
  boolean?: boolean;
}

export interface ManifestStatus {
  resourceMeta: {
    ordinal: number;
    group: string;
    version: string;
    kind: string;
    resource: string;
    name: string;
    namespace: string;
  };
  statusFeedback?: { values?: { name: string; fieldValue: FieldValue }[] };
  conditions: Condition[];
}

export interface ConfigRef {
  group?: string;
  resource: string;
  namespace?: string;
  name: string;
}

export interface ConfigSpecHash {
  namespace?: string;
  name: string;
  specHash?: string;
}

export interface ConfigReference {
  group?: string;
  resource: string;
  namespace?: string;
  name: string;
  desiredConfig?: ConfigSpecHash;
  lastAppliedConfig?: ConfigSpecHash;
}

export interface SimAddOn extends KubeObject {
  spec?: { configs?: ConfigRef[] };
  status?: {
    conditions?: Condition[];
    supportedConfigs?: { group?: string; resource: string }[];
    configReferences?: ConfigReference[];
  };
}

export interface SimClusterManagementAddOn extends KubeObject {
  spec?: { supportedConfigs?: AddOnSupportedConfig[] };
}

/** A config object (AddOnDeploymentConfig, AddOnTemplate): everything but metadata and status is hashed. */
export type SimConfig = KubeObject & Record<string, unknown>;

export interface SimDeployment extends KubeObject {
  spec?: {
    template?: { spec?: { containers?: { name: string; env?: { name: string; value?: string }[] }[] } };
  };
}

/** Keeps the metadata fields the simulator reads. */
export function trimMeta(m: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = { name: m.name, resourceVersion: m.resourceVersion };
  if (m.namespace) out.namespace = m.namespace;
  if (m.uid) out.uid = m.uid;
  if (m.generation !== undefined) out.generation = m.generation;
  if (m.labels) out.labels = m.labels;
  if (m.annotations) out.annotations = m.annotations;
  if (m.deletionTimestamp) out.deletionTimestamp = m.deletionTimestamp;
  if (m.ownerReferences) out.ownerReferences = m.ownerReferences;
  return out;
}
