/** The per-group summary a status field shows: counts by state, first start, last finish. */
import { emptyStateCounts } from '../api/agentrollout-status.js';
import { ClusterState, STATE_COUNT } from './cluster-state.js';
import { countOf, totalOf, type Fleet } from './fleet.js';
import { formatRfc3339 } from './rfc3339.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { GroupSummary, RolloutSummary, StateCounts } from './types.js';

/** Builds the summary, groups in walk order. */
export function summarizeRollout(
  fleet: Fleet,
  policy: CompiledPolicy,
  approved: ReadonlySet<string>,
): RolloutSummary {
  const counts = emptyStateCounts();
  let total = 0;
  const groups: GroupSummary[] = fleet.walk.map((s) => {
    const c = countsOf(fleet, s.id);
    for (const key of Object.keys(counts) as (keyof StateCounts)[]) counts[key] += c[key];
    const groupTotal = totalOf(fleet, s.id);
    total += groupTotal;
    const first = fleet.firstStart[s.id] ?? Infinity;
    const last = fleet.lastFinish[s.id] ?? -Infinity;
    const gated = policy.gates.includes(s.ref.name);
    return {
      name: s.ref.name,
      index: s.ref.index,
      mandatory: s.mandatory,
      lateJoiners: s.finalWave,
      approval: !gated ? 'NotRequired' : approved.has(s.ref.name) ? 'Approved' : 'Waiting',
      total: groupTotal,
      counts: c,
      firstStartedAt: first === Infinity ? null : formatRfc3339(first),
      lastFinishedAt: last === -Infinity ? null : formatRfc3339(last),
    };
  });
  return { total, counts, removed: fleet.removed.length, groups };
}

function countsOf(fleet: Fleet, slot: number): StateCounts {
  const n = (state: number) => countOf(fleet, slot, state);
  return {
    pending: n(ClusterState.Pending),
    progressing: n(ClusterState.Progressing),
    soaking: n(ClusterState.Soaking),
    succeeded: n(ClusterState.Succeeded),
    failed: n(ClusterState.Failed),
    timedOut: n(ClusterState.TimedOut),
    unreachable: n(ClusterState.Unreachable) + n(ClusterState.UnreachableExpired),
    skipped: n(ClusterState.Skipped),
    rollbackPending: n(ClusterState.RollbackPending),
    reverting: n(ClusterState.Reverting),
    reverted: n(ClusterState.Reverted),
    revertFailed: n(ClusterState.RevertFailed),
  };
}

/** Clusters waiting to start and clusters in flight, over the whole fleet. */
export function openWork(fleet: Fleet): { pending: number; inFlight: number } {
  let pending = 0;
  let inFlight = 0;
  for (const s of fleet.slots) {
    const base = s.id * STATE_COUNT;
    pending += fleet.counts[base + ClusterState.Pending] ?? 0;
    inFlight +=
      (fleet.counts[base + ClusterState.Progressing] ?? 0) +
      (fleet.counts[base + ClusterState.Soaking] ?? 0) +
      (fleet.counts[base + ClusterState.Failed] ?? 0) +
      (fleet.counts[base + ClusterState.Unreachable] ?? 0);
  }
  return { pending, inFlight };
}
