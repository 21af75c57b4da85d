/**
 * How often a rollout's status is written. Every change an on-call engineer or a restart acts on
 * is written at once: phase, revision, generation, the plan memo (halts, forgiveness, frozen
 * groups), condition status and reason, which clusters failed, group approvals, a group's start
 * and, once it is done, its finish time. What only moves with progress (counts, `progress`,
 * `percent`, messages, the next check time, the finish time of a group still in flight, which
 * follows its latest cluster) is written at most once per interval: each cluster that starts or finishes would
 * otherwise cost one status write (2.4 per cluster on the side-by-side bench, more than the
 * rollout's own cluster writes). Nothing is lost by waiting: counts are recomputed from observed
 * state on every reconcile, and the reconcile that waits requeues itself for the write.
 */
import type { AgentRolloutStatus } from '../../api/agentrollout-status.js';
import { canonicalJson } from './revision.js';

/** At most one progress-only status write per rollout in this interval. */
export const STATUS_PROGRESS_INTERVAL_MS = 2_000;

type Group = NonNullable<AgentRolloutStatus['groups']>[number];

/** A group with no cluster left to start, soak or revert. */
const done = (g: Group) =>
  g.counts.pending +
    g.counts.progressing +
    g.counts.soaking +
    g.counts.rollbackPending +
    g.counts.reverting ===
  0;

/** The part of a status that is written at once when it changes. */
function significant(s: AgentRolloutStatus): unknown {
  return {
    observedGeneration: s.observedGeneration,
    phase: s.phase,
    target: s.target,
    revision: s.revision,
    total: s.total,
    removed: s.removed,
    plan: s.plan,
    startTime: s.startTime,
    completionTime: s.completionTime,
    failedClusters: (s.failedClusters ?? []).map((c) => [c.name, c.reason]),
    groups: (s.groups ?? []).map((g) => [g.name, g.approval, g.total, g.startTime, done(g) && g.finishTime]),
    conditions: (s.conditions ?? []).map((c) => [c.type, c.status, c.reason]),
  };
}

/**
 * 0 when `next` must be written now (a significant change, or the interval since the last write
 * is over), otherwise the milliseconds to wait. Undefined when there is nothing to write.
 */
export function statusWriteDelay(
  previous: AgentRolloutStatus | undefined,
  next: AgentRolloutStatus,
  lastWriteAt: number | undefined,
  now: number,
): number | undefined {
  if (canonicalJson(next) === canonicalJson(previous ?? {})) return undefined;
  if (!previous || canonicalJson(significant(next)) !== canonicalJson(significant(previous))) return 0;
  if (lastWriteAt === undefined) return 0;
  return Math.max(0, lastWriteAt + STATUS_PROGRESS_INTERVAL_MS - now);
}
