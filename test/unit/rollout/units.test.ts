/** Go durations, RFC 3339 times and int-or-percent sizes. */
import { describe, expect, it } from '@jest/globals';
import { parseGoDuration } from '../../../src/rollout/go-duration.js';
import { formatRfc3339 } from '../../../src/rollout/rfc3339.js';
import { formatGoDuration, parseRfc3339 } from '../../oracle/ocm/go-text.js';
import { parseRolloutSize, resolveBudget, resolveConcurrency } from '../../../src/rollout/rollout-size.js';

describe('parseGoDuration', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['1.5ms', 1.5],
    ['10us', 0.01],
    ['10µs', 0.01],
    ['1m0s', 60_000],
    ['2h45m30.5s', 9_930_500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', '5', '-1m', '+1m', '1d', '1 h', 'h', '1h-1m', 'None', '.s'])('refuses %j', (text) => {
    expect(parseGoDuration(text)).toBeNull();
  });
});

describe('formatGoDuration prints like Go', () => {
  it.each([
    [0, '0s'],
    [30_000, '30s'],
    [60_000, '1m0s'],
    [61_000, '1m1s'],
    [3_600_000, '1h0m0s'],
    [5_430_500, '1h30m30.5s'],
    [1_500, '1.5s'],
    [500, '500ms'],
    [1.5, '1.5ms'],
    [0.001, '1µs'],
    [0.000001, '1ns'],
    [-30_000, '-30s'],
    [1000 * 3_600_000, '1000h0m0s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});

describe('RFC 3339', () => {
  it('round-trips whole seconds in Kubernetes style', () => {
    const ms = parseRfc3339('2022-01-01T00:00:30Z');
    expect(ms).toBe(Date.UTC(2022, 0, 1, 0, 0, 30));
    expect(formatRfc3339(ms ?? 0)).toBe('2022-01-01T00:00:30Z');
  });

  it('reads offsets and fractions, writes UTC with milliseconds only when present', () => {
    expect(parseRfc3339('2022-01-01T02:00:00.25+02:00')).toBe(Date.UTC(2022, 0, 1, 0, 0, 0, 250));
    expect(formatRfc3339(Date.UTC(2022, 0, 1, 0, 0, 0, 250))).toBe('2022-01-01T00:00:00.250Z');
  });

  it.each([
    '2022-02-30T00:00:00Z',
    '2022-01-01T24:00:00Z',
    '2022-01-01 00:00',
    'yesterday',
    '2022-01-01T00:00:00',
  ])('refuses %j', (text) => {
    expect(parseRfc3339(text)).toBeNull();
  });
});

describe('rollout sizes', () => {
  it('parses counts and percentages', () => {
    expect(parseRolloutSize(3)).toEqual({ kind: 'count', count: 3 });
    expect(parseRolloutSize('3')).toEqual({ kind: 'count', count: 3 });
    expect(parseRolloutSize('25%')).toEqual({ kind: 'percent', percent: 25 });
  });

  it.each([-1, 1.5, '101%', '200%', '-5%', 'ten', '5.5%'])('refuses %j naming the value', (value) => {
    const parsed = parseRolloutSize(value);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toContain(JSON.stringify(value));
  });

  it('sizes concurrency as OCM does: rounded up, 0 or too many meaning all', () => {
    expect(resolveConcurrency({ kind: 'percent', percent: 50 }, 5)).toBe(3);
    expect(resolveConcurrency({ kind: 'count', count: 0 }, 5)).toBe(5);
    expect(resolveConcurrency({ kind: 'count', count: 9 }, 5)).toBe(5);
    expect(resolveConcurrency({ kind: 'percent', percent: 7 }, 100)).toBe(7);
  });

  it('caps a failure budget at the total instead of dropping it to zero', () => {
    expect(resolveBudget({ kind: 'count', count: 5 }, 3)).toBe(3);
    expect(resolveBudget({ kind: 'percent', percent: 30 }, 3)).toBe(1);
    expect(resolveBudget({ kind: 'percent', percent: 0 }, 3)).toBe(0);
  });
});

describe('formatRfc3339 matches Date', () => {
  it.each([0, 951_782_400_000, 1_709_251_199_999, 4_102_444_800_000, -86_400_000, 1_234_567_890_123])(
    '%d',
    (ms) => {
      expect(formatRfc3339(ms)).toBe(new Date(ms).toISOString().replace('.000Z', 'Z'));
    },
  );
});
