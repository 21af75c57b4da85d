/**
 * Approvals, pause, failure budgets with their actions (Pause, Abort, Rollback), resume, rollback
 * waves, and the phases and messages the controller shows.
 */
import { describe, expect, it } from '@jest/globals';
import type { ClusterObservation, RolloutPlan } from '../../../src/rollout/index.js';
import {
  HOUR,
  MINUTE,
  OLD,
  REV,
  T0,
  degraded,
  fleet,
  healthyAt,
  members,
  names,
  plan,
  policy,
  started,
  nth,
} from './planner-fixtures.js';

const perGroup = (extra: Record<string, unknown> = {}) =>
  policy({
    rolloutStrategy: { type: 'ProgressivePerGroup', progressivePerGroup: { progressDeadline: '1h' } },
    ...extra,
  });

describe('approval gates', () => {
  const gated = perGroup({ approvals: [{ groupName: 'prod' }] });
  const devDone = (): ClusterObservation[] =>
    members(fleet(['dev', 1], ['prod', 2])).map((c, i) => (i === 0 ? healthyAt(c, T0 - HOUR, T0 - HOUR) : c));

  it('wait before the named group, with a message naming it', () => {
    const p = plan({ clusters: devDone(), policy: gated });
    expect(p.start).toEqual([]);
    expect(p.phase).toEqual({
      phase: 'WaitingForApproval',
      group: 'prod',
      message: 'waiting for approval of group prod',
    });
    expect(p.summary.groups.map((g) => g.approval)).toEqual(['NotRequired', 'Waiting']);
  });

  it('open with an approval for this revision only', () => {
    expect(
      plan({ clusters: devDone(), policy: gated, approvals: [{ groupName: 'prod', revision: OLD }] }).start,
    ).toEqual([]);
    const p = plan({ clusters: devDone(), policy: gated, approvals: [{ groupName: 'prod', revision: REV }] });
    expect(names(p)).toEqual(['prod-0', 'prod-1']);
    expect(p.summary.groups[1]?.approval).toBe('Approved');
  });

  it('hold the gated group and every group after it, but not those before, under Progressive', () => {
    const pol = policy({ rolloutStrategy: { type: 'Progressive' }, approvals: [{ groupName: 'b' }] });
    const p = plan({ clusters: fleet(['a', 1], ['b', 1], ['c', 1]), policy: pol });
    expect(names(p)).toEqual(['a-0']);
    expect(p.phase).toEqual({
      phase: 'Progressing',
      message: '0 of 3 clusters succeeded, 0 in progress, 1 starting; waiting for approval of group b',
    });
  });
});

describe('pause', () => {
  it('starts nothing but keeps tracking clusters in flight', () => {
    const clusters = members(fleet(['a', 2]));
    clusters[0] = started(nth(clusters, 0), T0 - 2 * HOUR);
    const p = plan({ clusters, policy: perGroup({ paused: true }) });
    expect(p.start).toEqual([]);
    expect(p.phase).toEqual({ phase: 'Paused', reason: 'Requested', message: 'paused' });
    expect(p.timedOut.map((c) => c.name)).toEqual(['a-0']);
  });
});

describe('failure budgets', () => {
  const twoGroups = () => members(fleet(['a', 4], ['b', 4]));
  const progressive = (failurePolicy: Record<string, unknown>, maxFailures: number | string = 10) =>
    policy({
      rolloutStrategy: {
        type: 'Progressive',
        progressive: { maxFailures, progressDeadline: '1h', maxConcurrency: 4 },
      },
      failurePolicy,
    });
  const fail = (clusters: ClusterObservation[], ...indexes: number[]) =>
    clusters.map((c, i) => (indexes.includes(i) ? degraded(c, T0 - MINUTE) : c));

  it('is breached only by strictly more failures than allowed', () => {
    expect(plan({ clusters: fail(twoGroups(), 0), policy: progressive({}, 1) }).budget.breach).toBeNull();
    const p = plan({ clusters: fail(twoGroups(), 0, 1), policy: progressive({}, 1) });
    expect(p.budget).toMatchObject({
      failures: 2,
      limit: 1,
      action: 'Pause',
      breach: { scope: 'Rollout', count: 2, limit: 1 },
    });
  });

  it('takes a percentage of all clusters for the rollout and of each group per group', () => {
    expect(
      plan({ clusters: fail(twoGroups(), 0, 1), policy: progressive({ maxFailures: '25%' }) }).budget.breach,
    ).toBeNull();
    const perGroupBreach = plan({
      clusters: fail(twoGroups(), 0, 1),
      policy: progressive({ maxFailuresPerGroup: '25%' }),
    });
    expect(perGroupBreach.budget.breach).toMatchObject({
      scope: 'Group',
      group: { name: 'a', index: 0 },
      count: 2,
      limit: 1,
    });
  });

  it('counts unreachable clusters apart, under their own budget', () => {
    const clusters = twoGroups().map((c, i) =>
      i < 2 ? { ...started(c, T0 - MINUTE), reachable: false } : c,
    );
    const p = plan({ clusters, policy: progressive({ maxFailures: 0 }) });
    expect(p.budget).toMatchObject({ failures: 0, unreachable: 2, breach: null });
    const q = plan({ clusters, policy: progressive({ maxFailures: 0, maxUnreachable: 1 }) });
    expect(q.budget.breach).toMatchObject({ scope: 'Unreachable', count: 2, limit: 1 });
  });

  it('with Pause: nothing new starts until a person resumes, even if the failures recover', () => {
    const breached = plan({ clusters: fail(twoGroups(), 0, 1), policy: progressive({ maxFailures: 1 }) });
    expect(breached.start).toEqual([]);
    expect(breached.phase).toEqual({
      phase: 'Paused',
      reason: 'FailureBudgetExceeded',
      message: 'paused: failure budget exceeded (2 failed clusters, 1 allowed); resume to continue',
    });
    expect(breached.memo.halt).toEqual({
      action: 'Pause',
      since: T0,
      reason: '2 failed clusters, 1 allowed',
    });
    const recovered = twoGroups().map((c, i) => (i < 2 ? healthyAt(c, T0 - MINUTE, T0) : c));
    const later = plan({
      clusters: recovered,
      policy: progressive({ maxFailures: 1 }),
      memo: breached.memo,
      now: T0 + MINUTE,
    });
    expect(later.start).toEqual([]);
    expect(later.phase.phase).toBe('Paused');
  });

  it('resumes on request, forgiving the failures seen so far', () => {
    const pol = progressive({ maxFailures: 1 });
    const breached = plan({ clusters: fail(twoGroups(), 0, 1), policy: pol });
    const resumed = plan({
      clusters: fail(twoGroups(), 0, 1),
      policy: pol,
      memo: breached.memo,
      now: T0 + MINUTE,
      resumeRequestedAt: T0 + 30_000,
    });
    expect(resumed.memo.halt).toBeNull();
    expect(resumed.memo.forgiven).toEqual({
      failures: 2,
      unreachable: 0,
      groups: [{ index: 0, failures: 2 }],
    });
    expect(names(resumed)).toEqual(['a-2', 'a-3']);
    const again = plan({
      clusters: fail(twoGroups(), 0, 1, 2, 3),
      policy: pol,
      memo: resumed.memo,
      now: T0 + 2 * MINUTE,
    });
    expect(again.memo.halt?.action).toBe('Pause');
    const stale = plan({
      clusters: fail(twoGroups(), 0, 1),
      policy: pol,
      memo: breached.memo,
      now: T0 + MINUTE,
      resumeRequestedAt: T0 - 1,
    });
    expect(stale.memo.halt?.action).toBe('Pause');
  });

  it('with Abort: stops for the revision and leaves clusters as they are', () => {
    const pol = progressive({ maxFailures: 0, action: 'Abort' });
    const aborted = plan({ clusters: fail(twoGroups(), 0), policy: pol });
    expect(aborted.phase).toEqual({ phase: 'Aborted', message: 'aborted: 1 failed clusters, 0 allowed' });
    expect(aborted.start).toEqual([]);
    const later = plan({
      clusters: twoGroups(),
      policy: pol,
      memo: aborted.memo,
      resumeRequestedAt: T0 + MINUTE,
      now: T0 + 2 * MINUTE,
    });
    expect(later.phase.phase).toBe('Aborted');
    expect(later.start).toEqual([]);
  });
});

describe('rollback', () => {
  const pol = (rollbackMaxConcurrency: number | string = 2) =>
    policy({
      rolloutStrategy: {
        type: 'ProgressivePerGroup',
        progressivePerGroup: { progressDeadline: '1h', maxFailures: 0 },
      },
      failurePolicy: { action: 'Rollback', rollbackMaxConcurrency },
    });
  /** Group a done, group b started with one failure. */
  const breachedFleet = (): ClusterObservation[] =>
    members(fleet(['a', 2], ['b', 3])).map((c, i) =>
      i < 2
        ? healthyAt(c, T0 - 2 * HOUR, T0 - 2 * HOUR)
        : i === 2
          ? degraded(c, T0 - MINUTE)
          : started(c, T0 - MINUTE),
    );

  it('reverts started clusters wave by wave, latest group first, under its own concurrency', () => {
    const p = plan({ clusters: breachedFleet(), policy: pol(), lastKnownGoodRevision: OLD });
    expect(p.memo.halt).toMatchObject({ action: 'Rollback', since: T0 });
    expect(p.start).toEqual([
      {
        name: 'b-0',
        group: { name: 'b', index: 1 },
        revision: OLD,
        direction: 'rollback',
        joinedLate: false,
      },
      {
        name: 'b-1',
        group: { name: 'b', index: 1 },
        revision: OLD,
        direction: 'rollback',
        joinedLate: false,
      },
    ]);
    expect(p.phase).toEqual({
      phase: 'RollingBack',
      message:
        'rolling back to revision v1 (1 failed clusters in group b, 0 allowed): 0 of 5 clusters reverted',
    });
    expect(p.summary.counts).toMatchObject({ rollbackPending: 5 });
  });

  it('holds a slot per cluster being reverted and finishes as RolledBack', () => {
    const first = plan({ clusters: breachedFleet(), policy: pol(), lastKnownGoodRevision: OLD });
    const revert = (c: ClusterObservation, done: boolean): ClusterObservation => ({
      ...c,
      applied: { revision: OLD, direction: 'rollback', startedAt: T0 },
      observedRevision: done ? OLD : REV,
      healthy: done,
      degraded: false,
    });
    const step2 = breachedFleet().map((c, i) => (i === 2 ? revert(c, false) : i === 3 ? revert(c, true) : c));
    const second = plan({
      clusters: step2,
      policy: pol(),
      lastKnownGoodRevision: OLD,
      memo: first.memo,
      now: T0 + MINUTE,
    });
    expect(names(second)).toEqual(['b-2']);
    expect(second.summary.counts).toMatchObject({ reverting: 1, reverted: 1, rollbackPending: 3 });
    const all = breachedFleet().map((c) => revert(c, true));
    const last = plan({
      clusters: all,
      policy: pol(),
      lastKnownGoodRevision: OLD,
      memo: first.memo,
      now: T0 + HOUR,
    });
    expect(last.phase).toEqual({
      phase: 'RolledBack',
      message: 'rolled back to revision v1: 5 clusters reverted',
    });
    expect(last.start).toEqual([]);
    // One cluster still on the bad revision past its deadline: the rollback failed.
    const stuck = breachedFleet().map((c, i) => revert(c, i !== 0));
    const failed = plan({
      clusters: stuck,
      policy: pol(),
      lastKnownGoodRevision: OLD,
      memo: first.memo,
      now: T0 + 10 * HOUR,
    });
    expect(failed.phase).toEqual({
      phase: 'Failed',
      message: 'rollback to revision v1 finished with 1 clusters that failed to revert (4 reverted)',
    });
  });

  it('leaves clusters that never started alone', () => {
    const clusters = members(fleet(['a', 2], ['b', 2]));
    clusters[0] = degraded(nth(clusters, 0), T0 - MINUTE);
    const p = plan({ clusters, policy: pol(10), lastKnownGoodRevision: OLD });
    expect(names(p)).toEqual(['a-0']);
  });

  it('pauses instead when there is no last known good revision', () => {
    const p = plan({ clusters: breachedFleet(), policy: pol() });
    expect(p.memo.halt).toMatchObject({ action: 'Pause' });
    expect(p.phase.message).toContain('no last known good revision to roll back to');
  });
});

describe('phases', () => {
  const phaseOf = (p: RolloutPlan) => p.phase.phase;

  it('Pending when no cluster is selected', () => {
    expect(plan({ clusters: [] }).phase).toEqual({
      phase: 'Pending',
      reason: 'NoClusters',
      message: 'no clusters selected',
    });
  });

  it('Succeeded when every cluster runs the revision', () => {
    const clusters = members(fleet(['a', 2])).map((c) => healthyAt(c, T0 - HOUR, T0 - HOUR));
    expect(plan({ clusters }).phase).toEqual({
      phase: 'Succeeded',
      message: 'all 2 clusters run revision v2',
    });
  });

  it('Succeeded when it finished with failures the budget allowed, saying so', () => {
    const clusters = members(fleet(['a', 2])).map((c, i) =>
      i === 0 ? healthyAt(c, T0 - 2 * HOUR, T0 - 2 * HOUR) : started(c, T0 - 2 * HOUR),
    );
    const pol = policy({
      rolloutStrategy: { type: 'Progressive', progressive: { progressDeadline: '1h', maxFailures: 1 } },
    });
    expect(plan({ clusters, policy: pol }).phase).toEqual({
      phase: 'Succeeded',
      message:
        'finished within the failure budget: 1 of 2 clusters run revision v2; 1 failed or timed out, 0 unreachable',
    });
  });

  it('Pending while the only clusters left are unreachable', () => {
    const clusters = fleet(['a', 1]).map((c) => ({ ...c, reachable: false }));
    const p = plan({ clusters });
    expect(p.phase).toEqual({
      phase: 'Pending',
      reason: 'WaitingForClusters',
      message: 'waiting for 1 unreachable clusters to report',
    });
    expect(phaseOf(plan({ clusters: fleet(['a', 1]) }))).toBe('Progressing');
  });
});
