/**
 * The regional console API, v1: one set of zod schemas that the operator's server validates
 * requests and answers with, and that the browser app (`console/`) parses responses with. Pure zod,
 * no Node imports, so Vite bundles it for the browser unchanged.
 *
 * What it carries is trimmed to what the console shows: a list row is a few hundred bytes, so a
 * page of 500 stays small and 30,000 rows fit in a browser tab. Nothing here is persisted by
 * either side.
 */
import { z } from 'zod';
import {
  groupStatusSchema,
  failedClusterSchema,
  stateCountsSchema,
  ROLLOUT_PHASES,
} from '../api/agentrollout-status.js';
import { rolloutTargetSchema } from '../api/agentrollout.js';

/** A rollout's counts with every state at zero (the console's test fakes build summaries from it). */
export { emptyStateCounts } from '../api/agentrollout-status.js';

export const CONSOLE_API_VERSION = 'v1';

/** Paths of the API (the browser prefixes each region's base URL). */
export const PATHS = {
  info: '/info',
  clusters: '/api/v1/clusters',
  cluster: (name: string) => `/api/v1/clusters/${encodeURIComponent(name)}`,
  clusterLabels: (name: string) => `/api/v1/clusters/${encodeURIComponent(name)}/labels`,
  clusterAddOn: (name: string, addOn: string) =>
    `/api/v1/clusters/${encodeURIComponent(name)}/addons/${encodeURIComponent(addOn)}`,
  importCluster: '/api/v1/clusters/import',
  rollouts: '/api/v1/rollouts',
  rollout: (namespace: string, name: string) =>
    `/api/v1/rollouts/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
  rolloutActions: (namespace: string, name: string) =>
    `/api/v1/rollouts/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/actions`,
  clusterDeployments: '/api/v1/hive/clusterdeployments',
  machinePool: (namespace: string, name: string) =>
    `/api/v1/hive/machinepools/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
  machinePools: '/api/v1/hive/machinepools',
  events: '/api/v1/events',
} as const;

/**
 * Largest page the server returns; `limit` above it is clamped. The console asks for it: every page
 * costs a request, a CORS preflight and a scan for `total`, and on three regions of 10,000 pages of
 * 5,000 made the merged list interactive about 300 ms sooner than pages of 1,000 (docs/console.md).
 * Bounded because the operator builds a page in one turn of its event loop (about 1.6 MB of JSON).
 */
export const MAX_PAGE_SIZE = 5000;
export const DEFAULT_PAGE_SIZE = 500;

// ------------------------------------------------------------------------------------ answers

/** Every non-2xx answer: `field` names the offending request field (dot path) when there is one. */
export const apiErrorSchema = z.object({
  status: z.number().int(),
  reason: z.string(),
  message: z.string(),
  field: z.string().optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** `GET /info`: public, nothing about clusters. */
export const infoSchema = z.object({
  apiVersion: z.literal(CONSOLE_API_VERSION),
  region: z.string(),
  geography: z.string(),
  operatorVersion: z.string(),
  /** The hub's Kubernetes version (gitVersion), when known. */
  hubVersion: z.string().optional(),
  maestroEnabled: z.boolean(),
  /** Whether the hub serves `hive.openshift.io` (provision by create and scale are offered). */
  hiveServed: z.boolean(),
});
export type Info = z.infer<typeof infoSchema>;

export const conditionStatusSchema = z.enum(['True', 'False', 'Unknown']);

export const clusterAddOnSchema = z.object({
  name: z.string(),
  /** The version the add-on reports or the rollout recorded, when known. */
  version: z.string().optional(),
  available: conditionStatusSchema,
});
export type ClusterAddOn = z.infer<typeof clusterAddOnSchema>;

export const rolloutRefSchema = z.object({ namespace: z.string(), name: z.string() });
export type RolloutRef = z.infer<typeof rolloutRefSchema>;

const KLUSTERLET_VERSION_SOURCES = ['observed', 'rendered'] as const;
const TRANSPORT_SOURCES = ['observed', 'recorded'] as const;

/** One row of the cluster list. */
export const clusterSummarySchema = z.object({
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  /** The ManagedClusterSet (label `cluster.open-cluster-management.io/clusterset`), if any. */
  clusterSet: z.string().optional(),
  available: conditionStatusSchema,
  joined: z.boolean(),
  hubAccepted: z.boolean(),
  kubernetesVersion: z.string().optional(),
  /** The klusterlet version as observed (not as desired). */
  klusterletVersion: z.string().optional(),
  /**
   * Where `klusterletVersion` comes from: `observed`, the images the agent reports (an observer
   * ManifestWork, on clusters a klusterlet rollout touched); `rendered`, what the hub renders for
   * the cluster (its pin, else the hub's version) where no agent reports its images.
   */
  klusterletVersionSource: z.enum(KLUSTERLET_VERSION_SOURCES).optional(),
  /** grpc, mqtt or kube, as observed. */
  transport: z.string().optional(),
  /**
   * Where `transport` comes from: `observed`, what the agents report (a ready Maestro agent, or
   * the klusterlet's registration driver in an observer ManifestWork); `recorded`, the value the
   * cluster's last transport rollout wrote, where no agent reports it.
   */
  transportSource: z.enum(TRANSPORT_SOURCES).optional(),
  addOns: z.array(clusterAddOnSchema),
  rollouts: z.array(rolloutRefSchema),
});
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;

/** `GET /api/v1/clusters`: a page, in name order; `continue` is opaque. */
export const clusterListSchema = z.object({
  items: z.array(clusterSummarySchema),
  continue: z.string().optional(),
  /** Clusters this user may see that match the selector, across all pages. */
  total: z.number().int().min(0),
});
export type ClusterList = z.infer<typeof clusterListSchema>;

/** The page forms `GET /api/v1/clusters?format=` gives: `rows` (the default) or `columns`. */
export const CLUSTER_PAGE_FORMATS = ['rows', 'columns'] as const;

const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isIndexOrNone = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= -1;
const isIndexList = (v: unknown): v is number[] => Array.isArray(v) && v.every(isIndex);
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    (values as readonly unknown[]).includes(v);

/**
 * A column: an array whose every entry passes `ok`, checked in one loop. zod's entry-by-entry check
 * of the same columns cost the browser about twice its check of the rows in a page profile; this
 * check is the same, and its message names the column.
 */
function column<T>(what: string, ok: (v: unknown) => v is T) {
  return z.custom<T[]>((v) => Array.isArray(v) && v.every(ok), { message: `must be an array of ${what}` });
}

/**
 * `GET /api/v1/clusters?format=columns`: the same page as `clusterListSchema`, one array per field
 * (index i of every column is row i), and each string that repeats across rows (label keys and
 * values, cluster sets, versions, transports), each add-on entry and each rollout ref once per page.
 *
 * What the console loads: a row of the list is mostly label keys, label values and field names that
 * repeat on every row, so the columns are about a third of the bytes, and the browser's decoding,
 * parsing and collecting of them shrink alike (docs/console.md). `cluster-columns.ts` converts.
 */
export const clusterColumnsSchema = z.object({
  format: z.literal('columns'),
  continue: z.string().optional(),
  total: z.number().int().min(0),
  strings: column('strings', isString),
  addOns: z.array(clusterAddOnSchema),
  rollouts: z.array(rolloutRefSchema),
  columns: z.object({
    name: column('strings', isString),
    /** Per row: key, value, key, value, … as indexes into `strings`. */
    labels: column('arrays of indexes', isIndexList),
    /** An index into `strings`, or -1 where the row has none; so are the versions and the transport. */
    clusterSet: column('indexes or -1', isIndexOrNone),
    available: column('True, False or Unknown', oneOf(conditionStatusSchema.options)),
    joined: column('booleans', isBoolean),
    hubAccepted: column('booleans', isBoolean),
    kubernetesVersion: column('indexes or -1', isIndexOrNone),
    klusterletVersion: column('indexes or -1', isIndexOrNone),
    klusterletVersionSource: column(
      'observed, rendered or null',
      (v): v is (typeof KLUSTERLET_VERSION_SOURCES)[number] | null =>
        v === null || oneOf(KLUSTERLET_VERSION_SOURCES)(v),
    ),
    transport: column('indexes or -1', isIndexOrNone),
    transportSource: column(
      'observed, recorded or null',
      (v): v is (typeof TRANSPORT_SOURCES)[number] | null => v === null || oneOf(TRANSPORT_SOURCES)(v),
    ),
    /** Per row: indexes into `addOns`. */
    addOns: column('arrays of indexes', isIndexList),
    /** Per row: indexes into `rollouts`. */
    rollouts: column('arrays of indexes', isIndexList),
  }),
});
export type ClusterColumns = z.infer<typeof clusterColumnsSchema>;

export const conditionSchema = z.object({
  type: z.string(),
  status: conditionStatusSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});

export const eventSummarySchema = z.object({
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  count: z.number().int().optional(),
  lastTimestamp: z.string().optional(),
  involvedObject: z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() }),
});

/** `GET /api/v1/clusters/{name}`. */
export const clusterDetailSchema = clusterSummarySchema.extend({
  conditions: z.array(conditionSchema),
  claims: z.array(z.object({ name: z.string(), value: z.string() })),
  manifestWorks: z.object({ total: z.number().int(), applied: z.number().int(), degraded: z.number().int() }),
  events: z.array(eventSummarySchema),
  createdAt: z.string().optional(),
});
export type ClusterDetail = z.infer<typeof clusterDetailSchema>;

/** An AgentRollout as `kubectl mce rollout status` shows it. */
export const rolloutSummarySchema = z.object({
  namespace: z.string(),
  name: z.string(),
  /** `klusterlet 2.17.0`, `addon-x 1.2.0`, `transport grpc`. */
  target: z.string(),
  targetKind: z.enum(['klusterlet', 'addOn', 'transport']),
  placement: z.string(),
  phase: z.enum(ROLLOUT_PHASES).optional(),
  revision: z.string().optional(),
  paused: z.boolean(),
  total: z.number().int().min(0),
  counts: stateCountsSchema.optional(),
  groups: z.array(groupStatusSchema),
  failedClusters: z.array(failedClusterSchema),
  /** Groups gated by `spec.approvals`, and whether the current revision has each one's grant. */
  approvals: z.array(z.object({ group: z.string(), approved: z.boolean() })),
  conditions: z.array(conditionSchema),
  createdAt: z.string().optional(),
  resourceVersion: z.string().optional(),
});
export type RolloutSummary = z.infer<typeof rolloutSummarySchema>;

export const rolloutListSchema = z.object({ items: z.array(rolloutSummarySchema) });
export type RolloutList = z.infer<typeof rolloutListSchema>;

/**
 * One message of `GET /api/v1/events` (Server-Sent Events, `event: change`, `data:` this JSON).
 * The stream starts with a `snapshot-done` marker after nothing (the browser loads pages itself)
 * and then sends changes the user may see; `resync` asks the browser to reload the list.
 */
export const changeEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('cluster'),
    action: z.enum(['upsert', 'delete']),
    name: z.string(),
    cluster: clusterSummarySchema.optional(),
  }),
  z.object({
    type: z.literal('rollout'),
    action: z.enum(['upsert', 'delete']),
    namespace: z.string(),
    name: z.string(),
    rollout: rolloutSummarySchema.optional(),
  }),
  z.object({ type: z.literal('resync') }),
]);
export type ChangeEvent = z.infer<typeof changeEventSchema>;

// ------------------------------------------------------------------------------------ requests

const dnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label (lower case letters, digits and -)');
const dnsSubdomain = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS subdomain');

/**
 * `POST /api/v1/rollouts`: an AgentRollout over an existing Placement, or over picked clusters
 * (the server then also creates a Placement named like the rollout that selects exactly them).
 */
export const createRolloutRequestSchema = z
  .object({
    namespace: dnsLabel,
    name: dnsSubdomain,
    target: rolloutTargetSchema,
    placement: dnsSubdomain.optional(),
    clusters: z.array(dnsSubdomain).min(1).max(1000).optional(),
    /** OCM's progressive strategy size (`maxConcurrency`), e.g. `25%` or `10`; default All. */
    maxConcurrency: z.union([z.number().int().min(1), z.string().regex(/^(100|[1-9]?[0-9])%$/)]).optional(),
  })
  .refine((r) => (r.placement === undefined) !== (r.clusters === undefined), {
    message: 'exactly one of placement or clusters must be set',
    path: ['placement'],
  });
export type CreateRolloutRequest = z.infer<typeof createRolloutRequestSchema>;

/** `POST /api/v1/rollouts/{ns}/{name}/actions`: the same patches as `kubectl mce rollout`. */
export const rolloutActionRequestSchema = z
  .object({
    action: z.enum(['pause', 'resume', 'approve', 'rollback']),
    group: z.string().optional(),
  })
  .refine((r) => r.action !== 'approve' || !!r.group, { message: 'approve needs a group', path: ['group'] });
export type RolloutActionRequest = z.infer<typeof rolloutActionRequestSchema>;

/** `PATCH /api/v1/clusters/{name}/labels`: null removes a label. */
export const patchLabelsRequestSchema = z.object({
  labels: z.record(z.string().min(1).max(317), z.string().max(63).nullable()),
});
export type PatchLabelsRequest = z.infer<typeof patchLabelsRequestSchema>;

/** `PUT /api/v1/clusters/{name}/addons/{addOn}`: creates or deletes the ManagedClusterAddOn. */
export const setAddOnRequestSchema = z.object({
  enabled: z.boolean(),
  installNamespace: dnsLabel.optional(),
});
export type SetAddOnRequest = z.infer<typeof setAddOnRequestSchema>;

/** `POST /api/v1/clusters/import`: a ManagedCluster and the import controller's auto-import-secret. */
export const importClusterRequestSchema = z
  .object({
    name: dnsLabel,
    labels: z.record(z.string(), z.string()).optional(),
    clusterSet: dnsLabel.optional(),
    kubeconfig: z.string().min(1).max(1_000_000).optional(),
    server: z.url().optional(),
    token: z.string().min(1).max(100_000).optional(),
  })
  .refine((r) => (r.kubeconfig !== undefined) !== (r.server !== undefined && r.token !== undefined), {
    message: 'give either kubeconfig, or server and token',
    path: ['kubeconfig'],
  });
export type ImportClusterRequest = z.infer<typeof importClusterRequestSchema>;

/**
 * `POST /api/v1/hive/clusterdeployments`: a Hive ClusterDeployment, its install-config Secret and
 * an optional worker MachinePool, in namespace `name` (created when missing, as the ACM console does).
 */
export const createClusterDeploymentRequestSchema = z.object({
  name: dnsLabel,
  baseDomain: dnsSubdomain,
  /** The ClusterImageSet to install from. */
  imageSet: dnsSubdomain,
  /** Name of an existing pull secret in the namespace. */
  pullSecretName: dnsSubdomain,
  /** Name of an existing cloud credentials secret in the namespace. */
  credentialsSecretName: dnsSubdomain,
  platform: z.object({
    aws: z.object({ region: z.string().min(1) }).optional(),
    gcp: z.object({ region: z.string().min(1) }).optional(),
    azure: z.object({ region: z.string().min(1), baseDomainResourceGroupName: z.string().min(1) }).optional(),
  }),
  /** The install-config.yaml, verbatim. */
  installConfig: z.string().min(1).max(1_000_000),
  workers: z.object({ replicas: z.number().int().min(0).max(1000) }).optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
export type CreateClusterDeploymentRequest = z.infer<typeof createClusterDeploymentRequestSchema>;

/** `PATCH /api/v1/hive/machinepools/{ns}/{name}`: scale. */
export const scaleMachinePoolRequestSchema = z.object({ replicas: z.number().int().min(0).max(1000) });
export type ScaleMachinePoolRequest = z.infer<typeof scaleMachinePoolRequestSchema>;

/** `DELETE /api/v1/clusters/{name}`: the body repeats the name (the console's typed confirmation). */
export const detachRequestSchema = z.object({ confirm: z.string() });
export type DetachRequest = z.infer<typeof detachRequestSchema>;

/** MachinePools a user may see (`GET /api/v1/hive/machinepools`). */
export const machinePoolListSchema = z.object({
  items: z.array(
    z.object({
      namespace: z.string(),
      name: z.string(),
      clusterDeployment: z.string(),
      replicas: z.number().int().optional(),
      readyReplicas: z.number().int().optional(),
    }),
  ),
});
export type MachinePoolList = z.infer<typeof machinePoolListSchema>;

const objectRefSchema = z.object({ kind: z.string(), namespace: z.string().optional(), name: z.string() });

/** What an action did: the objects it created or patched, and those it deleted (detach, disable). */
export const actionResultSchema = z.object({
  written: z.array(objectRefSchema),
  deleted: z.array(objectRefSchema).optional(),
});
export type ActionResult = z.infer<typeof actionResultSchema>;
