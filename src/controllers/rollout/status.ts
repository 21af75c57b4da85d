/**
 * From a plan to `AgentRollout.status`: phase and message, counts, one summary per group, the
 * first failed clusters, the planner's memo, and conditions with metav1 semantics. Pure.
 */
import {
  MAX_LISTED_FAILURES,
  type AgentRolloutStatus,
  type FailedClusterStatus,
  type PlanMemoStatus,
  type RolloutPhaseName,
} from '../../api/agentrollout-status.js';
import {
  AgentRolloutConditionType as T,
  AgentRolloutReason as R,
} from '../../api/agentrollout-conditions.js';
import { setCondition, toMetaTime, type Condition } from '../../runtime/conditions.js';
import type { RolloutMemo, RolloutPlan } from '../../rollout/index.js';

const TERMINAL: readonly RolloutPhaseName[] = ['Succeeded', 'Failed', 'Aborted', 'RolledBack'];

/** True for phases after which the rollout does nothing until its target changes. */
export function isTerminalPhase(phase: string | undefined): boolean {
  return TERMINAL.includes(phase as RolloutPhaseName);
}

const iso = (ms: number | null | undefined): string | undefined =>
  ms === null || ms === undefined ? undefined : toMetaTime(new Date(ms));

/** The memo with RFC 3339 times, for status. */
export function memoToStatus(memo: RolloutMemo, membershipChunks: number): PlanMemoStatus {
  return {
    revision: memo.revision,
    startedAt: iso(memo.startedAt) ?? '',
    groups: memo.groups.map((g) => ({ name: g.name, index: g.index, size: g.size })),
    ...(memo.halt
      ? { halt: { action: memo.halt.action, since: iso(memo.halt.since) ?? '', reason: memo.halt.reason } }
      : {}),
    ...(memo.forgiven ? { forgiven: memo.forgiven } : {}),
    membershipChunks,
  };
}

/** The memo back from status (times as epoch milliseconds); null when absent or for another revision. */
export function memoFromStatus(status: PlanMemoStatus | undefined, revision: string): RolloutMemo | null {
  if (!status || status.revision !== revision) return null;
  const ms = (s: string) => Date.parse(s);
  return {
    revision: status.revision,
    startedAt: ms(status.startedAt),
    groups: status.groups.map((g) => ({ name: g.name, index: g.index, size: g.size })),
    halt: status.halt
      ? { action: status.halt.action, since: ms(status.halt.since), reason: status.halt.reason }
      : null,
    forgiven: status.forgiven ?? null,
  };
}

export interface StatusInput {
  previous: AgentRolloutStatus | undefined;
  generation: number | undefined;
  now: number;
  target: string;
  revision: string;
  plan: RolloutPlan;
  membershipChunks: number;
  /** Messages reported by failed clusters, by name. */
  clusterMessages: ReadonlyMap<string, string>;
  /** Per-cluster pre-flight failures, e.g. "add-on not installed on 3 clusters: a, b, c". */
  clusterChecks: string[];
  /** Started clusters waiting for an admin's step on them, by step (`ClusterFacts.needsAction`). */
  clustersNeedingAction: ReadonlyMap<string, readonly string[]>;
  /** Why cluster writes of this step failed (they are retried), for the Progressing message. */
  writeProblem?: string | null;
}

/** Builds the status for a planned step. */
export function statusForPlan(input: StatusInput): AgentRolloutStatus {
  const { plan, now, previous } = input;
  const { summary } = plan;
  const phase = plan.phase.phase;
  const succeeded = summary.counts.succeeded;
  const total = summary.total;
  const newRevision = previous?.revision !== input.revision;
  const startTime = newRevision
    ? iso(plan.memo.startedAt)
    : (previous?.startTime ?? iso(plan.memo.startedAt));
  const completionTime = isTerminalPhase(phase)
    ? ((!newRevision && previous && isTerminalPhase(previous.phase) ? previous.completionTime : undefined) ??
      iso(now))
    : undefined;

  let conditions: Condition[] | undefined = previous?.conditions as Condition[] | undefined;
  const at = { now: new Date(now), observedGeneration: input.generation };
  conditions = setCondition(
    conditions,
    phase === 'Succeeded'
      ? { type: T.Ready, status: 'True', reason: R.Succeeded, message: plan.phase.message }
      : { type: T.Ready, status: 'False', reason: phase, message: plan.phase.message },
    at,
  );
  conditions = setCondition(
    conditions,
    isTerminalPhase(phase)
      ? { type: T.Progressing, status: 'False', reason: phase, message: plan.phase.message }
      : {
          type: T.Progressing,
          status: 'True',
          reason: phase,
          message: input.writeProblem
            ? `${plan.phase.message}; retrying: ${input.writeProblem}`
            : plan.phase.message,
        },
    at,
  );
  conditions = setCondition(
    conditions,
    { type: T.Stalled, status: 'False', reason: R.AsExpected, message: 'nothing stalls the rollout' },
    at,
  );
  conditions = setCondition(
    conditions,
    input.clusterChecks.length > 0
      ? {
          type: T.PreflightChecksPassed,
          status: 'False',
          reason: R.PreflightFailed,
          message: input.clusterChecks.join('; '),
        }
      : {
          type: T.PreflightChecksPassed,
          status: 'True',
          reason: R.ChecksPassed,
          message: 'all pre-flight checks passed',
        },
    at,
  );

  conditions = setCondition(conditions, needsActionCondition(input.clustersNeedingAction), at);

  return {
    observedGeneration: input.generation,
    phase,
    message: plan.phase.message,
    target: input.target,
    revision: input.revision,
    progress: `${succeeded}/${total}`,
    percent: total === 0 ? 0 : Math.floor((succeeded * 100) / total),
    total,
    removed: summary.removed,
    counts: summary.counts,
    groups: summary.groups.map((g) => ({
      name: g.name,
      index: g.index,
      mandatory: g.mandatory,
      approval: g.approval,
      total: g.total,
      counts: g.counts,
      ...(g.firstStartedAt ? { startTime: g.firstStartedAt } : {}),
      ...(g.lastFinishedAt ? { finishTime: g.lastFinishedAt } : {}),
    })),
    failedClusters: failedClusters(plan, input.clusterMessages),
    ...(startTime ? { startTime } : {}),
    ...(completionTime ? { completionTime } : {}),
    ...(plan.recheckAt !== null ? { nextCheckTime: iso(plan.recheckAt) } : {}),
    plan: memoToStatus(plan.memo, input.membershipChunks),
    conditions,
  };
}

/** Clusters named per step in the ClustersNeedAction message; the count says how many more. */
const MAX_NAMED_PER_STEP = 10;

/**
 * `ClustersNeedAction`: True while started clusters wait for a step only an admin can take on them,
 * each step with the number of clusters and the first of them by name.
 */
export function needsActionCondition(needs: ReadonlyMap<string, readonly string[]>): {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
} {
  if (needs.size === 0)
    return {
      type: T.ClustersNeedAction,
      status: 'False',
      reason: R.AsExpected,
      message: 'no cluster waits for an admin',
    };
  const message = [...needs]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([step, clusters]) => {
      const named = [...clusters].sort().slice(0, MAX_NAMED_PER_STEP);
      const more = clusters.length > named.length ? `, and ${clusters.length - named.length} more` : '';
      return `${clusters.length} cluster(s) (${named.join(', ')}${more}): ${step}`;
    })
    .join('; ');
  return { type: T.ClustersNeedAction, status: 'True', reason: R.AdminActionNeeded, message };
}

/** The first failed, timed-out clusters by name, bounded for status. */
function failedClusters(plan: RolloutPlan, messages: ReadonlyMap<string, string>): FailedClusterStatus[] {
  const listed: FailedClusterStatus[] = [
    ...plan.failed.map((c) => ({ name: c.name, group: c.group.name, reason: 'Failed' as const })),
    ...plan.timedOut.map((c) => ({ name: c.name, group: c.group.name, reason: 'TimedOut' as const })),
  ];
  listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return listed.slice(0, MAX_LISTED_FAILURES).map((c) => {
    const message = messages.get(c.name);
    return message ? { ...c, message } : c;
  });
}

/** Status for a rollout that can't be planned: Stalled with a reason, everything else kept. */
export function stalledStatus(
  previous: AgentRolloutStatus | undefined,
  generation: number | undefined,
  now: number,
  reason: string,
  message: string,
): AgentRolloutStatus {
  const at = { now: new Date(now), observedGeneration: generation };
  let conditions = setCondition(
    previous?.conditions as Condition[] | undefined,
    { type: T.Stalled, status: 'True', reason, message },
    at,
  );
  conditions = setCondition(conditions, { type: T.Ready, status: 'False', reason, message }, at);
  if (reason === R.PreflightFailed) {
    conditions = setCondition(
      conditions,
      { type: T.PreflightChecksPassed, status: 'False', reason, message },
      at,
    );
  }
  return {
    ...(previous ?? {}),
    observedGeneration: generation,
    phase: previous?.phase ?? 'Pending',
    message,
    conditions,
  };
}

/** Status before a revision's first step: Pending with a reason, the plan not frozen yet. */
export function waitingStatus(
  previous: AgentRolloutStatus | undefined,
  generation: number | undefined,
  now: number,
  target: string,
  revision: string,
  message: string,
  total: number,
): AgentRolloutStatus {
  const at = { now: new Date(now), observedGeneration: generation };
  let conditions = setCondition(
    previous?.conditions as Condition[] | undefined,
    { type: T.Ready, status: 'False', reason: 'Pending', message },
    at,
  );
  conditions = setCondition(
    conditions,
    { type: T.Progressing, status: 'False', reason: 'Pending', message },
    at,
  );
  conditions = setCondition(
    conditions,
    { type: T.PreflightChecksPassed, status: 'False', reason: R.PreflightFailed, message },
    at,
  );
  return { observedGeneration: generation, phase: 'Pending', message, target, revision, total, conditions };
}
