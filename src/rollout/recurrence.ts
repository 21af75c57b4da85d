/**
 * Expands a recurrence rule from its DTSTART into opening instants. Expansion runs on wall times,
 * period by period (a day, week, month or year of the rule's frequency); only candidates near the
 * asked range are converted to instants. Without COUNT, expansion jumps straight to the period
 * holding the range, so evaluating a window is cheap however old its DTSTART.
 */
import type { Zone } from 'luxon';
import {
  DAY_MS,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  daysInYear,
  weekdayOf,
  type CivilDate,
} from './civil-time.js';
import type { RecurrenceRule, WeekdayRule } from './rrule.js';
import { instantToWall, wallToInstant } from './zone-time.js';

/** A rule anchored at a DTSTART (a wall time) in a zone. */
export interface Recurrence {
  rule: RecurrenceRule;
  zone: Zone;
  startWall: number;
}

interface Anchor {
  startDay: number;
  start: CivilDate;
  weekStartDay: number;
  monthIndex: number;
  timesOfDay: number[];
}

const MAX_PERIODS = 200_000;

/** Opening instants `t` with `from <= t < to`, in order, honouring COUNT and UNTIL. */
export function occurrencesBetween(rec: Recurrence, from: number, to: number): number[] {
  const anchor = anchorOf(rec);
  const { rule } = rec;
  const fromWall = instantToWall(rec.zone, from) - DAY_MS;
  const toWall = instantToWall(rec.zone, to) + DAY_MS;
  const first = rule.count === null ? Math.max(0, periodIndexOf(rec, anchor, fromWall) - 1) : 0;
  const out: number[] = [];
  let seen = 0;
  for (let k = first; k - first < MAX_PERIODS && periodStartWall(rec, anchor, k) <= toWall; k++) {
    for (const wall of expandPeriod(rec, anchor, k)) {
      if (rule.count !== null && ++seen > rule.count) return out;
      if (rule.until?.kind === 'wall' && wall > rule.until.wall) return out;
      if (wall < fromWall) continue;
      const t = wallToInstant(rec.zone, wall);
      if (rule.until?.kind === 'instant' && t > rule.until.ms) return out;
      if (t >= from && t < to) out.push(t);
    }
  }
  return out;
}

/** The first opening at all, searching `years` of periods; `null` when the rule never occurs. */
export function firstOccurrence(rec: Recurrence, years = 400): number | null {
  const anchor = anchorOf(rec);
  const limit = rec.startWall + years * 366 * DAY_MS;
  for (let k = 0; periodStartWall(rec, anchor, k) <= limit; k++) {
    const wall = expandPeriod(rec, anchor, k)[0];
    if (wall === undefined) continue;
    const until = rec.rule.until;
    if (until?.kind === 'wall' && wall > until.wall) return null;
    const t = wallToInstant(rec.zone, wall);
    return until?.kind === 'instant' && t > until.ms ? null : t;
  }
  return null;
}

function anchorOf(rec: Recurrence): Anchor {
  const startDay = Math.floor(rec.startWall / DAY_MS);
  const start = civilFromDays(startDay);
  const timeOfDay = rec.startWall - startDay * DAY_MS;
  const hour = Math.floor(timeOfDay / 3_600_000);
  const minute = Math.floor(timeOfDay / 60_000) % 60;
  const second = timeOfDay % 60_000;
  const hours = rec.rule.byHour ?? [hour];
  const minutes = rec.rule.byMinute ?? [minute];
  const timesOfDay = hours
    .flatMap((h) => minutes.map((m) => h * 3_600_000 + m * 60_000 + second))
    .sort((a, b) => a - b);
  const weekStartDay = startDay - ((weekdayOf(startDay) - rec.rule.wkst + 7) % 7);
  return { startDay, start, weekStartDay, monthIndex: start.year * 12 + start.month - 1, timesOfDay };
}

function periodIndexOf(rec: Recurrence, a: Anchor, wall: number): number {
  const day = Math.floor(wall / DAY_MS);
  const { interval, freq } = rec.rule;
  if (freq === 'DAILY') return Math.floor((day - a.startDay) / interval);
  if (freq === 'WEEKLY') return Math.floor((day - a.weekStartDay) / (7 * interval));
  const date = civilFromDays(day);
  if (freq === 'MONTHLY') return Math.floor((date.year * 12 + date.month - 1 - a.monthIndex) / interval);
  return Math.floor((date.year - a.start.year) / interval);
}

function periodStartWall(rec: Recurrence, a: Anchor, k: number): number {
  const { interval, freq } = rec.rule;
  if (freq === 'DAILY') return (a.startDay + k * interval) * DAY_MS;
  if (freq === 'WEEKLY') return (a.weekStartDay + 7 * interval * k) * DAY_MS;
  if (freq === 'MONTHLY') {
    const mi = a.monthIndex + k * interval;
    return daysFromCivil(Math.floor(mi / 12), (mi % 12) + 1, 1) * DAY_MS;
  }
  return daysFromCivil(a.start.year + k * interval, 1, 1) * DAY_MS;
}

/** The openings of period `k` as wall times, sorted, after BYSETPOS, none before DTSTART. */
function expandPeriod(rec: Recurrence, a: Anchor, k: number): number[] {
  const days = daysOfPeriod(rec, a, k);
  let walls: number[] = [];
  for (const day of days) for (const t of a.timesOfDay) walls.push(day * DAY_MS + t);
  const setPos = rec.rule.bySetPos;
  if (setPos !== null) {
    const picked = setPos.map((p) => walls[p > 0 ? p - 1 : walls.length + p]).filter((w) => w !== undefined);
    walls = [...new Set(picked)].sort((x, y) => x - y);
  }
  return walls.filter((w) => w >= rec.startWall);
}

function daysOfPeriod(rec: Recurrence, a: Anchor, k: number): number[] {
  const rule = rec.rule;
  if (rule.freq === 'DAILY') {
    const day = a.startDay + k * rule.interval;
    return matchesDay(rule, day) ? [day] : [];
  }
  if (rule.freq === 'WEEKLY') {
    const out: number[] = [];
    const first = a.weekStartDay + 7 * rule.interval * k;
    const startWeekday = weekdayOf(a.startDay);
    for (let day = first; day < first + 7; day++) {
      const wd = weekdayOf(day);
      const wanted = rule.byDay === null ? wd === startWeekday : rule.byDay.some((d) => d.weekday === wd);
      if (wanted && monthAllowed(rule, civilFromDays(day).month)) out.push(day);
    }
    return out.sort((x, y) => x - y);
  }
  if (rule.freq === 'MONTHLY') {
    const mi = a.monthIndex + k * rule.interval;
    const year = Math.floor(mi / 12);
    const month = (mi % 12) + 1;
    return monthAllowed(rule, month) ? daysOfMonth(rule, a, year, month) : [];
  }
  const year = a.start.year + k * rule.interval;
  if (rule.byMonth !== null) return rule.byMonth.flatMap((m) => daysOfMonth(rule, a, year, m));
  if (rule.byMonthDay !== null) {
    // Without BYMONTH, a YEARLY rule's BYDAY ordinals count within the year (RFC 5545 §3.3.10,
    // erratum 1913): `1MO` is the year's first Monday, which BYMONTHDAY then limits.
    const days = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].flatMap((m) =>
      monthDays(rule.byMonthDay ?? [], year, m),
    );
    if (rule.byDay === null) return days;
    const allowed = new Set(weekdaysIn(rule.byDay, daysFromCivil(year, 1, 1), daysInYear(year)));
    return days.filter((d) => allowed.has(d));
  }
  if (rule.byDay !== null) return weekdaysIn(rule.byDay, daysFromCivil(year, 1, 1), daysInYear(year));
  return a.start.day <= daysInMonth(year, a.start.month)
    ? [daysFromCivil(year, a.start.month, a.start.day)]
    : [];
}

/** Days of one month under BYMONTHDAY and BYDAY (ordinals counted within the month). */
function daysOfMonth(rule: RecurrenceRule, a: Anchor, year: number, month: number): number[] {
  const length = daysInMonth(year, month);
  const firstDay = daysFromCivil(year, month, 1);
  if (rule.byMonthDay !== null) {
    const days = monthDays(rule.byMonthDay, year, month);
    if (rule.byDay === null) return days;
    const allowed = new Set(weekdaysIn(rule.byDay, firstDay, length));
    return days.filter((d) => allowed.has(d));
  }
  if (rule.byDay !== null) return weekdaysIn(rule.byDay, firstDay, length);
  return a.start.day <= length ? [firstDay + a.start.day - 1] : [];
}

/** The days of one month that BYMONTHDAY names (negative: from the month's end), ascending. */
function monthDays(byMonthDay: readonly number[], year: number, month: number): number[] {
  const length = daysInMonth(year, month);
  const firstDay = daysFromCivil(year, month, 1);
  const dates = byMonthDay.map((d) => (d > 0 ? d : length + 1 + d)).filter((d) => d >= 1 && d <= length);
  return [...new Set(dates)].sort((x, y) => x - y).map((d) => firstDay + d - 1);
}

/** Days among `length` days from `firstDay` matching BYDAY, ordinals counted within that span. */
function weekdaysIn(byDay: readonly WeekdayRule[], firstDay: number, length: number): number[] {
  const out = new Set<number>();
  for (const { weekday, ordinal } of byDay) {
    const first = firstDay + ((weekday - weekdayOf(firstDay) + 7) % 7);
    const all: number[] = [];
    for (let day = first; day < firstDay + length; day += 7) all.push(day);
    if (ordinal === 0) for (const day of all) out.add(day);
    else {
      const day = all[ordinal > 0 ? ordinal - 1 : all.length + ordinal];
      if (day !== undefined) out.add(day);
    }
  }
  return [...out].sort((x, y) => x - y);
}

function matchesDay(rule: RecurrenceRule, day: number): boolean {
  if (rule.byDay !== null && !rule.byDay.some((d) => d.weekday === weekdayOf(day))) return false;
  if (rule.byMonth === null && rule.byMonthDay === null) return true;
  const date = civilFromDays(day);
  if (!monthAllowed(rule, date.month)) return false;
  if (rule.byMonthDay === null) return true;
  const length = daysInMonth(date.year, date.month);
  return rule.byMonthDay.some((d) => (d > 0 ? d : length + 1 + d) === date.day);
}

function monthAllowed(rule: RecurrenceRule, month: number): boolean {
  return rule.byMonth === null || rule.byMonth.includes(month);
}
