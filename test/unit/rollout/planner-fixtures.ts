/** Small fleets and settings for planner tests. Times are epoch milliseconds. */
import { planRollout, rolloutPolicySchema } from '../../../src/rollout/index.js';
import type {
  ClusterObservation,
  RolloutInput,
  RolloutPlan,
  RolloutPolicy,
  RolloutPolicyInput,
} from '../../../src/rollout/index.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** Monday 2025-06-02 10:00 UTC. */
export const T0 = Date.parse('2025-06-02T10:00:00Z');
export const REV = 'v2';
export const OLD = 'v1';

/** Settings with defaults applied. */
export function policy(input: RolloutPolicyInput = {}): RolloutPolicy {
  return rolloutPolicySchema.parse(input);
}

/**
 * A fleet: `fleet(['canary', 2], ['prod', 3])` gives canary-0, canary-1 (group 0), prod-0 … prod-2
 * (group 1), all running the old revision, healthy and reachable, none started.
 */
export function fleet(...groups: [string, number][]): ClusterObservation[] {
  return groups.flatMap(([name, count], index) =>
    Array.from({ length: count }, (_, i) => ({
      name: `${name}-${i}`,
      placement: { name, index },
      observedRevision: OLD,
      healthy: true,
      healthySince: T0 - 24 * HOUR,
      reachable: true,
    })),
  );
}

/** Marks a cluster started for `REV` at `at`, with its membership recorded. */
export function started(c: ClusterObservation, at: number, revision = REV): ClusterObservation {
  return {
    ...c,
    applied: { revision, direction: 'forward', startedAt: at },
    membership: { revision, group: c.placement ?? { name: '', index: 0 }, joinedLate: false },
  };
}

/** A started cluster now at the revision and healthy since `since`. */
export function healthyAt(c: ClusterObservation, startedAt: number, since: number): ClusterObservation {
  return { ...started(c, startedAt), observedRevision: REV, healthy: true, healthySince: since };
}

/** A started cluster reporting a failure. */
export function degraded(c: ClusterObservation, startedAt: number): ClusterObservation {
  return { ...started(c, startedAt), observedRevision: REV, healthy: false, degraded: true };
}

/** Records membership for every cluster (a revision already under way). */
export function members(clusters: ClusterObservation[], revision = REV): ClusterObservation[] {
  return clusters.map((c) =>
    c.membership != null || c.placement === null
      ? c
      : { ...c, membership: { revision, group: c.placement, joinedLate: false } },
  );
}

/** Plans a step with defaults for what the test does not care about. */
export function plan(input: Partial<RolloutInput> & Pick<RolloutInput, 'clusters'>): RolloutPlan {
  return planRollout({ now: T0, revision: REV, policy: policy(), ...input });
}

export const names = (p: { start: { name: string }[] }): string[] => p.start.map((s) => s.name);

/** The memo a plan left, for the next step. */
export function memoOf(p: RolloutPlan): RolloutPlan['memo'] {
  return p.memo;
}

/** The `i`-th element, failing the test when there is none. */
export function nth<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no element ${i}`);
  return item;
}
