/**
 * What the console shows of a ManagedCluster and an AgentRollout, as pure functions of cached
 * objects: a list row is a few hundred bytes (contract.ts), built only for the rows of a page.
 */
import type { z } from 'zod';
import type { ClusterSummary, RolloutRef, RolloutSummary, conditionSchema } from '../contract.js';
import { ROLLOUT_PHASES, type AgentRolloutStatus } from '../../api/agentrollout-status.js';
import type { RolloutTarget } from '../../api/agentrollout.js';
import { readClusterState } from '../../controllers/rollout/cluster-state.js';
import type { KubeObject } from '../../runtime/client/types.js';
import type { ShownKlusterletVersion } from './klusterlet-version.js';
import type { ShownTransport } from './transport.js';

/** The label OCM puts the ManagedClusterSet of a cluster in. */
export const CLUSTER_SET_LABEL = 'cluster.open-cluster-management.io/clusterset';

type Condition = z.infer<typeof conditionSchema>;
type Status3 = Condition['status'];

interface RawCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export type CachedCluster = KubeObject & {
  spec?: { hubAcceptsClient?: boolean };
  status?: {
    conditions?: RawCondition[];
    version?: { kubernetes?: string };
    clusterClaims?: { name?: string; value?: string }[];
  };
};

export type CachedAddOn = KubeObject & { status?: { conditions?: RawCondition[] } };

export type CachedRollout = KubeObject & {
  spec?: {
    target?: RolloutTarget;
    placementRef?: { name?: string };
    paused?: boolean;
    approvals?: { groupName?: string }[];
    approved?: { groupName?: string; revision?: string }[];
  };
  status?: AgentRolloutStatus;
};

function status3(s: string | undefined): Status3 {
  return s === 'True' || s === 'False' ? s : 'Unknown';
}

function conditionStatus(conditions: RawCondition[] | undefined, type: string): Status3 {
  return status3(conditions?.find((c) => c.type === type)?.status);
}

export function trimConditions(conditions: RawCondition[] | undefined): Condition[] {
  return (conditions ?? [])
    .filter((c) => typeof c.type === 'string')
    .map((c) => ({
      type: c.type as string,
      status: status3(c.status),
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
      ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {}),
    }));
}

/** `namespace/name` of a rollout record → its ref. */
function refOf(key: string): RolloutRef | undefined {
  const i = key.indexOf('/');
  return i > 0 ? { namespace: key.slice(0, i), name: key.slice(i + 1) } : undefined;
}

export interface ClusterFacts {
  /** The cluster's add-ons (ManagedClusterAddOns in its namespace). */
  addOns: readonly CachedAddOn[];
  /** A rollout by `namespace/name`, to read an add-on's target version. */
  rollout: (key: string) => CachedRollout | undefined;
  /** The klusterlet version the cluster runs, observed or as the hub renders it, when known. */
  klusterletVersion: ShownKlusterletVersion | undefined;
  /** The cluster's transport, observed or as its rollout recorded it, when known. */
  transport: ShownTransport | undefined;
}

/**
 * One list row. Rollouts touching the cluster are those whose per-cluster record is on the
 * cluster or one of its add-ons (written with the change itself, so it is what was done).
 */
export function clusterSummary(mc: CachedCluster, facts: ClusterFacts): ClusterSummary {
  const labels = { ...(mc.metadata.labels ?? {}) };
  const conditions = mc.status?.conditions;
  const rollouts = new Map<string, RolloutRef>();
  const note = (key: string | undefined) => {
    const ref = key ? refOf(key) : undefined;
    if (ref && key) rollouts.set(key, ref);
  };
  note(readClusterState(mc.metadata.annotations, 'klusterlet')?.rollout);
  note(readClusterState(mc.metadata.annotations, 'transport')?.rollout);
  const addOns = [...facts.addOns]
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1))
    .map((a) => {
      const record = readClusterState(a.metadata.annotations, 'addOn');
      note(record?.rollout);
      const target = record ? facts.rollout(record.rollout)?.spec?.target?.addOn : undefined;
      const version = target && target.name === a.metadata.name ? target.version : undefined;
      return {
        name: a.metadata.name ?? '',
        ...(version ? { version } : {}),
        available: conditionStatus(a.status?.conditions, 'Available'),
      };
    });
  const clusterSet = labels[CLUSTER_SET_LABEL];
  const kubernetesVersion = mc.status?.version?.kubernetes;
  return {
    name: mc.metadata.name ?? '',
    labels,
    ...(clusterSet ? { clusterSet } : {}),
    available: conditionStatus(conditions, 'ManagedClusterConditionAvailable'),
    joined: conditionStatus(conditions, 'ManagedClusterJoined') === 'True',
    hubAccepted: mc.spec?.hubAcceptsClient === true,
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    ...(facts.klusterletVersion
      ? {
          klusterletVersion: facts.klusterletVersion.version,
          klusterletVersionSource: facts.klusterletVersion.source,
        }
      : {}),
    // Unobserved and unrecorded clusters use the hub's default.
    ...(facts.transport
      ? { transport: facts.transport.transport, transportSource: facts.transport.source }
      : {}),
    addOns,
    rollouts: [...rollouts.values()],
  };
}

function targetOf(t: RolloutTarget | undefined): Pick<RolloutSummary, 'target' | 'targetKind'> {
  if (t?.addOn) return { target: `${t.addOn.name} ${t.addOn.version}`, targetKind: 'addOn' };
  if (t?.transport) return { target: `transport ${t.transport.type}`, targetKind: 'transport' };
  return { target: `klusterlet ${t?.klusterlet?.version ?? '?'}`, targetKind: 'klusterlet' };
}

/** An AgentRollout as `kubectl mce rollout status` shows it. */
export function rolloutSummary(r: CachedRollout): RolloutSummary {
  const s = r.status ?? {};
  const revision = s.revision;
  const approved = r.spec?.approved ?? [];
  const phase = ROLLOUT_PHASES.find((p) => p === s.phase);
  return {
    namespace: r.metadata.namespace ?? '',
    name: r.metadata.name ?? '',
    ...targetOf(r.spec?.target),
    placement: r.spec?.placementRef?.name ?? '',
    ...(phase ? { phase } : {}),
    ...(revision ? { revision } : {}),
    paused: r.spec?.paused === true,
    total: s.total ?? 0,
    ...(s.counts ? { counts: s.counts } : {}),
    groups: s.groups ?? [],
    failedClusters: s.failedClusters ?? [],
    approvals: (r.spec?.approvals ?? [])
      .filter((a): a is { groupName: string } => typeof a.groupName === 'string')
      .map((a) => ({
        group: a.groupName,
        approved: !!revision && approved.some((g) => g.groupName === a.groupName && g.revision === revision),
      })),
    conditions: trimConditions(s.conditions as RawCondition[] | undefined),
    ...(r.metadata.creationTimestamp ? { createdAt: r.metadata.creationTimestamp } : {}),
    ...(r.metadata.resourceVersion ? { resourceVersion: r.metadata.resourceVersion } : {}),
  };
}
