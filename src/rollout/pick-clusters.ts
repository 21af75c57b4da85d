/**
 * Picking clusters that may start now out of those in a given state: reachable, allowed by their
 * maintenance windows, in an allowed group, up to a limit, in a given order (by name unless said
 * otherwise). Window verdicts are per class of clusters, so a cluster costs a selector match and a
 * map lookup at most.
 */
import type { Fleet } from './fleet.js';
import { byNameKeyed, takeFirst, type IndexOrder } from './name-order.js';
import type { Schedule } from './schedule.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { ClusterObservation, WaitReason } from './types.js';

export interface Selection {
  starts: number[];
  waits: WaitReason[];
  /** Next window opening that would let a waiting cluster start; `Infinity` if none. */
  opensAt: number;
}

export interface SelectionContext {
  fleet: Fleet;
  policy: CompiledPolicy;
  schedule: Schedule;
  revision: string;
  approved: ReadonlySet<string>;
  /** The fleet is in name order, so a scan in place is a scan by name. */
  sorted: boolean;
}

/**
 * Up to `limit` startable clusters in state `wanted` of the allowed slots, in `order` (`null`: by
 * name). Waits for windows and unreachable clusters are added to `waits` only when they kept the
 * selection short of its limit.
 */
export function pickClusters(
  ctx: SelectionContext,
  wanted: number,
  allowed: Uint8Array,
  limit: number,
  order: IndexOrder | null,
  waits: WaitReason[],
): Selection {
  const { fleet, schedule } = ctx;
  const { clusters, state, slot } = fleet;
  let opensAt = Infinity;
  const windowNames = new Set<string>();
  let unreachable = 0;
  let blocked = 0;
  const startable = (i: number): boolean => {
    const c = clusters[i] as ClusterObservation;
    if (!c.reachable) {
      unreachable++;
      return false;
    }
    if (schedule.unrestricted) return true;
    const verdict = schedule.verdict(
      groupNameOf(c, ctx.revision),
      schedule.usesLabels ? schedule.maskOf(c.labels) : 0,
    );
    if (verdict.open) return true;
    if (verdict.opensAt !== null && verdict.opensAt < opensAt) opensAt = verdict.opensAt;
    for (const name of verdict.names) windowNames.add(name);
    blocked++;
    return false;
  };

  const starts: number[] = [];
  const n = clusters.length;
  if (ctx.sorted && order === null) {
    for (let i = 0; i < n && starts.length < limit; i++) {
      if (state[i] === wanted && allowed[slot[i] as number] === 1 && startable(i)) starts.push(i);
    }
  } else {
    // Take candidates in order a batch at a time, so that only about as many as will start are
    // checked against windows, and only the batches are sorted.
    let rest: number[] = [];
    for (let i = 0; i < n; i++) if (state[i] === wanted && allowed[slot[i] as number] === 1) rest.push(i);
    const by = order ?? byNameKeyed(clusters, rest);
    while (starts.length < limit && rest.length > 0) {
      const need = limit - starts.length;
      const batch = need >= rest.length ? rest.sort(by) : takeFirst(rest, need + (need >> 2) + 16, by);
      rest = batch === rest ? [] : rest.slice(batch.length);
      for (const i of batch) {
        if (startable(i)) starts.push(i);
        if (starts.length >= limit) break;
      }
    }
  }
  if (starts.length < limit) {
    if (blocked > 0) {
      waits.push({
        kind: 'Window',
        opensAt: opensAt === Infinity ? null : opensAt,
        windows: [...windowNames].sort(),
      });
    }
    if (unreachable > 0) waits.push({ kind: 'Unreachable', clusters: unreachable });
  } else {
    opensAt = Infinity;
  }
  return { starts, waits, opensAt };
}

/** The group a cluster's windows are scoped by: its frozen group, else its Placement group. */
export function groupNameOf(c: ClusterObservation, revision: string): string {
  const m = c.membership;
  if (m != null && m.revision === revision) return m.group.name;
  return c.placement?.name ?? '';
}
