/**
 * The simulated registration agents and the hub's registration controllers. Per ManagedCluster:
 * conditions HubAcceptedManagedCluster, ManagedClusterJoined and ManagedClusterConditionAvailable
 * (True while the cluster answers; Unknown with ManagedClusterLeaseUpdateStopped once it has been
 * unreachable for the lease grace), `status.version`; the hub's taint controller (`unreachable` /
 * `unavailable` NoSelect taints from the Available condition, which drop the cluster from
 * Placements that don't tolerate them); and the DefaultClusterSet controller (clusters without a
 * clusterset label join `default`). Per ManagedClusterSetBinding: condition Bound.
 *
 * Under the real hub (`agentOnly`), only the agent's part: Joined, Available while the cluster
 * answers, and the lease `leaseRenewer` keeps fresh; the real registration controller accepts,
 * turns a cluster whose lease expired Unknown, and taints it.
 */
import type { Controller } from '../../../src/runtime/controller.js';
import {
  setCondition,
  toMetaTime,
  type Condition,
  type ConditionInput,
} from '../../../src/runtime/conditions.js';
import type { ReconcileResult } from '../../../src/runtime/reconcile.js';
import { isNotFound } from '../../../src/runtime/index.js';
import {
  CLUSTERSET_LABEL,
  mergePatch,
  nsKey,
  patchIfChanged,
  simController,
  type FleetContext,
} from './context.js';
import { goJson } from './gojson.js';
import type { SimBinding, SimCluster, Taint } from './types.js';

const MC_API = 'cluster.open-cluster-management.io/v1';
const SET_API = 'cluster.open-cluster-management.io/v1beta2';
export const AVAILABLE = 'ManagedClusterConditionAvailable';
export const UNREACHABLE_TAINT = 'cluster.open-cluster-management.io/unreachable';
export const UNAVAILABLE_TAINT = 'cluster.open-cluster-management.io/unavailable';
const KUBE_VERSION = 'v1.31.0';

const conditionsFingerprint = (cs: Condition[] | undefined) =>
  goJson((cs ?? []).map(({ type, status, reason, message }) => ({ type, status, reason, message })));

const JOINED: ConditionInput = {
  type: 'ManagedClusterJoined',
  status: 'True',
  reason: 'ManagedClusterJoined',
  message: 'Managed cluster joined',
};
const AVAILABLE_TRUE: ConditionInput = {
  type: AVAILABLE,
  status: 'True',
  reason: 'ManagedClusterAvailable',
  message: 'Managed cluster is available',
};

/** The MC conditions the agent and hub report now; undefined Available means "leave as is". */
function desiredConditions(
  mc: SimCluster,
  reachable: boolean,
  graceOver: boolean,
  agentOnly: boolean,
): ConditionInput[] {
  // The real hub accepts and expires; an agent reports only once it is accepted and while it runs.
  if (agentOnly) return mc.spec?.hubAcceptsClient === true && reachable ? [JOINED, AVAILABLE_TRUE] : [];
  if (mc.spec?.hubAcceptsClient === false)
    return [
      {
        type: 'HubAcceptedManagedCluster',
        status: 'False',
        reason: 'HubClusterAdminDenied',
        message: 'Denied by hub cluster admin',
      },
    ];
  const out: ConditionInput[] = [
    {
      type: 'HubAcceptedManagedCluster',
      status: 'True',
      reason: 'HubClusterAdminAccepted',
      message: 'Accepted by hub cluster admin',
    },
    JOINED,
  ];
  if (reachable) out.push(AVAILABLE_TRUE);
  else if (graceOver)
    out.push({
      type: AVAILABLE,
      status: 'Unknown',
      reason: 'ManagedClusterLeaseUpdateStopped',
      message: 'Registration agent stopped updating its lease.',
    });
  return out;
}

/** The hub taint controller's taints for an Available condition status. */
export function desiredTaints(current: Taint[], available: string | undefined, now: Date): Taint[] {
  const others = current.filter((t) => t.key !== UNREACHABLE_TAINT && t.key !== UNAVAILABLE_TAINT);
  const keep = (key: string): Taint =>
    current.find((t) => t.key === key) ?? { key, effect: 'NoSelect', timeAdded: toMetaTime(now) };
  if (available === 'True') return others;
  if (available === 'False') return [...others, keep(UNAVAILABLE_TAINT)];
  return [...others, keep(UNREACHABLE_TAINT)];
}

/**
 * The simulated registration agents with the hub's taint and default-clusterset controllers; with
 * `agentOnly`, the agents alone (the real hub plays the rest).
 */
export function registrationController(
  ctx: FleetContext,
  leaseGraceMs: number,
  agentOnly = false,
): Controller {
  const { clusters } = ctx.informers;
  const controller = simController(ctx, 'registration', 8, (req) => reconcile(req.name));
  controller.watch(clusters);
  ctx.policy.onReachability((cluster, reachable) => {
    controller.queue.addAfter(cluster, reachable ? 0 : leaseGraceMs);
  });

  async function reconcile(name: string): Promise<ReconcileResult | void> {
    const mc = clusters.get(undefined, name);
    if (!mc || mc.metadata.deletionTimestamp) return;
    const now = new Date();
    const ref = { apiVersion: MC_API, kind: 'ManagedCluster', name };
    const since = ctx.policy.unreachableAt(name);
    const reachable = since === undefined;
    const graceLeft = since === undefined ? 0 : since + leaseGraceMs - now.getTime();
    let conditions = (mc.status?.conditions ?? []) as Condition[];
    for (const c of desiredConditions(mc, reachable, graceLeft <= 0, agentOnly))
      conditions = setCondition(conditions, c, { now });
    await patchIfChanged(ctx, {
      what: 'registration-agent:status',
      ref,
      // Conditionally on the cached version: other conditions in the list belong to others.
      body: {
        metadata: { resourceVersion: mc.metadata.resourceVersion },
        status: { conditions, version: { kubernetes: KUBE_VERSION } },
      },
      subresource: 'status',
      key: `mc-status/${name}`,
      cached: mc,
      desired: conditionsFingerprint(conditions),
      actual: () => conditionsFingerprint(mc.status?.conditions),
    });

    if (agentOnly) return;
    // The taint and default-clusterset controllers act on what the status now says.
    const available = conditions.find((c) => c.type === AVAILABLE)?.status;
    const taints = desiredTaints(mc.spec?.taints ?? [], available, now);
    const patch: Record<string, unknown> = {};
    if (goJson(taints) !== goJson(mc.spec?.taints ?? [])) patch.spec = { taints };
    if (!mc.metadata.labels?.[CLUSTERSET_LABEL])
      patch.metadata = { labels: { [CLUSTERSET_LABEL]: 'default' } };
    if (Object.keys(patch).length > 0)
      await patchIfChanged(ctx, {
        what: 'registration-controller:taints',
        ref,
        body: patch,
        key: `mc-spec/${name}`,
        cached: mc,
        desired: goJson(patch),
        actual: () => '',
      });
    return graceLeft > 0 ? { requeueAfter: graceLeft } : undefined;
  }

  return controller;
}

/** The hub's ManagedClusterSetBinding controller: Bound True when the set exists. */
export function bindingController(ctx: FleetContext): Controller {
  const { bindings, clusterSets } = ctx.informers;
  const controller = simController(ctx, 'clustersetbinding', 2, (req) => reconcile(req.key));
  controller.watch(bindings);
  const ofSet = () =>
    bindings
      .list()
      .forEach((b) => controller.enqueue(nsKey(b.metadata.namespace ?? '', b.metadata.name ?? '')));
  clusterSets.addHandler({ add: ofSet, delete: ofSet });

  async function reconcile(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const binding: SimBinding | undefined = bindings.get(namespace, name);
    if (!binding) return;
    const bound = clusterSets.get(undefined, binding.spec?.clusterSet ?? '') !== undefined;
    const conditions = setCondition(
      (binding.status?.conditions ?? []) as Condition[],
      bound
        ? { type: 'Bound', status: 'True', reason: 'ClusterSetBound', message: '' }
        : { type: 'Bound', status: 'False', reason: 'ClusterSetNotFound', message: '' },
      { now: new Date() },
    );
    if (conditionsFingerprint(conditions) === conditionsFingerprint(binding.status?.conditions)) return;
    await mergePatch(
      ctx,
      'registration-controller:binding',
      { apiVersion: SET_API, kind: 'ManagedClusterSetBinding', namespace, name },
      { status: { conditions } },
      'status',
    );
  }

  return controller;
}

const LEASE = 'managed-cluster-lease';

/**
 * The registration agents' lease renewal, under the real hub: every `seconds`, each cluster that
 * answers sets `renewTime` on its `managed-cluster-lease`, as the agent does every
 * `leaseDurationSeconds`. The hub creates the lease (with the cluster-name label its informer
 * selects on); until then there is nothing to renew, as for the real agent. A cluster made
 * unreachable stops renewing, and the real registration controller turns it Unknown after its
 * grace (5 lease durations).
 */
export function leaseRenewer(
  ctx: FleetContext,
  names: () => readonly string[],
  seconds: number,
): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const renew = async (name: string) => {
    const renewTime = new Date().toISOString().replace(/Z$/, '000Z');
    const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: name, name: LEASE };
    await mergePatch(ctx, 'registration-agent:lease', ref, { spec: { renewTime } }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  };
  const round = async () => {
    const due = names().filter((n) => ctx.policy.reachable(n) && ctx.informers.clusters.get(undefined, n));
    await ctx.pool
      .each(due, (n) => renew(n))
      .catch((err: unknown) => ctx.log.warn({ err }, 'lease renewal failed'));
    if (!stopped) timer = setTimeout(() => void round(), seconds * 1000);
  };
  void round();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
