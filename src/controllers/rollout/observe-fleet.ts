/**
 * One observation per cluster for the planner: the clusters the Placement selects now, plus those
 * that still carry this revision's record but left the Placement (reported as removed). Built in
 * name order and with one object shape, as the planner's performance contract asks.
 */
import type { ClusterObservation, GroupRef, Membership } from '../../rollout/index.js';
import { revisionOf } from './revision.js';
import type { ClusterFacts, DriverContext, MatchTracker, TargetDriver } from './drivers/types.js';
import { byteOrder } from './placement-clusters.js';

export interface FleetObservation {
  clusters: ClusterObservation[];
  facts: Map<string, ClusterFacts>;
  /** Clusters left out with a reason (e.g. the add-on isn't installed there), for status. */
  skipped: { name: string; reason: string }[];
}

export function observeFleet(
  driver: TargetDriver,
  ctx: DriverContext,
  placement: ReadonlyMap<string, GroupRef>,
  carryingRecord: readonly string[],
  members: ReadonlyMap<string, Membership>,
  labelsOf: (cluster: string) => Record<string, string> | undefined,
  tracker: MatchTracker,
): FleetObservation {
  const names = new Set<string>(placement.keys());
  for (const n of carryingRecord) names.add(n);
  const sorted = [...names].sort(byteOrder);
  const clusters: ClusterObservation[] = [];
  const facts = new Map<string, ClusterFacts>();
  const skipped: { name: string; reason: string }[] = [];
  for (const name of sorted) {
    const f = driver.observe(name, ctx, tracker);
    facts.set(name, f);
    if (f.skipReason && placement.has(name)) skipped.push({ name, reason: f.skipReason });
    const s = f.state;
    clusters.push({
      name,
      placement: placement.get(name) ?? null,
      labels: labelsOf(name) ?? {},
      membership: members.get(name) ?? null,
      applied: s
        ? {
            revision: revisionOf(s),
            direction: s.direction,
            startedAt: s.startedAt,
          }
        : null,
      observedRevision: f.observedRevision,
      healthy: f.healthy,
      healthySince: f.healthySince,
      degraded: f.degraded,
      reachable: f.reachable,
      skip: f.skipReason !== null,
    });
  }
  return { clusters, facts, skipped };
}
