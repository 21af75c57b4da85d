/**
 * Which pending clusters start now, going forward. Mandatory groups first, one at a time and whole;
 * then by strategy: All (everything allowed), Progressive (by name, up to maxConcurrency in flight),
 * ProgressivePerGroup (the first unfinished group, whole). A cluster starts only if it is reachable
 * and its maintenance windows allow it; a gate before a group holds that group and all after it;
 * the final wave waits for every other group. Clusters that may not start yet are skipped over, not
 * waited for, so a closed window in one region does not hold up another.
 */
import { ClusterState } from './cluster-state.js';
import { countOf, inFlightOf, isSlotDone, totalOf, type GroupSlot } from './fleet.js';
import { pickClusters, type Selection, type SelectionContext } from './pick-clusters.js';
import { resolveConcurrency } from './rollout-size.js';
import type { WaitReason } from './types.js';

/** Picks the clusters to start forward now, and says what else is being waited for. */
export function selectForward(ctx: SelectionContext): Selection {
  const { fleet, policy } = ctx;
  const gate = fleet.walk.find((s) => policy.gates.includes(s.ref.name) && !ctx.approved.has(s.ref.name));
  const gateOrder = gate === undefined ? Infinity : gate.order;
  const waits: WaitReason[] = [];
  const allowed = new Uint8Array(fleet.slots.length);
  const approvalWait = (s: GroupSlot) => {
    if (gate !== undefined && s.order >= gateOrder) waits.push({ kind: 'Approval', group: gate.ref.name });
  };

  const mandatoryOpen = fleet.walk.find((s) => s.mandatory && !isSlotDone(fleet, s.id));
  if (mandatoryOpen !== undefined) {
    if (mandatoryOpen.order >= gateOrder) {
      approvalWait(mandatoryOpen);
      return { starts: [], waits, opensAt: Infinity };
    }
    allowed[mandatoryOpen.id] = 1;
    return pickClusters(ctx, ClusterState.Pending, allowed, Infinity, null, waits);
  }

  const regular = fleet.walk.filter((s) => !s.mandatory && !s.finalWave);
  const finalWaveOpen = regular.every((s) => isSlotDone(fleet, s.id));
  const open = (s: GroupSlot) => s.order < gateOrder && (!s.finalWave || finalWaveOpen);
  const candidates = fleet.walk.filter((s) => !s.mandatory);
  const hasPending = (s: GroupSlot) => countOf(fleet, s.id, ClusterState.Pending) > 0;

  if (policy.strategy.type === 'ProgressivePerGroup') {
    const current = candidates.find((s) => !isSlotDone(fleet, s.id));
    if (current === undefined) return { starts: [], waits, opensAt: Infinity };
    if (!open(current)) {
      if (hasPending(current)) approvalWait(current);
      return { starts: [], waits, opensAt: Infinity };
    }
    allowed[current.id] = 1;
    return pickClusters(ctx, ClusterState.Pending, allowed, Infinity, null, waits);
  }

  for (const s of candidates) {
    if (open(s)) allowed[s.id] = 1;
    else if (hasPending(s) && s.order >= gateOrder && !waits.some((w) => w.kind === 'Approval'))
      approvalWait(s);
  }
  if (policy.strategy.type === 'All')
    return pickClusters(ctx, ClusterState.Pending, allowed, Infinity, null, waits);

  let total = 0;
  let inFlight = 0;
  for (const s of candidates) {
    total += totalOf(fleet, s.id);
    inFlight += inFlightOf(fleet, s.id);
  }
  const limit = resolveConcurrency(policy.strategy.maxConcurrency ?? { kind: 'count', count: 0 }, total);
  const free = limit - inFlight;
  if (free <= 0) {
    if (candidates.some(hasPending)) waits.push({ kind: 'Concurrency', inFlight, limit });
    return { starts: [], waits, opensAt: Infinity };
  }
  return pickClusters(ctx, ClusterState.Pending, allowed, free, null, waits);
}
