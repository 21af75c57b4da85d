/**
 * The simulated placement controller: keeps every Placement's PlacementDecisions and status as
 * the hub's scheduling controller would (see `placement-schedule.ts` for the rules). It re-decides
 * when the Placement, its decisions, the clusters (labels, taints, deletion), the cluster sets or
 * the bindings in its namespace change; cluster events are batched (100 ms) since a fleet emits
 * thousands at once. Only objects whose content changed are written; surplus decisions are
 * deleted, and so are the decisions of a deleted Placement (the hub's garbage collector's job).
 */
import type { Controller } from '../../../src/runtime/controller.js';
import { setCondition, type Condition } from '../../../src/runtime/conditions.js';
import type { ReconcileResult } from '../../../src/runtime/reconcile.js';
import {
  createOrGet,
  mergePatch,
  nsKey,
  patchIfChanged,
  simController,
  type FleetContext,
} from './context.js';
import { goJson, sameJson } from './gojson.js';
import { schedulePlacement, type DesiredDecision } from './placement-schedule.js';
import { matchesLabels } from './selector.js';
import type { SimCluster, SimClusterSet, SimDecision, SimPlacement } from './types.js';

const API = 'cluster.open-cluster-management.io/v1beta1';
export const PLACEMENT_LABEL = 'cluster.open-cluster-management.io/placement';
export const GROUP_INDEX_LABEL = 'cluster.open-cluster-management.io/decision-group-index';
export const GROUP_NAME_LABEL = 'cluster.open-cluster-management.io/decision-group-name';
const DISABLE_ANNOTATION = 'cluster.open-cluster-management.io/experimental-scheduling-disable';
const BATCH_MS = 100;

/** Members of a ManagedClusterSet by its selector (sdk-go `GetClustersFromClusterSet`). */
export function clusterSetMembers(ctx: FleetContext, set: SimClusterSet): SimCluster[] {
  const selector = set.spec?.clusterSelector;
  if ((selector?.selectorType ?? 'ExclusiveClusterSetLabel') === 'ExclusiveClusterSetLabel')
    return ctx.informers.clusters.byIndex('clusterset', set.metadata.name ?? '');
  return ctx.informers.clusters
    .list()
    .filter((mc) => matchesLabels(selector?.labelSelector, mc.metadata.labels));
}

const decisionsFingerprint = (clusters: string[]) =>
  goJson(clusters.map((clusterName) => ({ clusterName, reason: '' })));

/** The simulated placement controller (see the file comment). */
export function placementController(ctx: FleetContext): Controller {
  const { placements, decisions, clusters, clusterSets, bindings } = ctx.informers;
  const controller = simController(ctx, 'placement', 4, (req) => reconcile(req.key));
  controller.watch(placements);
  const all = () =>
    placements
      .list()
      .forEach((p) =>
        controller.queue.addAfter(nsKey(p.metadata.namespace ?? '', p.metadata.name ?? ''), BATCH_MS),
      );
  const ofDecision = (pd: SimDecision) => {
    const p = pd.metadata.labels?.[PLACEMENT_LABEL];
    if (p) controller.enqueue(nsKey(pd.metadata.namespace ?? '', p));
  };
  decisions.addHandler({ add: ofDecision, update: (_o, pd) => ofDecision(pd), delete: ofDecision });
  clusters.addHandler({
    add: all,
    delete: all,
    update: (old, mc) => {
      const changed =
        !sameJson(old.metadata.labels, mc.metadata.labels) ||
        !sameJson(old.spec?.taints, mc.spec?.taints) ||
        old.metadata.deletionTimestamp !== mc.metadata.deletionTimestamp ||
        !sameJson(old.status?.clusterClaims, mc.status?.clusterClaims);
      if (changed) all();
    },
  });
  clusterSets.addHandler({ add: all, update: all, delete: all });
  const ofBinding = (b: { metadata: { namespace?: string } }) =>
    placements
      .list(b.metadata.namespace)
      .forEach((p) => controller.enqueue(nsKey(p.metadata.namespace ?? '', p.metadata.name ?? '')));
  bindings.addHandler({ add: ofBinding, update: (_o, b) => ofBinding(b), delete: ofBinding });

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const [namespace = '', name = ''] = key.split('/');
    const placement = placements.get(namespace, name);
    const existing = decisions.byIndex('placement', key);
    if (!placement || placement.metadata.deletionTimestamp) {
      await Promise.all(existing.map((pd) => deleteDecision(pd)));
      return;
    }
    if (placement.metadata.annotations?.[DISABLE_ANNOTATION] === 'true') return;
    const result = schedulePlacement({
      placement,
      bindings: bindings.list(namespace),
      clusterSets: (set) => clusterSets.get(undefined, set),
      members: (set) => clusterSetMembers(ctx, set),
      existing: new Set(existing.flatMap((pd) => (pd.status?.decisions ?? []).map((d) => d.clusterName))),
      now: Date.now(),
    });
    await Promise.all(result.decisions.map((d) => writeDecision(placement, d)));
    const wanted = new Set(result.decisions.map((d) => d.name));
    await Promise.all(
      existing.filter((pd) => !wanted.has(pd.metadata.name ?? '')).map((pd) => deleteDecision(pd)),
    );
    await writeStatus(placement, result);
    return result.requeueAfterMs !== undefined ? { requeueAfter: result.requeueAfterMs + 50 } : undefined;
  }

  async function writeDecision(placement: SimPlacement, d: DesiredDecision): Promise<void> {
    const namespace = placement.metadata.namespace ?? '';
    const labels = {
      [PLACEMENT_LABEL]: placement.metadata.name ?? '',
      [GROUP_NAME_LABEL]: d.groupName,
      [GROUP_INDEX_LABEL]: String(d.groupIndex),
    };
    const ref = { apiVersion: API, kind: 'PlacementDecision', namespace, name: d.name };
    let cached: SimDecision | undefined = decisions.get(namespace, d.name);
    if (!cached) {
      cached = await createOrGet<SimDecision>(ctx, 'placement-controller:decision', {
        ...ref,
        metadata: {
          name: d.name,
          namespace,
          labels,
          ownerReferences: [
            {
              apiVersion: API,
              kind: 'Placement',
              name: placement.metadata.name ?? '',
              uid: placement.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
      });
    }
    const current = cached;
    await patchIfChanged(ctx, {
      what: 'placement-controller:decision-status',
      ref,
      body: { status: { decisions: d.clusters.map((clusterName) => ({ clusterName, reason: '' })) } },
      subresource: 'status',
      key: `pd/${namespace}/${d.name}`,
      cached: current,
      desired: decisionsFingerprint(d.clusters),
      actual: () => decisionsFingerprint((current.status?.decisions ?? []).map((x) => x.clusterName)),
    });
    const labelsNow = current.metadata.labels ?? {};
    if (Object.entries(labels).some(([k, v]) => labelsNow[k] !== v))
      await mergePatch(ctx, 'placement-controller:decision-labels', ref, { metadata: { labels } });
  }

  async function deleteDecision(pd: SimDecision): Promise<void> {
    const ref = {
      apiVersion: API,
      kind: 'PlacementDecision',
      namespace: pd.metadata.namespace,
      name: pd.metadata.name ?? '',
    };
    await ctx.pool.run('placement-controller:decision-delete', () => ctx.client.delete(ref));
  }

  async function writeStatus(
    placement: SimPlacement,
    result: ReturnType<typeof schedulePlacement>,
  ): Promise<void> {
    const now = new Date();
    let conditions = (placement.status?.conditions ?? []) as Condition[];
    for (const c of result.conditions) conditions = setCondition(conditions, c, { now });
    const status = {
      numberOfSelectedClusters: result.numberOfSelectedClusters,
      decisionGroups: result.groups,
      conditions,
    };
    const fingerprint = (s: {
      numberOfSelectedClusters?: unknown;
      decisionGroups?: unknown;
      conditions?: Condition[];
    }) =>
      goJson({
        n: s.numberOfSelectedClusters,
        g: s.decisionGroups,
        c: (s.conditions ?? []).map(({ type, status: st, reason, message }) => ({
          type,
          st,
          reason,
          message,
        })),
      });
    const { namespace, name } = placement.metadata;
    await patchIfChanged(ctx, {
      what: 'placement-controller:status',
      ref: { apiVersion: API, kind: 'Placement', namespace, name: name ?? '' },
      body: { status },
      subresource: 'status',
      key: `placement/${namespace ?? ''}/${name ?? ''}`,
      cached: placement,
      desired: fingerprint(status),
      actual: () => fingerprint(placement.status ?? {}),
    });
  }

  return controller;
}
