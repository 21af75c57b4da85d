/**
 * RFC 5545 recurrence rules (RRULE), the subset maintenance windows need: FREQ DAILY, WEEKLY,
 * MONTHLY or YEARLY; INTERVAL; COUNT; UNTIL; BYMONTH; BYMONTHDAY; BYDAY (ordinals only with MONTHLY
 * and YEARLY); BYHOUR; BYMINUTE; BYSETPOS; WKST. Anything else is refused by name rather than
 * ignored, so a rule never means less than it says.
 */
import { parseLocalDateTime } from './civil-time.js';

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

/** A weekday (0 Sunday … 6 Saturday) with an optional ordinal (`2TU` is 2, `-1FR` is -1, none 0). */
export interface WeekdayRule {
  weekday: number;
  ordinal: number;
}

/** `UNTIL` as an instant (a UTC form) or as a wall time in the window's zone (a local form). */
export type Until = { kind: 'instant'; ms: number } | { kind: 'wall'; wall: number };

/** A parsed RRULE. List parts are `null` when absent, sorted when present. */
export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  count: number | null;
  until: Until | null;
  byMonth: number[] | null;
  byMonthDay: number[] | null;
  byDay: WeekdayRule[] | null;
  byHour: number[] | null;
  byMinute: number[] | null;
  bySetPos: number[] | null;
  wkst: number;
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const UNSUPPORTED = new Set(['BYSECOND', 'BYYEARDAY', 'BYWEEKNO', 'RSCALE', 'SKIP']);
const FREQUENCIES = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const MAX_COUNT = 100_000;

/** Parses an RRULE (with or without the `RRULE:` prefix); the error says which part is wrong. */
export function parseRecurrenceRule(text: string): { rule: RecurrenceRule } | { error: string } {
  const body = text.trim().replace(/^RRULE:/i, '');
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return { error: `malformed rule part ${JSON.stringify(part)}` };
    const key = part.slice(0, eq).toUpperCase();
    if (parts.has(key)) return { error: `rule part ${key} given twice` };
    parts.set(key, part.slice(eq + 1).toUpperCase());
  }
  for (const key of parts.keys()) {
    if (UNSUPPORTED.has(key)) return { error: `unsupported rule part ${key}` };
    if (!KNOWN.has(key)) return { error: `unknown rule part ${key}` };
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) return { error: 'FREQ is required' };
  if (!FREQUENCIES.has(freq))
    return { error: `unsupported FREQ ${freq} (use DAILY, WEEKLY, MONTHLY or YEARLY)` };
  try {
    const rule: RecurrenceRule = {
      freq: freq as Frequency,
      interval: integer(parts, 'INTERVAL', 1, 10_000) ?? 1,
      count: integer(parts, 'COUNT', 1, MAX_COUNT),
      until: until(parts.get('UNTIL')),
      byMonth: list(parts, 'BYMONTH', 1, 12, false),
      byMonthDay: list(parts, 'BYMONTHDAY', 1, 31, true),
      byDay: byDay(parts.get('BYDAY')),
      byHour: list(parts, 'BYHOUR', 0, 23, false),
      byMinute: list(parts, 'BYMINUTE', 0, 59, false),
      bySetPos: list(parts, 'BYSETPOS', 1, 366, true),
      wkst: weekday(parts.get('WKST') ?? 'MO', 'WKST'),
    };
    return checkCombination(rule);
  } catch (e) {
    return { error: e instanceof RuleError ? e.message : String(e) };
  }
}

const KNOWN = new Set([
  'FREQ',
  'INTERVAL',
  'COUNT',
  'UNTIL',
  'BYMONTH',
  'BYMONTHDAY',
  'BYDAY',
  'BYHOUR',
  'BYMINUTE',
  'BYSETPOS',
  'WKST',
]);

class RuleError extends Error {}

function checkCombination(rule: RecurrenceRule): { rule: RecurrenceRule } | { error: string } {
  if (rule.count !== null && rule.until !== null) return { error: 'COUNT and UNTIL cannot both be given' };
  const ordinals = rule.byDay?.some((d) => d.ordinal !== 0) ?? false;
  if (ordinals && (rule.freq === 'DAILY' || rule.freq === 'WEEKLY')) {
    return { error: `BYDAY ordinals (like 2TU) need FREQ=MONTHLY or YEARLY, not ${rule.freq}` };
  }
  if (rule.byMonthDay !== null && rule.freq === 'WEEKLY')
    return { error: 'BYMONTHDAY cannot be used with FREQ=WEEKLY' };
  const other = [rule.byMonth, rule.byMonthDay, rule.byDay, rule.byHour, rule.byMinute].some(
    (p) => p !== null,
  );
  if (rule.bySetPos !== null && !other) return { error: 'BYSETPOS needs another BYxxx part' };
  return { rule };
}

function integer(parts: Map<string, string>, key: string, min: number, max: number): number | null {
  const text = parts.get(key);
  if (text === undefined) return null;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new RuleError(`${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function list(
  parts: Map<string, string>,
  key: string,
  min: number,
  max: number,
  signed: boolean,
): number[] | null {
  const text = parts.get(key);
  if (text === undefined) return null;
  const values = text.split(',').map((item) => {
    const ok = signed ? /^[+-]?\d+$/.test(item) : /^\d+$/.test(item);
    const n = Number(item);
    if (!ok || Math.abs(n) < min || Math.abs(n) > max || (!signed && n < min)) {
      const range = signed ? `±${min} to ±${max}` : `${min} to ${max}`;
      throw new RuleError(`${key} values must be ${range}, got ${JSON.stringify(item)}`);
    }
    return n;
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

function weekday(text: string, key: string): number {
  const i = WEEKDAYS.indexOf(text);
  if (i < 0) throw new RuleError(`${key} has an unknown weekday ${JSON.stringify(text)}`);
  return i;
}

function byDay(text: string | undefined): WeekdayRule[] | null {
  if (text === undefined) return null;
  return text.split(',').map((item) => {
    const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(item);
    if (m === null) throw new RuleError(`BYDAY has a malformed day ${JSON.stringify(item)}`);
    const ordinal = m[1] === undefined ? 0 : Number(m[1]);
    if (m[1] !== undefined && (ordinal === 0 || Math.abs(ordinal) > 53)) {
      throw new RuleError(`BYDAY ordinal must be ±1 to ±53, got ${JSON.stringify(item)}`);
    }
    return { weekday: weekday(m[2] ?? '', 'BYDAY'), ordinal };
  });
}

function until(text: string | undefined): Until | null {
  if (text === undefined) return null;
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(text);
  const local =
    m === null
      ? null
      : parseLocalDateTime(`${m[1]}-${m[2]}-${m[3]}${m[4] === undefined ? '' : `T${m[4]}:${m[5]}:${m[6]}`}`);
  if (m === null || local === null) {
    throw new RuleError(
      `UNTIL must be a date (20251231) or date-time (20251231T235959Z), got ${JSON.stringify(text)}`,
    );
  }
  if (m[7] === 'Z') return { kind: 'instant', ms: local.wall };
  // A date alone includes the whole day.
  return { kind: 'wall', wall: local.dateOnly ? local.wall + 86_399_999 : local.wall };
}
