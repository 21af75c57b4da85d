/**
 * The disabled branch (the MCE turns Maestro off, or no MultiClusterEngine is left): move the fleet
 * back to kube, and once no agent uses gRPC, release our ClusterManager fields and delete
 * everything we created except the retained data (with retainDataOnDisable off, the database
 * volume claims and the namespace go too).
 */
import type { MaestroSpec } from '../../api/maestro.js';
import type { MultiClusterEngine } from '../../api/upstream/mce.js';
import type { ReconcileResult } from '../../runtime/index.js';
import type { WriteContext } from './apply-objects.js';
import { applyTransportRollout } from './apply-rollout.js';
import { releaseClusterManager } from './cluster-manager.js';
import { conductorConfigured } from './conductor.js';
import { CACHE_WAIT_MS, RESYNC_MS } from './constants.js';
import type { OwnedObject, World } from './load-world.js';
import type { MaestroRuntime } from './maestro-runtime.js';
import { describeObject, type Report } from './outcome.js';
import { planeKey, pruneObjects, selectForDeletion } from './prune.js';
import { deleteDatabaseClaims, retainedKeys } from './retained-data.js';
import { planTransportRollout } from './transport-rollout.js';

/** Why Maestro is off, for the Available condition. */
export interface DisabledBecause {
  reason: 'ComponentDisabled' | 'MultiClusterEngineNotFound';
  message: string;
}

/** Converges a disabled Maestro; fills `report.outcome`. */
export async function convergeDisabled(
  world: World,
  mce: MultiClusterEngine | undefined,
  spec: MaestroSpec,
  because: DisabledBecause,
  rt: MaestroRuntime,
  ctx: WriteContext,
  report: Report,
): Promise<ReconcileResult> {
  // Our Secrets are cached per namespace: the operand namespace's must be listed before pruning.
  if (!rt.caches.secrets.in(spec.namespace)) return { requeueAfter: CACHE_WAIT_MS };
  const keepRetained = retainedKeys(spec, (p) => rt.caches.cachePlane(p), world.owned);
  const isRetained = (o: OwnedObject) => keepRetained.has(planeKey(o.plane, o.object));
  const retained = world.owned.filter(isRetained).map((o) => describeObject(o.object));
  if (spec.retainDataOnDisable && spec.database.type === 'Embedded')
    retained.push('the database volume claims');

  // a. Agents back to kube first: the gRPC server must outlive every agent that uses it.
  const mceRef = mce ? { name: mce.metadata.name, uid: mce.metadata.uid ?? '' } : undefined;
  const plan = planTransportRollout({
    mce: mceRef,
    enabled: false,
    spec,
    conductorConfigured: conductorConfigured(world, rt.caches, rt.expectations),
    apiServed: world.rolloutApiServed,
    rollouts: world.owned.filter((o) => o.object.kind === 'AgentRollout').map((o) => o.object),
  });
  if ((await applyTransportRollout(plan, mceRef, ctx)) > 0) rt.drainWrittenAt = rt.clock.now();
  const rolloutKeys = plan.objects.map((o) => planeKey(rt.caches.cachePlane('data'), o));
  const outcome = {
    kind: 'Disabled' as const,
    ...because,
    retained,
    drain: plan.drain,
    ...(plan.note ? { note: plan.note } : {}),
  };
  if (plan.drain.kind === 'Waiting') {
    const remaining = world.owned
      .filter((o) => !isRetained(o) && !rolloutKeys.includes(planeKey(o.plane, o.object)))
      .map((o) => describeObject(o.object));
    report.outcome = { ...outcome, remaining };
    return {};
  }

  // b. No agent uses gRPC: release our ClusterManager fields.
  await releaseClusterManager(world.clusterManager, world.clusterManagerOwnedByUs, ctx);

  // c. Delete everything but retained data (and the rollout, which records that agents are on kube).
  const keep = new Set([...keepRetained, ...rolloutKeys]);
  const doomed = selectForDeletion(world.owned, keep);
  const namespaceLive = world.owned.some(
    (o) =>
      o.object.kind === 'Namespace' &&
      o.object.metadata.name === spec.namespace &&
      !o.object.metadata.deletionTimestamp,
  );
  await pruneObjects(doomed, ctx, async () => {
    if (spec.retainDataOnDisable || spec.database.type !== 'Embedded' || !namespaceLive) return;
    await deleteDatabaseClaims(spec.namespace, 1, ctx);
  });
  if (!spec.retainDataOnDisable) rt.memo.forget(spec.namespace);

  // Objects already terminating (a namespace waiting for its contents) are still there.
  const remaining = world.owned
    .filter((o) => !keep.has(planeKey(o.plane, o.object)) && o.object.metadata.deletionTimestamp)
    .map((o) => describeObject(o.object));
  report.outcome = { ...outcome, remaining };
  return { requeueAfter: RESYNC_MS };
}
