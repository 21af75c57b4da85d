/**
 * Rollout metrics for dashboards and the alerts in `config/prometheus/`: clusters per rollout by
 * state, the phase, a per-cluster duration histogram, a failure counter, whether a budget is
 * breached, whether a group waits for approval, and when the rollout last made progress (a stalled
 * rollout is one that is Progressing but has not moved for a long time).
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import { ROLLOUT_PHASES } from '../../api/agentrollout-status.js';
import { registry } from '../../runtime/index.js';
import type { RolloutPlan, StateCounts } from '../../rollout/index.js';

const registers = [registry];

export const rolloutClusters = new Gauge({
  name: 'mce_maestro_rollout_clusters',
  help: 'Clusters of an AgentRollout by state.',
  labelNames: ['namespace', 'rollout', 'target', 'state'] as const,
  registers,
});

export const rolloutPhase = new Gauge({
  name: 'mce_maestro_rollout_phase',
  help: 'The phase of an AgentRollout: 1 for the current phase, 0 for the others.',
  labelNames: ['namespace', 'rollout', 'target', 'phase'] as const,
  registers,
});

export const rolloutClusterDuration = new Histogram({
  name: 'mce_maestro_rollout_cluster_duration_seconds',
  help: 'Time from starting a cluster to its success (target observed healthy through minSuccessTime).',
  labelNames: ['target', 'direction'] as const,
  buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
  registers,
});

export const rolloutClusterFailures = new Counter({
  name: 'mce_maestro_rollout_cluster_failures_total',
  help: 'Clusters that failed, timed out or failed to revert.',
  labelNames: ['namespace', 'rollout', 'target', 'reason'] as const,
  registers,
});

export const rolloutBudgetBreached = new Gauge({
  name: 'mce_maestro_rollout_failure_budget_breached',
  help: '1 while a failure budget of the rollout is exceeded.',
  labelNames: ['namespace', 'rollout', 'target', 'action'] as const,
  registers,
});

export const rolloutApprovalPending = new Gauge({
  name: 'mce_maestro_rollout_approval_pending',
  help: '1 while a decision group waits for a manual approval.',
  labelNames: ['namespace', 'rollout', 'group'] as const,
  registers,
});

export const rolloutLastProgress = new Gauge({
  name: 'mce_maestro_rollout_last_progress_timestamp_seconds',
  help: 'When a cluster of the rollout last changed state (Unix time).',
  labelNames: ['namespace', 'rollout', 'target'] as const,
  registers,
});

const ACTIONS = ['Pause', 'Abort', 'Rollback'] as const;

const STATES: (keyof StateCounts)[] = [
  'pending',
  'progressing',
  'soaking',
  'succeeded',
  'failed',
  'timedOut',
  'unreachable',
  'skipped',
  'rollbackPending',
  'reverting',
  'reverted',
  'revertFailed',
];

/** Updates the gauges of one rollout from a plan. */
export function recordPlan(namespace: string, rollout: string, target: string, plan: RolloutPlan): void {
  for (const state of STATES) {
    rolloutClusters.set({ namespace, rollout, target, state }, plan.summary.counts[state]);
  }
  for (const phase of ROLLOUT_PHASES) {
    rolloutPhase.set({ namespace, rollout, target, phase }, plan.phase.phase === phase ? 1 : 0);
  }
  for (const action of ACTIONS) {
    const breached = plan.budget.breach !== null && (plan.budget.action ?? 'Pause') === action;
    rolloutBudgetBreached.set({ namespace, rollout, target, action }, breached ? 1 : 0);
  }
  for (const g of plan.summary.groups) {
    rolloutApprovalPending.set({ namespace, rollout, group: g.name }, g.approval === 'Waiting' ? 1 : 0);
  }
}

/** Drops every series of a deleted rollout. */
export function forgetRollout(
  namespace: string,
  rollout: string,
  target: string,
  groups: readonly string[],
): void {
  for (const state of STATES) rolloutClusters.remove({ namespace, rollout, target, state });
  for (const phase of ROLLOUT_PHASES) rolloutPhase.remove({ namespace, rollout, target, phase });
  for (const action of ACTIONS) rolloutBudgetBreached.remove({ namespace, rollout, target, action });
  for (const group of groups) rolloutApprovalPending.remove({ namespace, rollout, group });
  rolloutLastProgress.remove({ namespace, rollout, target });
}
