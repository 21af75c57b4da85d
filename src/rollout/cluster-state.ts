/**
 * The state of one cluster in a rollout, derived from what the controller observed. Success is not
 * "something was applied": the cluster must report the target revision, be healthy and reachable,
 * and have stayed so for `minSuccessTime`. States are numbers so a fleet of 200,000 fits in a
 * typed array.
 */
import type { ClusterObservation } from './types.js';

export const ClusterState = {
  /** Not started for this revision. */
  Pending: 0,
  /** Started, not yet at the revision and healthy, within the deadline. */
  Progressing: 1,
  /** At the revision and healthy, for less than `minSuccessTime`. */
  Soaking: 2,
  Succeeded: 3,
  /** Reported a failure (degraded), within the deadline. Counts as a failure. */
  Failed: 4,
  /** Not succeeded by the deadline. Counts as a failure. */
  TimedOut: 5,
  /** Started, stopped reporting, within the deadline. Counted apart from failures. */
  Unreachable: 6,
  /** Started, stopped reporting, past the deadline. Counted apart from failures. */
  UnreachableExpired: 7,
  Skipped: 8,
  /** Started forward, to be reverted (rollback in progress). */
  RollbackPending: 9,
  /** Being reverted, within the deadline. */
  Reverting: 10,
  /** Back at the last known good revision and healthy. */
  Reverted: 11,
  /** Not back by the deadline. */
  RevertFailed: 12,
  /** No longer selected by the Placement. */
  Removed: 13,
} as const;

export type ClusterStateValue = (typeof ClusterState)[keyof typeof ClusterState];
export const STATE_COUNT = 14;

/** What classification needs besides the cluster. */
export interface StateContext {
  now: number;
  revision: string;
  minSuccessTimeMs: number;
  /** `null`: no deadline. */
  progressDeadlineMs: number | null;
  /** Set while rolling back: where to, and since when (rollback writes before that are not this rollback's). */
  rollback: { revision: string; since: number } | null;
}

/** Times a classification reports: the next instant it may change, and start/finish for summaries. */
export interface StateTimes {
  /** Soak end or deadline still ahead; `Infinity` if none. */
  nextChange: number;
  startedAt: number;
  /** When the cluster succeeded or timed out; `-Infinity` if it has not. */
  finishedAt: number;
}

/**
 * Classifies a cluster. `times` is filled in (and reused by callers to avoid allocating per
 * cluster).
 */
export function classifyCluster(
  c: ClusterObservation,
  ctx: StateContext,
  times: StateTimes,
): ClusterStateValue {
  times.nextChange = Infinity;
  times.startedAt = Infinity;
  times.finishedAt = -Infinity;
  if (c.placement === null) return ClusterState.Removed;
  if (c.skip === true) return ClusterState.Skipped;
  const a = c.applied;
  const rb = ctx.rollback;
  if (
    rb !== null &&
    a != null &&
    a.direction === 'rollback' &&
    a.revision === rb.revision &&
    a.startedAt >= rb.since
  ) {
    const deadline = ctx.progressDeadlineMs === null ? Infinity : a.startedAt + ctx.progressDeadlineMs;
    if (c.observedRevision === rb.revision && c.healthy && c.reachable && c.degraded !== true)
      return ClusterState.Reverted;
    if (ctx.now >= deadline) return ClusterState.RevertFailed;
    times.nextChange = deadline;
    return ClusterState.Reverting;
  }
  if (a == null || a.direction !== 'forward' || a.revision !== ctx.revision) return ClusterState.Pending;
  if (rb !== null) return ClusterState.RollbackPending;
  const startedAt = a.startedAt;
  times.startedAt = startedAt;
  if (c.observedRevision === ctx.revision && c.healthy && c.reachable && c.degraded !== true) {
    const since = c.healthySince ?? startedAt;
    const soakEnd = (since > startedAt ? since : startedAt) + ctx.minSuccessTimeMs;
    if (ctx.now >= soakEnd) {
      times.finishedAt = soakEnd;
      return ClusterState.Succeeded;
    }
    times.nextChange = soakEnd;
    return ClusterState.Soaking;
  }
  const deadline = ctx.progressDeadlineMs === null ? Infinity : startedAt + ctx.progressDeadlineMs;
  if (!c.reachable) {
    if (ctx.now >= deadline) return ClusterState.UnreachableExpired;
    times.nextChange = deadline;
    return ClusterState.Unreachable;
  }
  if (ctx.now >= deadline) {
    times.finishedAt = deadline;
    return ClusterState.TimedOut;
  }
  times.nextChange = deadline;
  return c.degraded === true ? ClusterState.Failed : ClusterState.Progressing;
}
