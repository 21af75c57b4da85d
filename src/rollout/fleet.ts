/**
 * One pass over the fleet: each cluster's state and group slot in typed arrays, per-group counts,
 * start and finish times, the next instant anything changes, removed clusters and clusters whose
 * membership must be recorded. Groups come from the frozen plan (the memo) or, for a new revision,
 * from the Placement; clusters that join later go to a final wave or to their own group.
 */
import {
  ClusterState,
  STATE_COUNT,
  classifyCluster,
  type StateContext,
  type StateTimes,
} from './cluster-state.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { ClusterObservation, FrozenGroup, GroupRef } from './types.js';

/** Name of the final wave's group in summaries and approvals. */
export const LATE_JOINERS_GROUP = 'late-joiners';

/** A group as planned: its place in the walk, and what applies to it. */
export interface GroupSlot {
  /** Position in `Fleet.slots` (the number stored per cluster). */
  id: number;
  ref: GroupRef;
  mandatory: boolean;
  /** The final wave of late joiners. */
  finalWave: boolean;
  /** Position in the walk: mandatory groups, then the others by index, then the final wave. */
  order: number;
}

export interface Fleet {
  clusters: readonly ClusterObservation[];
  state: Uint8Array;
  /** Slot per cluster; -1 when removed. */
  slot: Int32Array;
  /** 1 when the cluster joined after the revision started. */
  late: Uint8Array;
  slots: GroupSlot[];
  /** Slots in walk order. */
  walk: GroupSlot[];
  /** `counts[slot * STATE_COUNT + state]`. */
  counts: Int32Array;
  firstStart: Float64Array;
  lastFinish: Float64Array;
  /** Earliest soak end or deadline still ahead; `Infinity` if none. */
  nextChange: number;
  /** Earliest soak end still ahead; `Infinity` if none. */
  soakUntil: number;
  removed: number[];
  /** Clusters without a membership for this revision (their slot is recorded in `slot`). */
  unrecorded: number[];
}

/**
 * Classifies every cluster. `frozen` is the memo's group list, or `null` for a revision starting
 * now (then every cluster is a member of its Placement group, none joined late).
 */
export function surveyFleet(
  clusters: readonly ClusterObservation[],
  policy: CompiledPolicy,
  ctx: StateContext,
  frozen: readonly FrozenGroup[] | null,
): Fleet {
  const n = clusters.length;
  const state = new Uint8Array(n);
  const slot = new Int32Array(n);
  const late = new Uint8Array(n);
  const slots: GroupSlot[] = [];
  // Decision group indexes are small non-negative integers: an array beats a Map per cluster.
  const byIndex: number[] = [];
  const otherIndexes = new Map<number, number>();
  const lookup = (index: number) =>
    Number.isInteger(index) && index >= 0 && index < 1_000_000 ? byIndex[index] : otherIndexes.get(index);
  const remember = (index: number, s: number) => {
    if (Number.isInteger(index) && index >= 0 && index < 1_000_000) byIndex[index] = s;
    else otherIndexes.set(index, s);
  };
  const mandatory = policy.strategy.type === 'All' ? [] : policy.strategy.mandatory;
  const isMandatory = (g: GroupRef) =>
    mandatory.some((m) => (m.groupName !== '' ? m.groupName === g.name : m.groupIndex === g.index));
  const addSlot = (ref: GroupRef, finalWave: boolean): number => {
    slots.push({ id: slots.length, ref, mandatory: !finalWave && isMandatory(ref), finalWave, order: 0 });
    return slots.length - 1;
  };
  for (const g of frozen ?? []) remember(g.index, addSlot({ name: g.name, index: g.index }, false));
  let finalWave = -1;
  const finalWaveMode = policy.lateJoiners === 'FinalWave';
  const slotOf = (g: GroupRef, joinedLate: boolean): number => {
    if (joinedLate && finalWaveMode) {
      if (finalWave < 0) {
        const last = Math.max(-1, ...(frozen ?? []).map((f) => f.index));
        finalWave = addSlot({ name: LATE_JOINERS_GROUP, index: last + 1 }, true);
      }
      return finalWave;
    }
    let s = lookup(g.index);
    if (s === undefined) {
      s = addSlot({ name: g.name, index: g.index }, false);
      remember(g.index, s);
    }
    return s;
  };

  let counts = new Int32Array(16 * STATE_COUNT);
  let firstStart = new Float64Array(16).fill(Infinity);
  let lastFinish = new Float64Array(16).fill(-Infinity);
  const times: StateTimes = { nextChange: Infinity, startedAt: Infinity, finishedAt: -Infinity };
  let nextChange = Infinity;
  let soakUntil = Infinity;
  const removed: number[] = [];
  const unrecorded: number[] = [];
  const revision = ctx.revision;
  const isNew = frozen === null;

  for (let i = 0; i < n; i++) {
    const c = clusters[i] as ClusterObservation;
    const st = classifyCluster(c, ctx, times);
    state[i] = st;
    if (st === ClusterState.Removed) {
      slot[i] = -1;
      removed.push(i);
      continue;
    }
    const m = c.membership;
    let s: number;
    if (m != null && m.revision === revision) {
      s = slotOf(m.group, m.joinedLate);
      late[i] = m.joinedLate ? 1 : 0;
    } else {
      const joinedLate = !isNew;
      s = slotOf(c.placement as GroupRef, joinedLate);
      late[i] = joinedLate ? 1 : 0;
      unrecorded.push(i);
    }
    slot[i] = s;
    if (s >= firstStart.length) {
      ({ counts, firstStart, lastFinish } = grow(counts, firstStart, lastFinish, s));
    }
    const k = s * STATE_COUNT + st;
    counts[k] = (counts[k] as number) + 1;
    if (times.startedAt < (firstStart[s] as number)) firstStart[s] = times.startedAt;
    if (times.finishedAt > (lastFinish[s] as number)) lastFinish[s] = times.finishedAt;
    if (times.nextChange < nextChange) nextChange = times.nextChange;
    if (st === ClusterState.Soaking && times.nextChange < soakUntil) soakUntil = times.nextChange;
  }

  const walk = [...slots].sort(
    (a, b) =>
      Number(a.finalWave) - Number(b.finalWave) ||
      Number(b.mandatory) - Number(a.mandatory) ||
      a.ref.index - b.ref.index,
  );
  walk.forEach((s, i) => (s.order = i));
  return {
    clusters,
    state,
    slot,
    late,
    slots,
    walk,
    counts,
    firstStart,
    lastFinish,
    nextChange,
    soakUntil,
    removed,
    unrecorded,
  };
}

function grow(counts: Int32Array, firstStart: Float64Array, lastFinish: Float64Array, s: number) {
  const size = Math.max(s + 1, firstStart.length * 2);
  const c = new Int32Array(size * STATE_COUNT);
  c.set(counts);
  const f = new Float64Array(size).fill(Infinity);
  f.set(firstStart);
  const l = new Float64Array(size).fill(-Infinity);
  l.set(lastFinish);
  return { counts: c, firstStart: f, lastFinish: l };
}

/** Count of clusters of a slot in a state. */
export function countOf(fleet: Fleet, slot: number, state: number): number {
  return fleet.counts[slot * STATE_COUNT + state] ?? 0;
}

/** Clusters of a slot that take part (all but skipped). */
export function totalOf(fleet: Fleet, slot: number): number {
  let total = 0;
  for (let st = 0; st < STATE_COUNT; st++) if (st !== ClusterState.Skipped) total += countOf(fleet, slot, st);
  return total;
}

/** Failed and timed-out clusters of a slot. */
export function failuresOf(fleet: Fleet, slot: number): number {
  return countOf(fleet, slot, ClusterState.Failed) + countOf(fleet, slot, ClusterState.TimedOut);
}

/** Unreachable started clusters of a slot. */
export function unreachableOf(fleet: Fleet, slot: number): number {
  return (
    countOf(fleet, slot, ClusterState.Unreachable) + countOf(fleet, slot, ClusterState.UnreachableExpired)
  );
}

/** Clusters of a slot holding a concurrency slot. */
export function inFlightOf(fleet: Fleet, slot: number): number {
  return (
    countOf(fleet, slot, ClusterState.Progressing) +
    countOf(fleet, slot, ClusterState.Soaking) +
    countOf(fleet, slot, ClusterState.Failed) +
    countOf(fleet, slot, ClusterState.Unreachable)
  );
}

/** A group is done when nothing in it waits to start or is still in flight (failures may remain). */
export function isSlotDone(fleet: Fleet, slot: number): boolean {
  return (
    countOf(fleet, slot, ClusterState.Pending) === 0 &&
    countOf(fleet, slot, ClusterState.Progressing) === 0 &&
    countOf(fleet, slot, ClusterState.Soaking) === 0 &&
    countOf(fleet, slot, ClusterState.Unreachable) === 0
  );
}
