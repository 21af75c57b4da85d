import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  age,
  barWidthFor,
  countWords,
  formatDuration,
  progressBar,
  renderStatus,
} from '../../../src/cli/render-status.js';
import { counts, group, SAMPLE_NOW, sampleRollout, sampleStatus } from './fixtures.js';

const ESC = '\x1b';

const render = (r = sampleRollout(), width = 80, maxFailed?: number) =>
  renderStatus(r, { now: SAMPLE_NOW, width, ...(maxFailed !== undefined ? { maxFailed } : {}) });

describe('renderStatus', () => {
  it('renders the sample rollout line by line at 80 columns', () => {
    expect(render()).toEqual([
      'Rollout:    team-a/klusterlet-2-17',
      'Phase:      WaitingForApproval',
      'Message:    waiting for approval of group prod',
      'Target:     klusterlet 2.17.0',
      'Revision:   5d41402abc4b',
      'Progress:   [█████████░░░░░░░░░░░]   46%  14/30  (1 failed)',
      'Started:    2025-06-01T10:00:00Z (2h5m ago)',
      'Next check: 2025-06-01T12:10:00Z (in 5m)',
      '',
      'Groups:',
      '  canary  [████████████████████]  100%  5/5   took 45m',
      '  wave-1  [██████████████████░░]   90%  9/10  1 failed  took 50m',
      '  prod    [░░░░░░░░░░░░░░░░░░░░]    0%  0/15  waiting for approval',
      'Approvals:  prod waiting',
      '            approve with: kubectl mce rollout approve klusterlet-2-17 prod -n team-a',
      '',
      'Failed clusters (1):',
      '  spoke-017  wave-1  Failed: klusterlet degraded: ImagePullBackOff',
    ]);
  });

  it('is deterministic: the same rollout, clock and width give the same lines', () => {
    expect(render()).toEqual(render());
    expect(renderStatus(sampleRollout(), { now: SAMPLE_NOW + 60_000, width: 80 })).not.toEqual(render());
  });

  it('sizes the bars from the width: a quarter, between 10 and 40 cells', () => {
    const bars = (width: number) =>
      render(sampleRollout(), width)
        .map((l) => /\[([█░]+)\]/.exec(l)?.[1]?.length)
        .filter((n) => n !== undefined);
    expect(bars(80)).toEqual([20, 20, 20, 20]);
    expect(bars(120)).toEqual([30, 30, 30, 30]);
    expect(bars(20)).toEqual([10, 10, 10, 10]);
    expect(bars(500)).toEqual([40, 40, 40, 40]);
  });

  it('writes no escape codes (the same lines go to a pipe)', () => {
    for (const line of render()) expect(line).not.toContain(ESC);
  });

  it('says when there is no status yet', () => {
    expect(render(sampleRollout(null, { paused: true }))).toEqual([
      'Rollout:    team-a/klusterlet-2-17',
      'Phase:      (no status yet: the controller has not reconciled this rollout)',
      'Paused:     spec.paused is set; resume with: kubectl mce rollout resume klusterlet-2-17 -n team-a',
    ]);
  });

  it('shows a budget pause with how to resume, and an approved gate', () => {
    const status = sampleStatus({
      phase: 'Paused',
      message: 'failure budget exceeded',
      groups: [group('canary', 0, 5, { approval: 'Approved', counts: counts({ succeeded: 3, failed: 2 }) })],
      plan: {
        revision: '5d41402abc4b',
        startedAt: '2025-06-01T10:00:00Z',
        groups: [],
        halt: {
          action: 'Pause',
          since: '2025-06-01T12:00:00Z',
          reason: 'maxFailures 1 exceeded in group canary',
        },
      },
    });
    const lines = render(sampleRollout(status));
    expect(lines).toContain(
      'Halted:     Pause since 2025-06-01T12:00:00Z (5m ago): maxFailures 1 exceeded in group canary',
    );
    expect(lines).toContain('            resume with: kubectl mce rollout resume klusterlet-2-17 -n team-a');
    expect(lines).toContain('Approvals:  canary approved');
    expect(lines.some((l) => l.startsWith('  canary') && l.endsWith('2 failed  approved'))).toBe(true);
    expect(lines.some((l) => l.includes('approve with'))).toBe(false);
  });

  it('offers no resume for an abort', () => {
    const status = sampleStatus({
      phase: 'Aborted',
      completionTime: '2025-06-01T12:01:00Z',
      plan: {
        revision: 'r',
        startedAt: '2025-06-01T10:00:00Z',
        groups: [],
        halt: { action: 'Abort', since: '2025-06-01T12:01:00Z', reason: 'maxFailures 10% exceeded' },
      },
    });
    const lines = render(sampleRollout(status));
    expect(lines).toContain(
      'Halted:     Abort since 2025-06-01T12:01:00Z (4m ago): maxFailures 10% exceeded',
    );
    expect(lines).toContain('Completed:  2025-06-01T12:01:00Z (4m ago)');
    expect(lines.some((l) => l.startsWith('Next check:'))).toBe(false);
    expect(lines.some((l) => l.includes('resume with'))).toBe(false);
  });

  it('shows a Stalled condition, a different pre-flight failure once, and a status behind the spec', () => {
    const cond = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
      type,
      status,
      reason,
      message,
      lastTransitionTime: '2025-06-01T12:00:00Z',
    });
    const stalled = sampleStatus({
      conditions: [
        cond('Stalled', 'True', 'PreflightFailed', 'hub transport grpc is not configured'),
        cond('PreflightChecksPassed', 'False', 'PreflightFailed', 'hub transport grpc is not configured'),
      ],
    });
    const r = sampleRollout(stalled);
    r.metadata.generation = 3;
    const lines = render(r);
    expect(lines).toContain('Stalled:    PreflightFailed: hub transport grpc is not configured');
    expect(lines.some((l) => l.startsWith('Pre-flight:'))).toBe(false);
    expect(lines).toContain('Note:       status is for generation 1; the spec is at generation 3');

    const skipped = sampleStatus({
      conditions: [
        cond('PreflightChecksPassed', 'False', 'PreflightFailed', 'add-on not installed on 2 cluster(s)'),
      ],
    });
    expect(render(sampleRollout(skipped))).toContain(
      'Pre-flight: PreflightFailed: add-on not installed on 2 cluster(s)',
    );
  });

  it('shows the clusters that wait for an admin, and nothing while none does', () => {
    const cond = (status: 'True' | 'False', reason: string, message: string) => ({
      type: 'ClustersNeedAction',
      status,
      reason,
      message,
      lastTransitionTime: '2025-06-01T12:00:00Z',
    });
    const waiting = sampleStatus({
      conditions: [cond('True', 'AdminActionNeeded', '1 cluster(s) (spoke-1): delete Secret x')],
    });
    expect(render(sampleRollout(waiting))).toContain('Action:     1 cluster(s) (spoke-1): delete Secret x');
    const none = sampleStatus({ conditions: [cond('False', 'AsExpected', 'no cluster waits for an admin')] });
    expect(render(sampleRollout(none)).some((l) => l.startsWith('Action:'))).toBe(false);
  });

  it('lists the first failed clusters and says how many there are', () => {
    const failedClusters = Array.from({ length: 7 }, (_, i) => ({
      name: `spoke-${i}`,
      group: 'wave-1',
      reason: i % 2 === 0 ? ('TimedOut' as const) : ('Unreachable' as const),
    }));
    const status = sampleStatus({ failedClusters, counts: counts({ timedOut: 6, unreachable: 6 }) });
    const lines = render(sampleRollout(status), 80, 3);
    const at = lines.indexOf('Failed clusters (3 of 12):');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1)).toEqual([
      '  spoke-0  wave-1  TimedOut',
      '  spoke-1  wave-1  Unreachable',
      '  spoke-2  wave-1  TimedOut',
    ]);
    expect(lines).toContain('Progress:   [█████████░░░░░░░░░░░]   46%  14/30  (6 timed out, 6 unreachable)');
  });

  it('names unnamed groups by index and shows running groups by start time', () => {
    const status = sampleStatus({
      groups: [
        group('', 0, 4, {
          counts: counts({ succeeded: 1, progressing: 2, soaking: 1 }),
          startTime: '2025-06-01T12:00:00Z',
        }),
        group('late-joiners', 1, 0),
      ],
    });
    const lines = render(sampleRollout(status));
    expect(lines).toContain('  #0            [█████░░░░░░░░░░░░░░░]   25%  1/4  3 running  started 5m ago');
    expect(lines).toContain('  late-joiners  [░░░░░░░░░░░░░░░░░░░░]    0%  0/0');
  });

  it('shows a rollback in words', () => {
    const status = sampleStatus({
      phase: 'RollingBack',
      counts: counts({ succeeded: 2, rollbackPending: 3, reverting: 1, reverted: 4, revertFailed: 1 }),
    });
    expect(render(sampleRollout(status))).toContain(
      'Progress:   [█████████░░░░░░░░░░░]   46%  14/30  (1 revert failed, 3 to revert, 1 reverting, 4 reverted)',
    );
  });
});

describe('progressBar', () => {
  it.each([
    [5, 10, 20, '[██████████░░░░░░░░░░]'],
    [0, 10, 10, '[░░░░░░░░░░]'],
    [10, 10, 10, '[██████████]'],
    [0, 0, 10, '[░░░░░░░░░░]'],
    [199, 200, 10, '[█████████░]'],
  ])('%i of %i in %i cells', (done, total, width, bar) => {
    expect(progressBar(done, total, width)).toBe(bar);
  });

  it('always has width cells, and is full only when all are done', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.nat(10_000),
        fc.integer({ min: 1, max: 80 }),
        (total, d, w) => {
          const done = d % (total + 1);
          const bar = progressBar(done, total, w);
          expect(Array.from(bar)).toHaveLength(w + 2);
          expect(!bar.includes('░')).toBe(done === total);
        },
      ),
    );
  });

  it('bar width for a terminal', () => {
    expect([10, 40, 80, 100, 200].map(barWidthFor)).toEqual([10, 10, 20, 25, 40]);
  });
});

describe('times and counts in words', () => {
  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [3_600_000, '1h'],
    [7_500_000, '2h5m'],
    [86_400_000, '1d'],
    [90_000_000, '1d1h'],
  ])('formatDuration(%i) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('age reads past and future times, and passes through what is not a time', () => {
    expect(age('2025-06-01T12:00:00Z', SAMPLE_NOW)).toBe('5m ago');
    expect(age('2025-06-01T12:10:00Z', SAMPLE_NOW)).toBe('in 5m');
    expect(age('soon', SAMPLE_NOW)).toBe('soon');
  });

  it('counts in words leave out zeros, pending and succeeded', () => {
    expect(countWords(counts({ pending: 3, succeeded: 4 }))).toEqual([]);
    expect(countWords(counts({ progressing: 1, soaking: 1, failed: 2, skipped: 1 }))).toEqual([
      '2 running',
      '2 failed',
      '1 skipped',
    ]);
  });
});
