/**
 * `planRollout`: one planning step of an AgentRollout, a pure function of the observed fleet, the
 * settings, the memo of earlier steps and the clock. The controller calls it on every reconcile,
 * writes the clusters in `start`, records `membershipUpdates`, persists `memo`, writes status from
 * `phase` and `summary`, and requeues at `recheckAt`.
 *
 * The step, in order: compile the settings (refusing bad ones); survey the fleet (states, groups,
 * frozen membership); honour a resume; evaluate failure budgets and, on a breach, halt with the
 * policy's action (a halt is sticky for the revision); pick clusters to start (forward, or back
 * during a rollback) within strategy, windows, approvals and pause; summarise.
 */
import { currentFailures, evaluateBudgets } from './budget.js';
import { ClusterState, type StateContext } from './cluster-state.js';
import { countOf, surveyFleet, totalOf, type Fleet } from './fleet.js';
import { isSortedByName } from './name-order.js';
import { decidePhase } from './phase.js';
import type { Selection, SelectionContext } from './pick-clusters.js';
import { evaluateSchedule } from './schedule.js';
import { selectForward } from './select-forward.js';
import { rollbackProgress, selectRollback } from './select-rollback.js';
import { openWork, summarizeRollout } from './summary.js';
import { compileRolloutPolicy } from './validate.js';
import type {
  ClusterObservation,
  ClusterRef,
  ClusterStart,
  GroupRef,
  Halt,
  MembershipUpdate,
  RemovedCluster,
  RolloutInput,
  RolloutMemo,
  RolloutPlan,
  WaitReason,
} from './types.js';

/**
 * Plans one step. Deterministic: the same input gives a deep-equal plan. Throws
 * `InvalidRolloutPolicyError` (naming each bad field and value) when the settings do not validate.
 */
export function planRollout(input: RolloutInput): RolloutPlan {
  const policy = compileRolloutPolicy(input.policy);
  const { now, revision, clusters } = input;
  const lastKnownGood = input.lastKnownGoodRevision ?? null;
  const canRollBack = lastKnownGood !== null && lastKnownGood !== revision;
  const memo = input.memo != null && input.memo.revision === revision ? input.memo : null;
  let halt: Halt | null = memo?.halt ?? null;
  let forgiven = memo?.forgiven ?? null;
  const ctx: StateContext = {
    now,
    revision,
    minSuccessTimeMs: policy.strategy.minSuccessTimeMs,
    progressDeadlineMs: policy.strategy.progressDeadlineMs,
    rollback:
      halt?.action === 'Rollback' && canRollBack ? { revision: lastKnownGood, since: halt.since } : null,
  };
  let fleet = surveyFleet(clusters, policy, ctx, memo?.groups ?? null);

  if (halt?.action === 'Pause' && input.resumeRequestedAt != null && input.resumeRequestedAt > halt.since) {
    halt = null;
    forgiven = currentFailures(fleet);
  }
  const budget = evaluateBudgets(fleet, policy, forgiven);
  if (halt === null && budget.breach !== null) {
    const rollback = policy.failure.action === 'Rollback';
    halt = {
      action: rollback && !canRollBack ? 'Pause' : policy.failure.action,
      since: now,
      reason:
        rollback && !canRollBack
          ? `${budget.breach.message}; no last known good revision to roll back to`
          : budget.breach.message,
    };
    if (halt.action === 'Rollback' && lastKnownGood !== null) {
      ctx.rollback = { revision: lastKnownGood, since: now };
      fleet = surveyFleet(clusters, policy, ctx, memo?.groups ?? null);
    }
  }

  const approved = new Set(
    (input.approvals ?? []).filter((a) => a.revision === revision).map((a) => a.groupName),
  );
  const selectionContext: SelectionContext = {
    fleet,
    policy,
    schedule: evaluateSchedule(policy, now),
    revision,
    approved,
    sorted: isSortedByName(clusters),
  };
  const progress = ctx.rollback === null ? null : rollbackProgress(fleet);
  let selection: Selection = { starts: [], waits: [], opensAt: Infinity };
  if (!policy.paused && halt === null) selection = selectForward(selectionContext);
  else if (!policy.paused && progress !== null) selection = selectRollback(selectionContext, progress);

  const waits: WaitReason[] = [...selection.waits];
  if (budget.breach !== null && halt !== null) waits.push({ kind: 'FailureBudget', breach: budget.breach });
  if (selection.starts.length === 0 && fleet.soakUntil !== Infinity)
    waits.push({ kind: 'Soak', until: fleet.soakUntil });
  // Clusters started now time out at the deadline at the latest, even if nothing else changes.
  const deadline = policy.strategy.progressDeadlineMs;
  const startedRecheck = selection.starts.length > 0 && deadline !== null ? now + deadline : Infinity;
  const recheck = Math.min(fleet.nextChange, selection.opensAt, startedRecheck);
  const summary = summarizeRollout(fleet, policy, approved);
  const work = openWork(fleet);
  const direction = ctx.rollback === null ? 'forward' : 'rollback';
  const start = selection.starts.map((i): ClusterStart => {
    const c = clusters[i] as ClusterObservation;
    return {
      name: c.name,
      group: groupOf(c, revision),
      revision: ctx.rollback?.revision ?? revision,
      direction,
      joinedLate: fleet.late[i] === 1,
    };
  });
  return {
    phase: decidePhase({
      revision,
      lastKnownGood,
      halt,
      paused: policy.paused,
      summary,
      pending: work.pending,
      inFlight: work.inFlight,
      starting: start.length,
      waits,
      rollback: progress,
    }),
    start,
    ...listFailures(fleet, revision),
    removed: fleet.removed.map((i): RemovedCluster => {
      const c = clusters[i] as ClusterObservation;
      const m = c.membership;
      return { name: c.name, group: m != null && m.revision === revision ? copy(m.group) : null };
    }),
    membershipUpdates: fleet.unrecorded.map((i): MembershipUpdate => {
      const c = clusters[i] as ClusterObservation;
      return {
        name: c.name,
        group: copy(c.placement as GroupRef),
        revision,
        joinedLate: fleet.late[i] === 1,
      };
    }),
    budget: { ...budget, action: halt?.action ?? null },
    waits,
    recheckAt: recheck === Infinity ? null : recheck,
    summary,
    memo: nextMemo(memo, fleet, revision, now, halt, forgiven),
  };
}

function nextMemo(
  memo: RolloutMemo | null,
  fleet: Fleet,
  revision: string,
  now: number,
  halt: Halt | null,
  forgiven: RolloutMemo['forgiven'],
): RolloutMemo {
  const groups =
    memo?.groups ??
    fleet.walk
      .filter((s) => !s.finalWave)
      .map((s) => ({
        name: s.ref.name,
        index: s.ref.index,
        size: totalOf(fleet, s.id) + skippedOf(fleet, s.id),
      }))
      .sort((a, b) => a.index - b.index);
  return { revision, startedAt: memo?.startedAt ?? now, groups, halt, forgiven };
}

function skippedOf(fleet: Fleet, slot: number): number {
  return countOf(fleet, slot, ClusterState.Skipped);
}

/** Timed-out (and failed reverts) and failed clusters, in input order. */
function listFailures(fleet: Fleet, revision: string): { timedOut: ClusterRef[]; failed: ClusterRef[] } {
  const timedOut: ClusterRef[] = [];
  const failed: ClusterRef[] = [];
  const { state, clusters } = fleet;
  for (let i = 0; i < state.length; i++) {
    const st = state[i];
    if (st === ClusterState.TimedOut || st === ClusterState.RevertFailed) {
      const c = clusters[i] as ClusterObservation;
      timedOut.push({ name: c.name, group: groupOf(c, revision) });
    } else if (st === ClusterState.Failed) {
      const c = clusters[i] as ClusterObservation;
      failed.push({ name: c.name, group: groupOf(c, revision) });
    }
  }
  return { timedOut, failed };
}

/** The cluster's frozen group, or its Placement group when it has no membership yet. */
function groupOf(c: ClusterObservation, revision: string): GroupRef {
  const m = c.membership;
  if (m != null && m.revision === revision) return copy(m.group);
  return c.placement === null ? { name: '', index: -1 } : copy(c.placement);
}

function copy(g: GroupRef): GroupRef {
  return { name: g.name, index: g.index };
}
