/**
 * Bad settings are refused with an error naming the field and the value, never defaulted; the
 * schemas carry what the CRD generator needs.
 */
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import {
  InvalidRolloutPolicyError,
  formatSpecError,
  planRollout,
  rolloutPolicySchema,
  validateRolloutPolicy,
} from '../../../src/rollout/index.js';
import { T0, fleet, policy } from './planner-fixtures.js';

const window = { name: 'nightly', recurrence: 'FREQ=DAILY', start: '2025-01-01T01:00:00', duration: '4h' };

function errorsOf(input: unknown): string[] {
  const r = validateRolloutPolicy(input);
  return r.ok ? [] : r.errors.map(formatSpecError);
}

describe('validateRolloutPolicy refuses bad input by field and value', () => {
  it.each([
    [
      'a percentage over 100%',
      { rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: '150%' } } },
      'spec.rolloutStrategy.progressive.maxConcurrency: must be a non-negative integer or a percentage from 0% to 100%, got "150%"',
    ],
    [
      'a negative number',
      { rolloutStrategy: { type: 'Progressive', progressive: { maxFailures: -1 } } },
      'spec.rolloutStrategy.progressive.maxFailures: Too small: expected number to be >=0, got -1',
    ],
    [
      'a negative budget',
      { failurePolicy: { maxFailuresPerGroup: -2 } },
      'spec.failurePolicy.maxFailuresPerGroup: Too small: expected number to be >=0, got -2',
    ],
    [
      'a malformed duration',
      { rolloutStrategy: { type: 'All', all: { minSuccessTime: '5 minutes' } } },
      'spec.rolloutStrategy.all.minSuccessTime: must be a Go duration such as 30s, 5m or 1h30m, got "5 minutes"',
    ],
    [
      'a malformed deadline',
      { rolloutStrategy: { type: 'ProgressivePerGroup', progressivePerGroup: { progressDeadline: '2d' } } },
      'spec.rolloutStrategy.progressivePerGroup.progressDeadline: must be None or a Go duration such as 10m, got "2d"',
    ],
    [
      'an unknown time zone',
      { maintenanceWindows: [{ ...window, timeZone: 'Mars/Olympus' }] },
      'spec.maintenanceWindows[0].timeZone: unknown time zone "Mars/Olympus"',
    ],
    [
      'an RRULE that never occurs',
      { maintenanceWindows: [{ ...window, recurrence: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' }] },
      'spec.maintenanceWindows[0].recurrence: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" never occurs from 2025-01-01T01:00:00',
    ],
    [
      'an RRULE that ended before it started',
      { maintenanceWindows: [{ ...window, recurrence: 'FREQ=DAILY;UNTIL=20240101T000000Z' }] },
      'spec.maintenanceWindows[0].recurrence: "FREQ=DAILY;UNTIL=20240101T000000Z" never occurs from 2025-01-01T01:00:00',
    ],
    [
      'an unsupported RRULE part',
      { maintenanceWindows: [{ ...window, recurrence: 'FREQ=DAILY;BYSECOND=10' }] },
      'spec.maintenanceWindows[0].recurrence: unsupported rule part BYSECOND in "FREQ=DAILY;BYSECOND=10"',
    ],
    [
      'a window shorter than the progress deadline',
      {
        rolloutStrategy: { type: 'Progressive', progressive: { progressDeadline: '6h' } },
        maintenanceWindows: [window],
      },
      'spec.maintenanceWindows[0].duration: window of "4h" is shorter than the progress deadline "6h"; lengthen it or set minimumOpen',
    ],
    [
      'a minimum longer than the window',
      { maintenanceWindows: [{ ...window, minimumOpen: '5h' }] },
      'spec.maintenanceWindows[0].minimumOpen: "5h" is longer than the window\'s duration "4h"',
    ],
    [
      'a zero-length window',
      { maintenanceWindows: [{ ...window, duration: '0s' }] },
      'spec.maintenanceWindows[0].duration: must be longer than 0s, got "0s"',
    ],
    [
      'a start that does not exist',
      { maintenanceWindows: [{ ...window, start: '2025-02-30T01:00' }] },
      'spec.maintenanceWindows[0].start: not a valid local date-time: "2025-02-30T01:00"',
    ],
    [
      'an exclusion ending before it starts',
      { maintenanceExclusions: [{ name: 'x', start: '2025-12-24', end: '2025-12-20' }] },
      'spec.maintenanceExclusions[0].end: must be after start "2025-12-24", got "2025-12-20"',
    ],
    [
      'an exclusion in an unknown zone',
      {
        maintenanceExclusions: [
          { name: 'x', start: '2025-12-24', end: '2025-12-26', timeZone: 'Europe/Atlantis' },
        ],
      },
      'spec.maintenanceExclusions[0].timeZone: unknown time zone "Europe/Atlantis"',
    ],
    [
      'duplicate window names',
      { maintenanceWindows: [window, window] },
      'spec.maintenanceWindows[1].name: duplicate name "nightly"',
    ],
    [
      'a selector In without values',
      {
        maintenanceWindows: [
          { ...window, scope: { clusterSelector: { matchExpressions: [{ key: 'r', operator: 'In' }] } } },
        ],
      },
      'spec.maintenanceWindows[0].scope.clusterSelector.matchExpressions[0].values: In needs values',
    ],
    [
      'an unknown failure action',
      { failurePolicy: { action: 'Ignore' } },
      'spec.failurePolicy.action: Invalid option: expected one of "Pause"|"Abort"|"Rollback", got "Ignore"',
    ],
  ])('%s', (_, input, message) => {
    expect(errorsOf(input)).toContain(message);
  });

  it('accepts a window as long as the deadline, or shorter with a minimum', () => {
    const strategy = { type: 'Progressive', progressive: { progressDeadline: '4h' } };
    expect(errorsOf({ rolloutStrategy: strategy, maintenanceWindows: [window] })).toEqual([]);
    expect(
      errorsOf({
        rolloutStrategy: { type: 'Progressive', progressive: { progressDeadline: '6h' } },
        maintenanceWindows: [{ ...window, minimumOpen: '1h' }],
      }),
    ).toEqual([]);
  });

  it('makes the planner throw rather than plan with bad settings', () => {
    const bad = {
      ...policy(),
      maintenanceWindows: [{ ...window, timeZone: 'Mars/Olympus', minimumOpen: undefined, scope: undefined }],
    };
    expect(() => planRollout({ now: T0, revision: 'v2', policy: bad, clusters: fleet(['a', 1]) })).toThrow(
      InvalidRolloutPolicyError,
    );
    expect(() => planRollout({ now: T0, revision: 'v2', policy: bad, clusters: fleet(['a', 1]) })).toThrow(
      'spec.maintenanceWindows[0].timeZone: unknown time zone "Mars/Olympus"',
    );
  });
});

describe('schemas for the CRD', () => {
  it('fills in OCM defaults', () => {
    expect(
      rolloutPolicySchema.parse({ rolloutStrategy: { type: 'Progressive', progressive: {} } }),
    ).toMatchObject({
      rolloutStrategy: {
        type: 'Progressive',
        progressive: { minSuccessTime: '0', progressDeadline: 'None', maxFailures: 0 },
      },
      failurePolicy: { action: 'Pause', rollbackMaxConcurrency: '10%' },
      paused: false,
      lateJoiners: 'FinalWave',
    });
  });

  it('describes every field, marks int-or-string values and carries CEL rules', () => {
    const schema = z.toJSONSchema(rolloutPolicySchema, { io: 'input' });
    const undescribed: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.properties !== undefined) {
        for (const [key, child] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          if (typeof child.description !== 'string') undescribed.push(`${path}.${key}`);
          visit(child, `${path}.${key}`);
        }
      }
      if (n.items !== undefined) visit(n.items, `${path}[]`);
    };
    visit(schema, 'spec');
    expect(undescribed).toEqual([]);
    const text = JSON.stringify(schema);
    expect(text).toContain('"x-kubernetes-int-or-string":true');
    expect(text).toContain('x-kubernetes-validations');
    expect(text).toContain('"x-kubernetes-list-map-keys":["name"]');
  });
});
