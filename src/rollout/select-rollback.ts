/**
 * Which clusters to revert now during a rollback: those started forward for the revision, a wave
 * at a time under the failure policy's `rollbackMaxConcurrency`, latest groups first (the final
 * wave, then groups in reverse walk order), by name within a group. Windows still apply; approval
 * gates do not.
 */
import { ClusterState } from './cluster-state.js';
import { countOf, type Fleet } from './fleet.js';
import { pickClusters, type Selection, type SelectionContext } from './pick-clusters.js';
import { resolveConcurrency } from './rollout-size.js';
import type { ClusterObservation, WaitReason } from './types.js';

/** Counts of a rollback in progress. */
export interface RollbackProgress {
  toRevert: number;
  pending: number;
  reverting: number;
  reverted: number;
  failed: number;
}

/** Sums the rollback states over the fleet. */
export function rollbackProgress(fleet: Fleet): RollbackProgress {
  const p: RollbackProgress = { toRevert: 0, pending: 0, reverting: 0, reverted: 0, failed: 0 };
  for (const s of fleet.slots) {
    p.pending += countOf(fleet, s.id, ClusterState.RollbackPending);
    p.reverting += countOf(fleet, s.id, ClusterState.Reverting);
    p.reverted += countOf(fleet, s.id, ClusterState.Reverted);
    p.failed += countOf(fleet, s.id, ClusterState.RevertFailed);
  }
  p.toRevert = p.pending + p.reverting + p.reverted + p.failed;
  return p;
}

/** Picks the next clusters to revert. */
export function selectRollback(ctx: SelectionContext, progress: RollbackProgress): Selection {
  const { fleet } = ctx;
  const waits: WaitReason[] = [];
  const limit = resolveConcurrency(ctx.policy.failure.rollbackMaxConcurrency, progress.toRevert);
  const free = limit - progress.reverting;
  if (progress.pending === 0) return { starts: [], waits, opensAt: Infinity };
  if (free <= 0) {
    waits.push({ kind: 'Concurrency', inFlight: progress.reverting, limit });
    return { starts: [], waits, opensAt: Infinity };
  }
  const allowed = new Uint8Array(fleet.slots.length).fill(1);
  const orderOf = fleet.slots.map((s) => s.order);
  const { clusters, slot } = fleet;
  const latestGroupsFirst = (a: number, b: number): number => {
    const byGroup = (orderOf[slot[b] as number] as number) - (orderOf[slot[a] as number] as number);
    if (byGroup !== 0) return byGroup;
    const x = (clusters[a] as ClusterObservation).name;
    const y = (clusters[b] as ClusterObservation).name;
    return x < y ? -1 : x > y ? 1 : a - b;
  };
  return pickClusters(ctx, ClusterState.RollbackPending, allowed, free, latestGroupsFirst, waits);
}
