/**
 * What the fleet caches keep of each object: the fields the rollout controllers and the console
 * read, nothing else. A 200,000-cluster hub caches a ManagedCluster, a klusterlet ManifestWork and
 * a ManagedClusterAddOn per add-on for every cluster, so each field and each nested object kept
 * here is paid 200,000 times (`make bench` prints the heap per cluster).
 *
 * Each trim parses with the kind's zod schema (which drops unlisted fields), then drops what the
 * schema must list for other readers but the cache never reads, then interns strings and shares
 * identical values (`StringInterner`: shared values are frozen, so cached objects must be copied
 * before they are changed).
 */
import type { z } from 'zod';
import {
  CSR_API_VERSION,
  CSR_CLUSTER_LABEL,
  DISABLE_AUTO_IMPORT_ANNOTATION,
  KLUSTERLET_DEPLOY_MODE_ANNOTATION,
  MANAGED_CLUSTER_AVAILABLE,
  clusterManagementAddOnSchema,
  klusterletConfigSchema,
  managedClusterAddOnSchema,
  managedClusterSchema,
  manifestWorkSchema,
  placementDecisionSchema,
  placementSchema,
  type AgentCsr,
  type OcmCondition,
} from '../../api/upstream/ocm.js';
import { dropManagedFields, type KubeObject } from '../../runtime/index.js';
import { internStateValue, STATE_ANNOTATION_PREFIX } from './cluster-state.js';
import { fleetInterner as interner } from './fleet-strings.js';

type Trim = (obj: KubeObject) => KubeObject;
type Step = (obj: KubeObject) => void;

/**
 * Keeps objects that parse, trimmed to the schema and by `steps`; anything else as it came (minus
 * managedFields). Strings are interned and identical values shared.
 */
function trimWith<S extends z.ZodType>(schema: S, ...steps: Step[]): Trim {
  return (obj) => {
    const parsed = schema.safeParse(obj);
    if (!parsed.success) return interner.intern(dropManagedFields(obj));
    const trimmed = parsed.data as KubeObject;
    for (const step of steps) step(trimmed);
    return interner.intern(trimmed);
  };
}

type Status = { conditions?: OcmCondition[] } | undefined;

/**
 * A copy of `o` without `keys`. Never `delete`: it turns an object into a hash table (dictionary
 * mode), several times the size of the object it shrinks.
 */
function omit<T extends object>(o: T, keys: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out as T;
}

/**
 * Keeps the condition types read, each with the fields read: the others are never looked at, and a
 * condition without its timestamp is the same on most clusters, so it is shared.
 */
function conditions(keep: Record<string, { time: boolean }>): Step {
  return (obj) => {
    const status = (obj as { status?: Status }).status;
    if (!status?.conditions) return;
    const kept: OcmCondition[] = [];
    for (const c of status.conditions) {
      const rule = keep[c.type];
      if (rule) kept.push(rule.time ? c : omit(c, ['lastTransitionTime']));
    }
    status.conditions = kept;
  };
}

/** Fields of metadata nothing reads from these caches (uids are unique: 60 bytes each). */
function dropMetadata(...fields: ('uid' | 'creationTimestamp' | 'labels' | 'generation')[]): Step {
  return (obj) => {
    obj.metadata = omit(obj.metadata, fields);
  };
}

/** The annotations of most cached objects, once: none of theirs is read. */
const NO_ANNOTATIONS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Annotations kept: `keep(key)` decides. An object that had annotations keeps an (empty) map, so
 * JSON patches still know whether `/metadata/annotations` exists on the server. Our state
 * annotations, the same on every cluster one reconcile started, are held once per value.
 */
function annotations(keep: (key: string) => boolean): Step {
  return (obj) => {
    const a = obj.metadata.annotations;
    if (!a) return;
    const kept: Record<string, string> = {};
    let any = false;
    for (const [k, v] of Object.entries(a)) {
      if (!keep(k)) continue;
      kept[k] = k.startsWith(STATE_ANNOTATION_PREFIX) ? internStateValue(v) : v;
      any = true;
    }
    obj.metadata.annotations = any ? kept : NO_ANNOTATIONS;
  };
}

/** Drops `status[field]`. */
function dropStatus(...fields: string[]): Step {
  return (obj) => {
    const o = obj as { status?: Record<string, unknown> };
    if (o.status) o.status = omit(o.status, fields);
  };
}

/**
 * ManagedCluster annotations a rollout reads: ours, the klusterlet-config selection, and the
 * import controller's two that decide whether klusterlet changes can reach the cluster at all.
 */
const clusterAnnotation = (k: string) =>
  k.startsWith(STATE_ANNOTATION_PREFIX) ||
  k.startsWith('agent.open-cluster-management.io/') ||
  k === DISABLE_AUTO_IMPORT_ANNOTATION ||
  k === KLUSTERLET_DEPLOY_MODE_ANNOTATION;

/** A work's conditions as `workReadiness` reads them (no transition times). */
const workConditions = conditions({
  Applied: { time: false },
  Available: { time: false },
  Degraded: { time: false },
});

export const trims = {
  /** Health (Available and its transition), Joined and creation time for the console, labels, our annotations. */
  cluster: trimWith(
    managedClusterSchema,
    dropMetadata('uid', 'generation'),
    annotations(clusterAnnotation),
    conditions({ [MANAGED_CLUSTER_AVAILABLE]: { time: true }, ManagedClusterJoined: { time: false } }),
  ),
  /** Available and Progressing (both with their transitions: health since, completed at), config references. */
  addOn: trimWith(
    managedClusterAddOnSchema,
    dropMetadata('uid', 'creationTimestamp', 'generation'),
    annotations((k) => k.startsWith(STATE_ANNOTATION_PREFIX)),
    dropStatus('supportedConfigs'),
    conditions({ Available: { time: true }, Progressing: { time: true } }),
  ),
  /** The import controller's klusterlet works: generation and conditions only. */
  klusterletWork: trimWith(
    manifestWorkSchema,
    dropMetadata('uid', 'creationTimestamp', 'labels'),
    dropStatus('resourceStatus'),
    workConditions,
  ),
  /** Our own works: their status feedback is what the observer reports. */
  work: trimWith(manifestWorkSchema, dropMetadata('uid', 'creationTimestamp'), workConditions),
  klusterletConfig: trimWith(klusterletConfigSchema),
  placement: trimWith(placementSchema),
  /** Cluster names only: the reason is never read. */
  decision: trimWith(placementDecisionSchema, (obj) => {
    const status = (obj as { status?: { decisions?: { clusterName: string }[] } }).status;
    if (status?.decisions) status.decisions = status.decisions.map((d) => ({ clusterName: d.clusterName }));
  }),
  clusterManagementAddOn: trimWith(clusterManagementAddOnSchema),
  /**
   * Agents' CSRs: the cluster, the signer, when, and whether it was signed. The request and the
   * certificate (a few KB each) are never read.
   */
  csr: (obj: KubeObject): KubeObject => {
    const o = obj as KubeObject & { spec?: { signerName?: string }; status?: { certificate?: string } };
    const cluster = o.metadata.labels?.[CSR_CLUSTER_LABEL];
    const csr: AgentCsr = {
      apiVersion: CSR_API_VERSION,
      kind: 'CertificateSigningRequest',
      metadata: {
        name: o.metadata.name ?? '',
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
        labels: cluster === undefined ? {} : { [CSR_CLUSTER_LABEL]: cluster },
      },
      spec: { signerName: o.spec?.signerName ?? '' },
      status: { issued: (o.status?.certificate ?? '').length > 0 },
    };
    return interner.intern(csr as unknown as KubeObject);
  },
};
