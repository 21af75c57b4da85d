/**
 * Maintenance windows and exclusions in planning: a cluster starts only inside a window that stays
 * open long enough, the next opening is the recheck time, scopes select by group and label, and
 * daylight-saving changes land where RFC 5545 says.
 */
import { describe, expect, it } from '@jest/globals';
import type { MaintenanceWindow } from '../../../src/rollout/index.js';
import { HOUR, MINUTE, T0, fleet, members, names, plan, policy } from './planner-fixtures.js';

type WindowInput = Partial<MaintenanceWindow> & Pick<MaintenanceWindow, 'name'>;

/** Daily 09:00–13:00 UTC unless told otherwise; T0 is 10:00. */
function windows(list: WindowInput[], extra: Record<string, unknown> = {}) {
  return policy({
    maintenanceWindows: list.map((w) => ({
      recurrence: 'FREQ=DAILY',
      start: '2025-01-01T09:00',
      duration: '4h',
      ...w,
    })),
    ...extra,
  });
}

describe('maintenance windows', () => {
  it('start clusters inside an open window', () => {
    expect(names(plan({ clusters: fleet(['a', 2]), policy: windows([{ name: 'day' }]) }))).toEqual([
      'a-0',
      'a-1',
    ]);
  });

  it('hold clusters outside, with the next opening as phase, wait and recheck time', () => {
    const p = plan({
      clusters: fleet(['a', 2]),
      policy: windows([{ name: 'night', start: '2025-01-01T22:00' }]),
    });
    const opensAt = Date.parse('2025-06-02T22:00:00Z');
    expect(p.start).toEqual([]);
    expect(p.phase).toEqual({
      phase: 'WaitingForWindow',
      opensAt,
      message: 'window opens at 2025-06-02T22:00:00Z (night)',
    });
    expect(p.waits).toContainEqual({ kind: 'Window', opensAt, windows: ['night'] });
    expect(p.recheckAt).toBe(opensAt);
  });

  it('do not start a cluster when the window closes before its progress deadline', () => {
    const pol = (deadline: string, minimumOpen?: string) =>
      windows([{ name: 'day', ...(minimumOpen === undefined ? {} : { minimumOpen }) }], {
        rolloutStrategy: { type: 'All', all: { progressDeadline: deadline } },
      });
    // Open until 13:00: 3 h left at 10:00.
    expect(names(plan({ clusters: fleet(['a', 1]), policy: pol('3h') }))).toEqual(['a-0']);
    const late = plan({ clusters: fleet(['a', 1]), policy: pol('4h'), now: T0 + 30 * MINUTE });
    expect(late.start).toEqual([]);
    expect(late.recheckAt).toBe(Date.parse('2025-06-03T09:00:00Z'));
    expect(
      names(plan({ clusters: fleet(['a', 1]), policy: pol('4h', '1h'), now: T0 + 30 * MINUTE })),
    ).toEqual(['a-0']);
  });

  it('apply by label, evaluated per label set, and skip ahead to clusters that may start', () => {
    const clusters = fleet(['g', 4]).map((c, i) => ({
      ...c,
      labels: { region: i % 2 === 0 ? 'emea' : 'apac' },
    }));
    const pol = windows(
      [
        {
          name: 'apac-night',
          start: '2025-01-01T20:00',
          scope: { clusterSelector: { matchLabels: { region: 'apac' } } },
        },
      ],
      {
        rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: 3 } },
      },
    );
    const p = plan({ clusters, policy: pol });
    expect(names(p)).toEqual(['g-0', 'g-2']);
    expect(p.waits).toContainEqual({
      kind: 'Window',
      opensAt: Date.parse('2025-06-02T20:00:00Z'),
      windows: ['apac-night'],
    });
  });

  it('apply by group', () => {
    const pol = windows([{ name: 'prod-night', start: '2025-01-01T22:00', scope: { groups: ['prod'] } }]);
    expect(names(plan({ clusters: fleet(['dev', 1], ['prod', 1]), policy: pol }))).toEqual(['dev-0']);
  });

  it('open a cluster in any of its windows', () => {
    const pol = windows([
      { name: 'night', start: '2025-01-01T22:00' },
      { name: 'day', start: '2025-01-01T09:30', duration: '1h' },
    ]);
    expect(names(plan({ clusters: fleet(['a', 1]), policy: pol }))).toEqual(['a-0']);
  });
});

describe('maintenance exclusions', () => {
  it('freeze clusters even without windows, until the freeze ends', () => {
    const pol = policy({
      maintenanceExclusions: [{ name: 'summer', start: '2025-06-01', end: '2025-06-03' }],
    });
    const p = plan({ clusters: fleet(['a', 1]), policy: pol });
    expect(p.start).toEqual([]);
    expect(p.recheckAt).toBe(Date.parse('2025-06-04T00:00:00Z'));
  });

  it('cut windows short, so a start needs the time left before the freeze', () => {
    const pol = windows([{ name: 'day' }], {
      rolloutStrategy: { type: 'All', all: { progressDeadline: '2h' } },
      maintenanceExclusions: [{ name: 'noon', start: '2025-06-02T11:00', end: '2025-06-02T12:30' }],
    });
    const p = plan({ clusters: fleet(['a', 1]), policy: pol });
    expect(p.start).toEqual([]);
    expect(p.recheckAt).toBe(Date.parse('2025-06-03T09:00:00Z'));
    expect(names(plan({ clusters: fleet(['a', 1]), policy: pol, now: T0 + 150 * MINUTE }))).toEqual([]);
  });

  it('honour a deadline approaching a freeze when no window applies', () => {
    const pol = policy({
      rolloutStrategy: { type: 'All', all: { progressDeadline: '2h' } },
      maintenanceExclusions: [
        {
          name: 'change-freeze',
          start: '2025-06-02T11:00',
          end: '2025-06-02T12:00',
          scope: { groups: ['a'] },
        },
      ],
    });
    const p = plan({ clusters: fleet(['a', 1], ['b', 1]), policy: pol });
    expect(names(p)).toEqual(['b-0']);
    expect(p.recheckAt).toBe(Date.parse('2025-06-02T12:00:00Z'));
  });
});

describe('windows across daylight-saving changes', () => {
  const ny = windows([
    { name: 'ny', start: '2024-03-01T02:30', duration: '2h', timeZone: 'America/New_York' },
  ]);

  it('opens the New York 02:30 window at 03:30 EDT on the spring-forward day', () => {
    const at = (iso: string) => names(plan({ clusters: fleet(['a', 1]), policy: ny, now: Date.parse(iso) }));
    expect(at('2024-03-10T07:29:00Z')).toEqual([]); // 03:29 EDT: 02:30 does not exist, the window opens at 03:30
    expect(at('2024-03-10T07:30:00Z')).toEqual(['a-0']); // 03:30 EDT
    expect(at('2024-03-10T09:29:00Z')).toEqual(['a-0']); // 2 h later, still open
    expect(at('2024-03-10T09:30:00Z')).toEqual([]);
    const waiting = plan({ clusters: fleet(['a', 1]), policy: ny, now: Date.parse('2024-03-10T06:00:00Z') });
    expect(waiting.recheckAt).toBe(Date.parse('2024-03-10T07:30:00Z'));
  });

  it('opens the Berlin 02:30 window at the first 02:30 on the autumn day and keeps it open 2 h of elapsed time', () => {
    const berlin = windows([
      { name: 'berlin', start: '2024-10-01T02:30', duration: '2h', timeZone: 'Europe/Berlin' },
    ]);
    const at = (iso: string) =>
      names(plan({ clusters: fleet(['a', 1]), policy: berlin, now: Date.parse(iso) }));
    expect(at('2024-10-27T00:29:00Z')).toEqual([]); // 02:29 CEST
    expect(at('2024-10-27T00:30:00Z')).toEqual(['a-0']); // 02:30 CEST, the first one
    expect(at('2024-10-27T01:45:00Z')).toEqual(['a-0']); // 02:45 CET, during the repeated hour
    expect(at('2024-10-27T02:30:00Z')).toEqual([]); // 03:30 CET: two hours have passed
    const waiting = plan({
      clusters: fleet(['a', 1]),
      policy: berlin,
      now: Date.parse('2024-10-26T23:00:00Z'),
    });
    expect(waiting.recheckAt).toBe(Date.parse('2024-10-27T00:30:00Z'));
  });

  it('keeps clusters in flight tracked while their window is closed', () => {
    const clusters = members(fleet(['a', 1])).map((c) => ({
      ...c,
      applied: { revision: 'v2', direction: 'forward' as const, startedAt: T0 - HOUR },
    }));
    const p = plan({ clusters, policy: windows([{ name: 'night', start: '2025-01-01T22:00' }]) });
    expect(p.summary.counts.progressing).toBe(1);
    expect(p.phase.phase).toBe('Progressing');
  });
});
