/**
 * computeOcmRollout on the smaller tables of sdk-go's rollout_test.go (determineRolloutStatus,
 * minRecheckAfter, calculateRolloutSize, parseTimeout, decisionGroupsToGroupKeys), driven through
 * the public function, plus the handler's quirks and refused input.
 */
import { describe, expect, it } from '@jest/globals';
import { OcmRolloutError, computeOcmRollout, type OcmStatus } from '../../oracle/ocm/rollout-handler.js';
import { G1, I1, NOW, at, entry, group, groups, status, type Strategy } from './ocm-fixtures.js';

const one = [group('group1', 0, 'cluster1')];

/** Runs one existing status through a Progressive rollout of a single cluster. */
function determine(s: OcmStatus, opts: { ltt?: number; minSuccessTime?: string; progressDeadline?: string }) {
  return computeOcmRollout({
    now: NOW,
    strategy: {
      type: 'Progressive',
      progressive: {
        minSuccessTime: opts.minSuccessTime,
        progressDeadline: opts.progressDeadline,
        maxFailures: '100%',
      },
    },
    clusterGroups: one,
    existingStatus: [status(1, s, opts.ltt)],
  });
}

describe('determineRolloutStatus cases', () => {
  it.each([
    ['ToApply', { progressDeadline: '1m' }, [entry(1, 'ToApply', G1)], []],
    ['Skip', { progressDeadline: '1m' }, [], []],
    ['Succeeded', { progressDeadline: '1m' }, [], []],
    ['Succeeded', { minSuccessTime: '1m' }, [entry(1, 'Succeeded', G1, null, 60)], []],
    ['Succeeded', { ltt: -120, minSuccessTime: '1m' }, [], []],
    ['Succeeded', { minSuccessTime: '2m' }, [entry(1, 'Succeeded', G1, null, 120)], []],
    ['TimeOut', { progressDeadline: '1m' }, [], []],
    ['Progressing', { ltt: -30, progressDeadline: '1m' }, [entry(1, 'Progressing', G1, -30, 30)], []],
    ['Failed', { ltt: -60, progressDeadline: '1m' }, [], [entry(1, 'TimeOut', G1, -60, 0)]],
    ['Progressing', { progressDeadline: '1m' }, [entry(1, 'Progressing', G1, null, 60)], []],
    ['Progressing', { progressDeadline: 'None' }, [entry(1, 'Progressing', G1)], []],
  ] as const)('%s %j', (s, opts, toRollout, timeOut) => {
    const r = computeOcmRollout({
      now: NOW,
      strategy: { type: 'Progressive', progressive: { ...opts, maxFailures: '100%' } },
      clusterGroups: one,
      existingStatus: [status(1, s, 'ltt' in opts ? opts.ltt : undefined)],
    });
    expect(r.clustersToRollout).toEqual(toRollout);
    expect(r.clustersTimeOut).toEqual(timeOut);
  });

  it('counts an existing TimeOut status as a failure without listing it again', () => {
    const r = determine('TimeOut', { progressDeadline: '1m' });
    expect(r.clustersTimeOut).toEqual([]);
    expect(r.maxFailureBreach).toBe(false);
    const strict = computeOcmRollout({
      now: NOW,
      strategy: { type: 'Progressive', progressive: { progressDeadline: '1m' } },
      clusterGroups: one,
      existingStatus: [status(1, 'TimeOut')],
    });
    expect(strict.maxFailureBreach).toBe(true);
  });
});

describe('recheckAfter (minRecheckAfter)', () => {
  const run = (existing: ReturnType<typeof status>[], strategy: Strategy) =>
    computeOcmRollout({ now: NOW, strategy, clusterGroups: groups([1, 2, 3]), existingStatus: existing })
      .recheckAfter;

  it('is the nearest future recheck time among clusters to roll out', () => {
    const strategy: Strategy = {
      type: 'Progressive',
      progressive: { progressDeadline: '90s', minSuccessTime: '90s' },
    };
    expect(
      run([status(1, 'Succeeded', 0), status(2, 'Progressing', -60), status(3, 'Progressing', 0)], strategy),
    ).toBe('30s');
  });

  it('prints Go durations', () => {
    const strategy: Strategy = { type: 'All', all: { progressDeadline: '2h' } };
    expect(run([status(1, 'Progressing', 0)], strategy)).toBe('2h0m0s');
    expect(run([status(1, 'Progressing', -90)], { type: 'All', all: { progressDeadline: '3m' } })).toBe(
      '1m30s',
    );
  });

  it('is null when no cluster has a future recheck time', () => {
    expect(run([], { type: 'All' })).toBeNull();
    expect(
      run([status(1, 'Progressing', -60)], { type: 'All', all: { progressDeadline: 'None' } }),
    ).toBeNull();
  });
});

describe('maxConcurrency (calculateRolloutSize) over 100 clusters', () => {
  const hundred = [group('g', 0, ...Array.from({ length: 100 }, (_, i) => `c${String(i).padStart(3, '0')}`))];
  const size = (maxConcurrency: number | string) =>
    computeOcmRollout({
      now: NOW,
      strategy: { type: 'Progressive', progressive: { maxConcurrency } },
      clusterGroups: hundred,
    }).clustersToRollout.length;

  it.each([
    [50, 50],
    ['30%', 30],
    [0, 100],
    [101, 100],
    ['0%', 100],
    ['100%', 100],
  ] as const)('%j gives %d', (value, expected) => {
    expect(size(value)).toBe(expected);
  });

  it.each(['invalid', '200%', '5', -1, '12.5%'])('refuses %j, naming the field', (value) => {
    expect(() => size(value)).toThrow(OcmRolloutError);
    expect(() => size(value)).toThrow(`strategy.progressive.maxConcurrency`);
    expect(() => size(value)).toThrow(JSON.stringify(value));
  });

  it('rounds percentages up in floating point, as Go does', () => {
    expect(size('7%')).toBe(8);
  });
});

describe('progressDeadline (parseTimeout)', () => {
  const run = (progressDeadline: string) =>
    computeOcmRollout({
      now: NOW,
      strategy: { type: 'All', all: { progressDeadline } },
      clusterGroups: one,
      existingStatus: [status(1, 'Progressing', 0)],
    });

  it.each([
    ['2h', at(7200)],
    ['30m', at(1800)],
    ['10s', at(10)],
    ['1h30m', at(5400)],
    ['None', null],
    ['', null],
  ])('%j sets the recheck time to %j', (value, recheck) => {
    expect(run(value).clustersToRollout[0]?.recheckTime).toBe(recheck);
  });

  it.each(['2d', '0', '2d0s', '10g', '1.5h'])('refuses %j as OCM does', (value) => {
    expect(() => run(value)).toThrow('strategy.all.progressDeadline: invalid timeout format');
  });
});

describe('mandatoryDecisionGroups (decisionGroupsToGroupKeys)', () => {
  const run = (mandatoryDecisionGroups: { groupName?: string; groupIndex?: number }[]) =>
    computeOcmRollout({
      now: NOW,
      strategy: { type: 'ProgressivePerGroup', progressivePerGroup: { mandatoryDecisionGroups } },
      clusterGroups: [group('a', 0, 'cluster1'), group('b', 1, 'cluster2'), group('a', 2, 'cluster3')],
    }).clustersToRollout.map((e) => e.clusterName);

  it('selects by name first (every index carrying it), else by index', () => {
    expect(run([{ groupName: 'a', groupIndex: 1 }])).toEqual(['cluster1']);
    expect(run([{ groupIndex: 1 }])).toEqual(['cluster2']);
    expect(run([{}])).toEqual(['cluster1']);
    expect(run([])).toEqual(['cluster1']);
  });

  it('rolls mandatory groups out one group at a time', () => {
    const r = computeOcmRollout({
      now: NOW,
      strategy: { type: 'Progressive', progressive: { mandatoryDecisionGroups: [{ groupName: 'a' }] } },
      clusterGroups: [group('a', 0, 'cluster1'), group('b', 1, 'cluster2'), group('a', 2, 'cluster3')],
      existingStatus: [status(1, 'Succeeded', -60, ['a', 0])],
    });
    expect(r.clustersToRollout).toEqual([entry(3, 'ToApply', ['a', 2])]);
  });
});

describe('OCM quirks kept on purpose', () => {
  it('falls back to zero tolerated failures when maxFailures exceeds the cluster count', () => {
    const r = computeOcmRollout({
      now: NOW,
      strategy: { type: 'Progressive', progressive: { maxFailures: 5, progressDeadline: 'None' } },
      clusterGroups: groups([1, 2, 3]),
      existingStatus: [status(1, 'Failed', -60)],
    });
    expect(r.maxFailureBreach).toBe(true);
  });

  it('does not see groups whose index lies beyond the number of distinct indexes', () => {
    const r = computeOcmRollout({
      now: NOW,
      strategy: { type: 'All' },
      clusterGroups: [group('a', 0, 'cluster1'), group('b', 3, 'cluster2')],
      existingStatus: [status(2, 'Progressing', -60, ['b', 3])],
    });
    expect(r.clustersToRollout.map((e) => e.clusterName)).toEqual(['cluster1']);
    expect(r.clustersRemoved.map((e) => e.clusterName)).toEqual(['cluster2']);
  });

  it('treats omitted fields as Go zero values', () => {
    const r = computeOcmRollout({
      now: NOW,
      strategy: { type: 'All' },
      clusterGroups: [{ clusters: ['cluster1'] }, { groupIndex: 1, clusters: ['cluster2'] }],
      existingStatus: [{ clusterName: 'cluster2', groupIndex: 1, status: 'Progressing' }],
    });
    expect(r.clustersToRollout).toEqual([entry(2, 'Progressing', I1), entry(1, 'ToApply', ['', 0])]);
  });

  it('lets a timed-out cluster in an earlier group offset one still in flight (ProgressivePerGroup)', () => {
    const r = computeOcmRollout({
      now: NOW,
      strategy: {
        type: 'ProgressivePerGroup',
        progressivePerGroup: { progressDeadline: '90s', maxFailures: 1 },
      },
      clusterGroups: groups([1, 2], [3], [4]),
      existingStatus: [
        status(1, 'Succeeded', -60),
        status(2, 'Failed', -120),
        status(3, 'Progressing', -60, I1),
      ],
    });
    expect(r.clustersToRollout.map((e) => e.clusterName)).toEqual(['cluster3', 'cluster4']);
  });
});

describe('refused input', () => {
  it('refuses an unknown strategy type', () => {
    expect(() => computeOcmRollout({ now: NOW, strategy: { type: 'Canary' }, clusterGroups: one })).toThrow(
      'strategy.type: incorrect rollout strategy type "Canary"',
    );
  });

  it('refuses a malformed minSuccessTime and a malformed time', () => {
    expect(() =>
      computeOcmRollout({
        now: NOW,
        strategy: { type: 'Progressive', progressive: { minSuccessTime: '5 min' } },
        clusterGroups: one,
      }),
    ).toThrow('strategy.progressive.minSuccessTime');
    expect(() => computeOcmRollout({ now: 'noon', strategy: { type: 'All' }, clusterGroups: one })).toThrow(
      'now',
    );
  });

  it('refuses an unknown status, naming where it is', () => {
    const bad = {
      now: NOW,
      strategy: { type: 'All' },
      clusterGroups: one,
      existingStatus: [{ clusterName: 'cluster1', status: 'Done' }],
    };
    expect(() => computeOcmRollout(bad as unknown as Parameters<typeof computeOcmRollout>[0])).toThrow(
      'existingStatus[0].status',
    );
  });
});
