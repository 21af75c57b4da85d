/**
 * RRULE parsing and expansion, and RFC 5545's rules for local times across daylight-saving changes.
 */
import { describe, expect, it } from '@jest/globals';
import { parseLocalDateTime } from '../../../src/rollout/civil-time.js';
import { firstOccurrence, occurrencesBetween, type Recurrence } from '../../../src/rollout/recurrence.js';
import { parseRecurrenceRule } from '../../../src/rollout/rrule.js';
import { ianaZone, wallToInstant } from '../../../src/rollout/zone-time.js';

function recurrence(rule: string, start: string, zone = 'UTC'): Recurrence {
  const parsed = parseRecurrenceRule(rule);
  if ('error' in parsed) throw new Error(parsed.error);
  const z = ianaZone(zone);
  const s = parseLocalDateTime(start);
  if (z === null || s === null) throw new Error('bad zone or start');
  return { rule: parsed.rule, zone: z, startWall: s.wall };
}

/** Openings between two RFC 3339 times, as ISO strings. */
function openings(rule: string, start: string, from: string, to: string, zone = 'UTC'): string[] {
  return occurrencesBetween(recurrence(rule, start, zone), Date.parse(from), Date.parse(to)).map((t) =>
    new Date(t).toISOString(),
  );
}

describe('parseRecurrenceRule', () => {
  it('reads the supported parts', () => {
    const r = parseRecurrenceRule(
      'RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU,-1FR;BYHOUR=1,3;BYMINUTE=30;WKST=SU;COUNT=10',
    );
    expect(r).toEqual({
      rule: {
        freq: 'MONTHLY',
        interval: 2,
        count: 10,
        until: null,
        byMonth: null,
        byMonthDay: null,
        byDay: [
          { weekday: 2, ordinal: 2 },
          { weekday: 5, ordinal: -1 },
        ],
        byHour: [1, 3],
        byMinute: [30],
        bySetPos: null,
        wkst: 0,
      },
    });
  });

  it.each([
    ['FREQ=HOURLY', 'unsupported FREQ HOURLY'],
    ['FREQ=DAILY;BYSECOND=5', 'unsupported rule part BYSECOND'],
    ['FREQ=DAILY;BYWEEKNO=5', 'unsupported rule part BYWEEKNO'],
    ['FREQ=DAILY;COLOR=red', 'unknown rule part COLOR'],
    ['BYDAY=MO', 'FREQ is required'],
    ['FREQ=DAILY;FREQ=WEEKLY', 'FREQ given twice'],
    ['FREQ=DAILY;COUNT=3;UNTIL=20250101', 'COUNT and UNTIL'],
    ['FREQ=WEEKLY;BYDAY=2MO', 'BYDAY ordinals'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'BYMONTHDAY cannot be used with FREQ=WEEKLY'],
    ['FREQ=DAILY;BYHOUR=24', 'BYHOUR values must be 0 to 23, got "24"'],
    ['FREQ=MONTHLY;BYMONTHDAY=0', 'BYMONTHDAY values must be ±1 to ±31'],
    ['FREQ=DAILY;INTERVAL=0', 'INTERVAL must be an integer from 1'],
    ['FREQ=DAILY;BYDAY=XX', 'unknown weekday "XX"'],
    ['FREQ=DAILY;UNTIL=2025', 'UNTIL must be a date'],
    ['FREQ=DAILY;BYSETPOS=1', 'BYSETPOS needs another BYxxx part'],
    ['FREQ=DAILY;;X', 'malformed rule part "X"'],
  ])('refuses %j: %s', (text, message) => {
    const r = parseRecurrenceRule(text);
    expect('error' in r && r.error).toContain(message);
  });
});

describe('expansion', () => {
  // RFC 5545 §3.3.10 with erratum 1913: without BYMONTH, a YEARLY rule's BYDAY ordinals count
  // within the year, and BYMONTHDAY limits them. Counting them per month opened such a window
  // up to twelve times a year.
  it('yearly ordinal weekdays count within the year when BYMONTH is absent', () => {
    // The year's first Monday, if it falls on the 1st-7th of its month: once a year, in January.
    expect(
      openings(
        'FREQ=YEARLY;BYDAY=1MO;BYMONTHDAY=1,2,3,4,5,6,7',
        '2024-01-01T00:00',
        '2025-01-01T00:00:00Z',
        '2027-01-01T00:00:00Z',
      ),
    ).toEqual(['2025-01-06T00:00:00.000Z', '2026-01-05T00:00:00.000Z']);
    // The year's last Friday, if it is the 31st or earlier in its month (always): in December.
    expect(
      openings(
        'FREQ=YEARLY;BYDAY=-1FR;BYMONTHDAY=25,26,27,28,29,30,31',
        '2024-01-01T00:00',
        '2025-01-01T00:00:00Z',
        '2026-01-01T00:00:00Z',
      ),
    ).toEqual(['2025-12-26T00:00:00.000Z']);
    // With BYMONTH the ordinal counts within each month named (unchanged).
    expect(
      openings(
        'FREQ=YEARLY;BYMONTH=3,6;BYDAY=1MO;BYMONTHDAY=1,2,3,4,5,6,7',
        '2024-01-01T00:00',
        '2025-01-01T00:00:00Z',
        '2026-01-01T00:00:00Z',
      ),
    ).toEqual(['2025-03-03T00:00:00.000Z', '2025-06-02T00:00:00.000Z']);
  });

  it('daily at the start time', () => {
    expect(
      openings('FREQ=DAILY', '2025-01-01T02:00', '2025-03-01T00:00:00Z', '2025-03-03T00:00:00Z'),
    ).toEqual(['2025-03-01T02:00:00.000Z', '2025-03-02T02:00:00.000Z']);
  });

  it('every other day counts from DTSTART, however far back', () => {
    expect(
      openings('FREQ=DAILY;INTERVAL=2', '2020-01-01T00:00', '2025-03-01T00:00:00Z', '2025-03-05T00:00:00Z'),
    ).toEqual([
      '2025-03-01T00:00:00.000Z', // 1,886 days after DTSTART
      '2025-03-03T00:00:00.000Z',
    ]);
  });

  it('weekly on weekends, several hours', () => {
    expect(
      openings(
        'FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=1,13',
        '2025-01-04T00:00',
        '2025-03-07T00:00:00Z',
        '2025-03-10T00:00:00Z',
      ),
    ).toEqual([
      '2025-03-08T01:00:00.000Z',
      '2025-03-08T13:00:00.000Z',
      '2025-03-09T01:00:00.000Z',
      '2025-03-09T13:00:00.000Z',
    ]);
  });

  it('every second week honours WKST', () => {
    // Weeks start Monday (default): DTSTART Sunday 2025-01-05 opens its own week; two weeks on is 01-19.
    expect(
      openings(
        'FREQ=WEEKLY;INTERVAL=2;BYDAY=SU',
        '2025-01-05T00:00',
        '2025-01-06T00:00:00Z',
        '2025-01-27T00:00:00Z',
      ),
    ).toEqual(['2025-01-19T00:00:00.000Z']);
    // Weeks start Sunday: the same rule opens on 01-05 and again on 01-19, and TU of those weeks.
    expect(
      openings(
        'FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TU;WKST=SU',
        '2025-01-05T00:00',
        '2025-01-05T00:00:00Z',
        '2025-01-22T00:00:00Z',
      ),
    ).toEqual([
      '2025-01-05T00:00:00.000Z',
      '2025-01-07T00:00:00.000Z',
      '2025-01-19T00:00:00.000Z',
      '2025-01-21T00:00:00.000Z',
    ]);
  });

  it('monthly on the second Tuesday and the last Friday', () => {
    expect(
      openings(
        'FREQ=MONTHLY;BYDAY=2TU,-1FR',
        '2025-01-01T03:00',
        '2025-03-01T00:00:00Z',
        '2025-05-01T00:00:00Z',
      ),
    ).toEqual([
      '2025-03-11T03:00:00.000Z',
      '2025-03-28T03:00:00.000Z',
      '2025-04-08T03:00:00.000Z',
      '2025-04-25T03:00:00.000Z',
    ]);
  });

  it('monthly on the last day, and the 31st only in months that have it', () => {
    expect(
      openings(
        'FREQ=MONTHLY;BYMONTHDAY=-1',
        '2025-01-31T00:00',
        '2025-02-01T00:00:00Z',
        '2025-05-01T00:00:00Z',
      ),
    ).toEqual(['2025-02-28T00:00:00.000Z', '2025-03-31T00:00:00.000Z', '2025-04-30T00:00:00.000Z']);
    expect(
      openings('FREQ=MONTHLY', '2025-01-31T00:00', '2025-02-01T00:00:00Z', '2025-05-01T00:00:00Z'),
    ).toEqual(['2025-03-31T00:00:00.000Z']);
  });

  it('first weekend day of the month with BYSETPOS (as GKE writes it)', () => {
    expect(
      openings(
        'FREQ=MONTHLY;BYSETPOS=1;BYDAY=SA,SU',
        '2025-01-01T00:00',
        '2025-02-01T00:00:00Z',
        '2025-04-01T00:00:00Z',
      ),
    ).toEqual(['2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z']);
  });

  it('yearly, by month and by weekday of the year', () => {
    expect(
      openings(
        'FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1',
        '2024-01-01T00:00',
        '2025-01-01T00:00:00Z',
        '2026-01-02T00:00:00Z',
      ),
    ).toEqual(['2025-01-01T00:00:00.000Z', '2025-07-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
    expect(
      openings('FREQ=YEARLY;BYDAY=-1SU', '2024-01-01T00:00', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ).toEqual(['2025-12-28T00:00:00.000Z']);
    expect(
      openings('FREQ=YEARLY', '2024-02-29T00:00', '2025-01-01T00:00:00Z', '2029-01-01T00:00:00Z'),
    ).toEqual(['2028-02-29T00:00:00.000Z']);
  });

  it('stops after COUNT openings, counted from DTSTART', () => {
    expect(
      openings('FREQ=DAILY;COUNT=3', '2025-01-01T00:00', '2025-01-02T00:00:00Z', '2025-02-01T00:00:00Z'),
    ).toEqual(['2025-01-02T00:00:00.000Z', '2025-01-03T00:00:00.000Z']);
  });

  it('stops after UNTIL, in UTC or local time', () => {
    expect(
      openings(
        'FREQ=DAILY;UNTIL=20250103T000000Z',
        '2025-01-01T00:00',
        '2025-01-01T00:00:00Z',
        '2025-02-01T00:00:00Z',
      ),
    ).toHaveLength(3);
    expect(
      openings(
        'FREQ=DAILY;UNTIL=20250102',
        '2025-01-01T23:00',
        '2025-01-01T00:00:00Z',
        '2025-02-01T00:00:00Z',
        'Europe/Berlin',
      ),
    ).toEqual(['2025-01-01T22:00:00.000Z', '2025-01-02T22:00:00.000Z']);
  });

  it('finds whether a rule ever occurs', () => {
    expect(firstOccurrence(recurrence('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', '2025-01-01T00:00'))).toBeNull();
    expect(firstOccurrence(recurrence('FREQ=DAILY;UNTIL=20240101T000000Z', '2025-01-01T00:00'))).toBeNull();
    expect(
      firstOccurrence(recurrence('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO', '2025-01-01T00:00')),
    ).toBe(Date.parse('2044-02-29T00:00:00Z'));
  });
});

describe('daylight saving (RFC 5545 §3.3.5)', () => {
  const ny = ianaZone('America/New_York');
  const berlin = ianaZone('Europe/Berlin');
  if (ny === null || berlin === null) throw new Error('zones missing');
  const wall = (text: string) => parseLocalDateTime(text)?.wall ?? NaN;

  it('moves a skipped local time forward by the gap: 02:30 on spring-forward day in New York is 03:30 EDT', () => {
    expect(new Date(wallToInstant(ny, wall('2024-03-10T02:30'))).toISOString()).toBe(
      '2024-03-10T07:30:00.000Z',
    );
  });

  it('reads a repeated local time as its first occurrence: 02:30 on the autumn day in Berlin is CEST', () => {
    expect(new Date(wallToInstant(berlin, wall('2024-10-27T02:30'))).toISOString()).toBe(
      '2024-10-27T00:30:00.000Z',
    );
  });

  it('keeps a daily 02:30 window in New York at 02:30 local around the spring change', () => {
    expect(
      openings(
        'FREQ=DAILY',
        '2024-03-01T02:30',
        '2024-03-09T00:00:00Z',
        '2024-03-12T00:00:00Z',
        'America/New_York',
      ),
    ).toEqual([
      '2024-03-09T07:30:00.000Z', // 02:30 EST
      '2024-03-10T07:30:00.000Z', // 02:30 does not exist: 03:30 EDT
      '2024-03-11T06:30:00.000Z', // 02:30 EDT
    ]);
  });

  it('opens a daily 02:30 window in Berlin once on the autumn day, at the first 02:30', () => {
    expect(
      openings(
        'FREQ=DAILY',
        '2024-10-01T02:30',
        '2024-10-26T00:00:00Z',
        '2024-10-29T00:00:00Z',
        'Europe/Berlin',
      ),
    ).toEqual([
      '2024-10-26T00:30:00.000Z', // 02:30 CEST
      '2024-10-27T00:30:00.000Z', // first 02:30 (CEST), not the repeat at 01:30Z
      '2024-10-28T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('keeps weekly windows on their local day and hour across the change', () => {
    expect(
      openings(
        'FREQ=WEEKLY;BYDAY=SU;BYHOUR=1',
        '2024-03-03T01:00',
        '2024-03-03T00:00:00Z',
        '2024-03-18T00:00:00Z',
        'America/New_York',
      ),
    ).toEqual(['2024-03-03T06:00:00.000Z', '2024-03-10T06:00:00.000Z', '2024-03-17T05:00:00.000Z']);
  });
});
