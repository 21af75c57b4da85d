/** The rollout's phase and the sentence a person reads in status. */
import { formatRfc3339 } from './rfc3339.js';
import type { RollbackProgress } from './select-rollback.js';
import type { Halt, RolloutPhase, RolloutSummary, WaitReason } from './types.js';

export interface PhaseFacts {
  revision: string;
  lastKnownGood: string | null;
  halt: Halt | null;
  paused: boolean;
  summary: RolloutSummary;
  pending: number;
  inFlight: number;
  starting: number;
  waits: readonly WaitReason[];
  rollback: RollbackProgress | null;
}

/**
 * Decides the phase. Halts come first (Abort, Rollback, a requested pause, Pause on a budget); then
 * an empty or finished rollout; then progress; then what it waits for (approval, window, clusters).
 * A finished rollout Succeeded when its failures stayed within the budgets; Failed is a rollback
 * that could not revert every cluster.
 */
export function decidePhase(f: PhaseFacts): RolloutPhase {
  const { counts, total } = f.summary;
  if (f.halt?.action === 'Abort') return { phase: 'Aborted', message: `aborted: ${f.halt.reason}` };
  if (f.halt?.action === 'Rollback') {
    const r = f.rollback ?? { toRevert: 0, pending: 0, reverting: 0, reverted: 0, failed: 0 };
    const to = f.lastKnownGood ?? '(unknown)';
    if (f.paused)
      return { phase: 'Paused', reason: 'Requested', message: `rollback to revision ${to} paused` };
    if (f.lastKnownGood !== null && r.pending === 0 && r.reverting === 0) {
      // A rollback that left clusters on the bad revision has not rolled the fleet back.
      if (r.failed > 0) {
        return {
          phase: 'Failed',
          message: `rollback to revision ${to} finished with ${r.failed} clusters that failed to revert (${r.reverted} reverted)`,
        };
      }
      return {
        phase: 'RolledBack',
        message: `rolled back to revision ${to}: ${r.reverted} clusters reverted`,
      };
    }
    const hint = f.lastKnownGood === null ? '; no last known good revision given' : '';
    return {
      phase: 'RollingBack',
      message: `rolling back to revision ${to} (${f.halt.reason}): ${r.reverted} of ${r.toRevert} clusters reverted${hint}`,
    };
  }
  if (f.paused) return { phase: 'Paused', reason: 'Requested', message: 'paused' };
  if (f.halt?.action === 'Pause') {
    return {
      phase: 'Paused',
      reason: 'FailureBudgetExceeded',
      message: `paused: failure budget exceeded (${f.halt.reason}); resume to continue`,
    };
  }
  if (total === 0) return { phase: 'Pending', reason: 'NoClusters', message: 'no clusters selected' };
  if (f.pending === 0 && f.inFlight === 0) {
    // Failures the budgets allowed do not fail the rollout (OCM's maxFailures means exactly that);
    // more would have halted it above. Status lists the clusters that failed.
    const bad = counts.failed + counts.timedOut + counts.unreachable;
    if (bad === 0) return { phase: 'Succeeded', message: `all ${total} clusters run revision ${f.revision}` };
    return {
      phase: 'Succeeded',
      message: `finished within the failure budget: ${counts.succeeded} of ${total} clusters run revision ${f.revision}; ${counts.failed + counts.timedOut} failed or timed out, ${counts.unreachable} unreachable`,
    };
  }
  const approval = f.waits.find((w) => w.kind === 'Approval');
  const window = f.waits.find((w) => w.kind === 'Window');
  if (f.starting > 0 || f.inFlight > 0) {
    const hint = approval?.kind === 'Approval' ? `; waiting for approval of group ${approval.group}` : '';
    return {
      phase: 'Progressing',
      message: `${counts.succeeded} of ${total} clusters succeeded, ${f.inFlight} in progress, ${f.starting} starting${hint}`,
    };
  }
  if (approval?.kind === 'Approval') {
    return {
      phase: 'WaitingForApproval',
      group: approval.group,
      message: `waiting for approval of group ${approval.group}`,
    };
  }
  if (window?.kind === 'Window') {
    const names = window.windows.join(', ');
    const when =
      window.opensAt === null ? 'no opening found ahead' : `window opens at ${formatRfc3339(window.opensAt)}`;
    return {
      phase: 'WaitingForWindow',
      opensAt: window.opensAt,
      message: `${when}${names === '' ? '' : ` (${names})`}`,
    };
  }
  const unreachable = f.waits.find((w) => w.kind === 'Unreachable');
  const n = unreachable?.kind === 'Unreachable' ? unreachable.clusters : f.pending;
  return {
    phase: 'Pending',
    reason: 'WaitingForClusters',
    message: `waiting for ${n} unreachable clusters to report`,
  };
}
