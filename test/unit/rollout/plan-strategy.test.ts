/**
 * planRollout's strategies (OCM's semantics, with the planner's fixes), the success rule, and the
 * frozen plan: membership, late joiners and removed clusters.
 */
import { describe, expect, it } from '@jest/globals';
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

const progressive = (progressive: Record<string, unknown>) =>
  policy({ rolloutStrategy: { type: 'Progressive', progressive } });
const perGroup = (progressivePerGroup: Record<string, unknown>) =>
  policy({ rolloutStrategy: { type: 'ProgressivePerGroup', progressivePerGroup } });

describe('All', () => {
  it('starts every cluster at once, in name order', () => {
    const p = plan({ clusters: fleet(['b', 2], ['a', 2]) });
    expect(names(p)).toEqual(['a-0', 'a-1', 'b-0', 'b-1']);
    expect(p.start[0]).toEqual({
      name: 'a-0',
      group: { name: 'a', index: 1 },
      revision: REV,
      direction: 'forward',
      joinedLate: false,
    });
    expect(p.phase).toEqual({
      phase: 'Progressing',
      message: '0 of 4 clusters succeeded, 0 in progress, 4 starting',
    });
  });

  it('has no failure budget of its own', () => {
    const clusters = members(fleet(['a', 3]));
    clusters[0] = degraded(clusters[0] ?? nth(fleet(['a', 1]), 0), T0 - MINUTE);
    const p = plan({
      clusters,
      policy: policy({ rolloutStrategy: { type: 'All', all: { maxFailures: 0 } } }),
    });
    expect(p.budget.breach).toBeNull();
    expect(names(p)).toEqual(['a-1', 'a-2']);
  });
});

describe('Progressive', () => {
  it('takes clusters by name across groups, maxConcurrency at a time', () => {
    const p = plan({
      clusters: fleet(['zeta', 2], ['alpha', 2], ['mid', 2]),
      policy: progressive({ maxConcurrency: 3 }),
    });
    expect(names(p)).toEqual(['alpha-0', 'alpha-1', 'mid-0']);
  });

  it('gives the same choice whatever the input order', () => {
    const clusters = fleet(['zeta', 3], ['alpha', 3]);
    const shuffled = [clusters[4], clusters[0], clusters[5], clusters[2], clusters[1], clusters[3]].filter(
      (c) => c !== undefined,
    );
    const pol = progressive({ maxConcurrency: 4 });
    const a = plan({ clusters: shuffled, policy: pol });
    const b = plan({ clusters, policy: pol });
    expect(a.start).toEqual(b.start);
    expect(a.summary).toEqual(b.summary);
    expect(names(a)).toEqual(['alpha-0', 'alpha-1', 'alpha-2', 'zeta-0']);
  });

  it('sizes a percentage on the non-mandatory clusters, rounding up', () => {
    const pol = progressive({ maxConcurrency: '25%', mandatoryDecisionGroups: [{ groupName: 'canary' }] });
    const clusters = members(fleet(['canary', 2], ['prod', 10])).map((c, i) =>
      i < 2 ? healthyAt(c, T0 - HOUR, T0 - HOUR) : c,
    );
    expect(names(plan({ clusters, policy: pol }))).toHaveLength(3);
  });

  it('counts progressing, failed-within-deadline, soaking and unreachable clusters as in flight; not timed-out ones', () => {
    const base = members(fleet(['g', 8]));
    const c = (i: number) => base[i] ?? nth(base, 0);
    const clusters = [
      started(c(0), T0 - MINUTE), // progressing
      degraded(c(1), T0 - MINUTE), // failed, within the deadline
      healthyAt(c(2), T0 - 10 * MINUTE, T0 - MINUTE), // soaking
      { ...started(c(3), T0 - MINUTE), reachable: false }, // unreachable, within the deadline
      started(c(4), T0 - 2 * HOUR), // timed out
      c(5),
      c(6),
      c(7),
    ];
    const p = plan({
      clusters,
      policy: progressive({
        maxConcurrency: 5,
        maxFailures: 5,
        minSuccessTime: '5m',
        progressDeadline: '1h',
      }),
    });
    expect(names(p)).toEqual(['g-5']);
    expect(p.timedOut).toEqual([{ name: 'g-4', group: { name: 'g', index: 0 } }]);
    expect(p.failed).toEqual([{ name: 'g-1', group: { name: 'g', index: 0 } }]);
    expect(p.summary.counts).toMatchObject({
      progressing: 1,
      failed: 1,
      soaking: 1,
      unreachable: 1,
      timedOut: 1,
      pending: 3,
    });
    expect(p.recheckAt).toBe(T0 + 4 * MINUTE);
  });

  it('waits for a free slot and says so', () => {
    const clusters = members(fleet(['g', 3])).map((c, i) => (i < 2 ? started(c, T0 - MINUTE) : c));
    const p = plan({ clusters, policy: progressive({ maxConcurrency: 2, progressDeadline: '10m' }) });
    expect(p.start).toEqual([]);
    expect(p.waits).toContainEqual({ kind: 'Concurrency', inFlight: 2, limit: 2 });
    expect(p.recheckAt).toBe(T0 + 9 * MINUTE);
  });
});

describe('ProgressivePerGroup', () => {
  it('releases the first unfinished group whole, then the next', () => {
    const clusters = members(fleet(['a', 2], ['b', 3], ['c', 1]));
    expect(names(plan({ clusters, policy: perGroup({}) }))).toEqual(['a-0', 'a-1']);
    const done = clusters.map((c, i) => (i < 2 ? healthyAt(c, T0 - HOUR, T0 - HOUR) : c));
    expect(names(plan({ clusters: done, policy: perGroup({}) }))).toEqual(['b-0', 'b-1', 'b-2']);
  });

  it('holds the next group while a cluster soaks, and moves past failures within the budget', () => {
    const clusters = members(fleet(['a', 2], ['b', 1]));
    const soaking = [
      healthyAt(nth(clusters, 0), T0 - HOUR, T0 - MINUTE),
      healthyAt(nth(clusters, 1), T0 - HOUR, T0 - HOUR),
      nth(clusters, 2),
    ];
    const soak = plan({ clusters: soaking, policy: perGroup({ minSuccessTime: '5m' }) });
    expect(soak.start).toEqual([]);
    expect(soak.waits).toContainEqual({ kind: 'Soak', until: T0 + 4 * MINUTE });
    const failing = [
      degraded(nth(clusters, 0), T0 - MINUTE),
      healthyAt(nth(clusters, 1), T0 - HOUR, T0 - HOUR),
      nth(clusters, 2),
    ];
    expect(names(plan({ clusters: failing, policy: perGroup({ maxFailures: 1 }) }))).toEqual(['b-0']);
    expect(plan({ clusters: failing, policy: perGroup({ maxFailures: 0 }) }).budget.breach?.scope).toBe(
      'Group',
    );
  });

  it('keeps a generous per-group maxFailures instead of dropping it to zero as OCM does', () => {
    const clusters = members(fleet(['a', 3], ['b', 1]));
    clusters[0] = degraded(nth(clusters, 0), T0 - MINUTE);
    clusters[1] = healthyAt(nth(clusters, 1), T0 - HOUR, T0 - HOUR);
    clusters[2] = healthyAt(nth(clusters, 2), T0 - HOUR, T0 - HOUR);
    const p = plan({ clusters, policy: perGroup({ maxFailures: 5 }) });
    expect(p.budget.breach).toBeNull();
    expect(names(p)).toEqual(['b-0']);
  });
});

describe('mandatory decision groups', () => {
  const pol = progressive({
    mandatoryDecisionGroups: [{ groupName: 'canary' }, { groupIndex: 1 }],
    maxConcurrency: 10,
  });

  it('go first, one at a time in index order, before any other group', () => {
    const clusters = members(fleet(['canary', 2], ['early', 2], ['prod', 2]));
    expect(names(plan({ clusters, policy: pol }))).toEqual(['canary-0', 'canary-1']);
    const canaryDone = clusters.map((c, i) => (i < 2 ? healthyAt(c, T0 - HOUR, T0 - HOUR) : c));
    expect(names(plan({ clusters: canaryDone, policy: pol }))).toEqual(['early-0', 'early-1']);
    const allDone = clusters.map((c, i) => (i < 4 ? healthyAt(c, T0 - HOUR, T0 - HOUR) : c));
    expect(names(plan({ clusters: allDone, policy: pol }))).toEqual(['prod-0', 'prod-1']);
  });

  it('tolerate no failure', () => {
    const clusters = members(fleet(['canary', 2], ['early', 2], ['prod', 2]));
    clusters[0] = degraded(nth(clusters, 0), T0 - MINUTE);
    const p = plan({ clusters, policy: pol });
    expect(p.budget.breach).toMatchObject({
      scope: 'MandatoryGroup',
      group: { name: 'canary', index: 0 },
      count: 1,
      limit: 0,
    });
    expect(p.start).toEqual([]);
    expect(p.phase.phase).toBe('Paused');
  });
});

describe('progress deadline and success', () => {
  const base = nth(members(fleet(['g', 1])), 0);
  const pol = progressive({ progressDeadline: '30m', minSuccessTime: '10m', maxFailures: 1 });
  const state = (c: typeof base, p = pol) => plan({ clusters: [c], policy: p }).summary.counts;

  it('is not "applied": the cluster must report the target revision', () => {
    expect(state(started(base, T0 - MINUTE))).toMatchObject({ progressing: 1 });
    expect(
      state({ ...started(base, T0 - MINUTE), observedRevision: OLD, healthySince: T0 - HOUR }),
    ).toMatchObject({ progressing: 1 });
  });

  it('needs the cluster healthy, and healthy for minSuccessTime', () => {
    expect(state({ ...healthyAt(base, T0 - 20 * MINUTE, T0 - 5 * MINUTE), healthy: false })).toMatchObject({
      progressing: 1,
    });
    expect(state(healthyAt(base, T0 - 20 * MINUTE, T0 - 5 * MINUTE))).toMatchObject({ soaking: 1 });
    expect(state(healthyAt(base, T0 - 20 * MINUTE, T0 - 10 * MINUTE))).toMatchObject({ succeeded: 1 });
  });

  it('counts soak from the start when the cluster was healthy before it', () => {
    expect(state(healthyAt(base, T0 - 5 * MINUTE, T0 - 2 * HOUR))).toMatchObject({ soaking: 1 });
  });

  it('times out at the deadline, counted from the start', () => {
    expect(state(started(base, T0 - 30 * MINUTE))).toMatchObject({ timedOut: 1 });
    expect(state(degraded(base, T0 - 31 * MINUTE))).toMatchObject({ timedOut: 1 });
    expect(state(started(base, T0 - 100 * HOUR), progressive({ progressDeadline: 'None' }))).toMatchObject({
      progressing: 1,
    });
  });

  it('counts a cluster that stopped reporting apart from failures', () => {
    expect(state({ ...started(base, T0 - MINUTE), reachable: false })).toMatchObject({
      unreachable: 1,
      failed: 0,
    });
    expect(state({ ...started(base, T0 - HOUR), reachable: false })).toMatchObject({
      unreachable: 1,
      timedOut: 0,
    });
  });

  it('leaves skipped clusters out', () => {
    const p = plan({ clusters: [{ ...base, skip: true }, nth(members(fleet(['h', 1])), 0)] });
    expect(names(p)).toEqual(['h-0']);
    expect(p.summary.total).toBe(1);
  });
});

describe('frozen plan', () => {
  it('snapshots group order and sizes when a revision starts, and asks for membership to be recorded', () => {
    const p = plan({ clusters: fleet(['b', 1], ['a', 2]), policy: perGroup({}) });
    expect(p.memo).toEqual({
      revision: REV,
      startedAt: T0,
      groups: [
        { name: 'b', index: 0, size: 1 },
        { name: 'a', index: 1, size: 2 },
      ],
      halt: null,
      forgiven: null,
    });
    expect(p.membershipUpdates).toHaveLength(3);
    expect(p.membershipUpdates[0]).toEqual({
      name: 'b-0',
      group: { name: 'b', index: 0 },
      revision: REV,
      joinedLate: false,
    });
  });

  it('keeps a cluster in its frozen group when the Placement regroups it', () => {
    const first = plan({ clusters: fleet(['a', 1], ['b', 1]), policy: perGroup({}) });
    const clusters = members(fleet(['a', 1], ['b', 1])).map((c) => ({
      ...c,
      placement: { name: 'b', index: 1 },
    }));
    const p = plan({ clusters, policy: perGroup({}), memo: first.memo });
    expect(names(p)).toEqual(['a-0']);
    expect(p.membershipUpdates).toEqual([]);
  });

  it('ignores membership recorded for another revision', () => {
    const clusters = members(fleet(['a', 1]), OLD);
    const p = plan({ clusters });
    expect(p.membershipUpdates).toHaveLength(1);
    expect(p.start[0]?.joinedLate).toBe(false);
  });

  it('puts clusters that join mid-run in a final wave', () => {
    const first = plan({ clusters: fleet(['a', 2]), policy: progressive({ maxConcurrency: 1 }) });
    const joiner = { ...nth(fleet(['a', 3]), 2), name: 'a-00' };
    const clusters = [...members(fleet(['a', 2])), joiner];
    const p = plan({ clusters, policy: progressive({ maxConcurrency: 1 }), memo: first.memo });
    expect(names(p)).toEqual(['a-0']);
    expect(p.membershipUpdates).toEqual([
      { name: 'a-00', group: { name: 'a', index: 0 }, revision: REV, joinedLate: true },
    ]);
    expect(p.summary.groups.map((g) => [g.name, g.lateJoiners, g.total])).toEqual([
      ['a', false, 2],
      ['late-joiners', true, 1],
    ]);
    const others = members(fleet(['a', 2])).map((c) => healthyAt(c, T0 - HOUR, T0 - HOUR));
    const late = {
      ...joiner,
      membership: { revision: REV, group: { name: 'a', index: 0 }, joinedLate: true },
    };
    const last = plan({
      clusters: [...others, late],
      policy: progressive({ maxConcurrency: 1 }),
      memo: first.memo,
    });
    expect(last.start).toEqual([
      { name: 'a-00', group: { name: 'a', index: 0 }, revision: REV, direction: 'forward', joinedLate: true },
    ]);
  });

  it('or, by option, in their own group', () => {
    const pol = policy({ rolloutStrategy: { type: 'ProgressivePerGroup' }, lateJoiners: 'OwnGroup' });
    const first = plan({ clusters: fleet(['a', 1], ['b', 1]), policy: pol });
    const clusters = [...members(fleet(['a', 1], ['b', 1])), { ...nth(fleet(['a', 1]), 0), name: 'a-new' }];
    const p = plan({ clusters, policy: pol, memo: first.memo });
    expect(names(p)).toEqual(['a-0', 'a-new']);
    expect(p.membershipUpdates[0]?.joinedLate).toBe(true);
  });

  it('reports clusters that left the Placement as removed', () => {
    const clusters = members(fleet(['a', 2]));
    clusters[1] = { ...started(nth(clusters, 1), T0 - MINUTE), placement: null };
    const p = plan({ clusters });
    expect(p.removed).toEqual([{ name: 'a-1', group: { name: 'a', index: 0 } }]);
    expect(p.summary.removed).toBe(1);
    expect(names(p)).toEqual(['a-0']);
  });

  it('starts a new plan for a new revision', () => {
    const first = plan({ clusters: fleet(['a', 1]) });
    const p = plan({ clusters: fleet(['a', 1]), revision: 'v3', memo: first.memo, now: T0 + HOUR });
    expect(p.memo.revision).toBe('v3');
    expect(p.memo.startedAt).toBe(T0 + HOUR);
    expect(p.start[0]?.revision).toBe('v3');
  });
});
