/**
 * Compiles maintenance windows and exclusions: time zones looked up, RRULEs parsed and anchored at
 * their DTSTART, exclusions turned into instants, selectors compiled once (deduplicated, so that
 * clusters can be classed by which selectors they match). Refuses a window shorter than the time a
 * start needs (its minimumOpen, else the progress deadline) and a rule that never occurs.
 */
import { parseLocalDateTime } from './civil-time.js';
import type { CompiledExclusion, CompiledPolicy, CompiledScope, CompiledWindow } from './compiled-policy.js';
import { compileLabelSelector } from './label-selector.js';
import { firstOccurrence, type Recurrence } from './recurrence.js';
import { parseRecurrenceRule } from './rrule.js';
import type { RolloutPolicy, ScheduleScope } from '../api/rollout-policy.js';
import { duplicates, duration, type Fail } from './spec-error.js';
import { ianaZone, wallToInstant } from './zone-time.js';

const MAX_SELECTORS = 30;

/** The schedule part of compiled settings. */
export type CompiledSchedule = Pick<
  CompiledPolicy,
  'windows' | 'exclusions' | 'selectors' | 'scopesUseGroups'
>;

/** Compiles windows and exclusions; `deadlineMs` is the strategy's deadline (`null`: None). */
export function compileSchedule(
  policy: RolloutPolicy,
  deadlineMs: number | null,
  deadlineText: string,
  fail: Fail,
): CompiledSchedule {
  const selectorKeys: string[] = [];
  const selectors: CompiledPolicy['selectors'] = [];
  const scopeOf = (scope: ScheduleScope | undefined, path: string): CompiledScope => {
    let selector = -1;
    if (scope?.clusterSelector !== undefined) {
      const key = JSON.stringify(scope.clusterSelector);
      selector = selectorKeys.indexOf(key);
      if (selector < 0) {
        selector = selectorKeys.push(key) - 1;
        selectors.push(compileLabelSelector(scope.clusterSelector));
      }
      if (selector >= MAX_SELECTORS)
        fail(
          `${path}.clusterSelector`,
          scope.clusterSelector,
          `more than ${MAX_SELECTORS} distinct selectors`,
        );
      scope.clusterSelector.matchExpressions?.forEach((e, j) => {
        const needsValues = e.operator === 'In' || e.operator === 'NotIn';
        if (needsValues !== (e.values !== undefined && e.values.length > 0)) {
          fail(
            `${path}.clusterSelector.matchExpressions[${j}].values`,
            e.values,
            `${e.operator} ${needsValues ? 'needs values' : 'takes no values'}`,
          );
        }
      });
    }
    return { groups: scope?.groups === undefined ? null : new Set(scope.groups), selector };
  };

  const windows: CompiledWindow[] = [];
  policy.maintenanceWindows.forEach((w, i) => {
    const at = `maintenanceWindows[${i}]`;
    const zone = ianaZone(w.timeZone);
    if (zone === null) fail(`${at}.timeZone`, w.timeZone, `unknown time zone ${JSON.stringify(w.timeZone)}`);
    const rule = parseRecurrenceRule(w.recurrence);
    if ('error' in rule)
      fail(`${at}.recurrence`, w.recurrence, `${rule.error} in ${JSON.stringify(w.recurrence)}`);
    const start = parseLocalDateTime(w.start);
    if (start === null)
      fail(`${at}.start`, w.start, `not a valid local date-time: ${JSON.stringify(w.start)}`);
    const durationMs = duration(w.duration, `${at}.duration`, fail);
    if (durationMs === 0)
      fail(`${at}.duration`, w.duration, `must be longer than 0s, got ${JSON.stringify(w.duration)}`);
    const minimumOpen =
      w.minimumOpen === undefined ? null : duration(w.minimumOpen, `${at}.minimumOpen`, fail);
    if (minimumOpen !== null && minimumOpen > durationMs) {
      fail(
        `${at}.minimumOpen`,
        w.minimumOpen,
        `${JSON.stringify(w.minimumOpen)} is longer than the window's duration ${JSON.stringify(w.duration)}`,
      );
    }
    const deadline = deadlineMs;
    if (minimumOpen === null && deadline !== null && deadline > durationMs) {
      fail(
        `${at}.duration`,
        w.duration,
        `window of ${JSON.stringify(w.duration)} is shorter than the progress deadline ${JSON.stringify(deadlineText)}; lengthen it or set minimumOpen`,
      );
    }
    const scope = scopeOf(w.scope, `${at}.scope`);
    if (zone === null || 'error' in rule || start === null) return;
    const recurrence: Recurrence = { rule: rule.rule, zone, startWall: start.wall };
    if (firstOccurrence(recurrence) === null) {
      fail(`${at}.recurrence`, w.recurrence, `${JSON.stringify(w.recurrence)} never occurs from ${w.start}`);
    }
    windows.push({ name: w.name, recurrence, durationMs, requiredMs: minimumOpen ?? deadline ?? 0, scope });
  });
  duplicates(
    policy.maintenanceWindows.map((w) => w.name),
    'maintenanceWindows',
    'name',
    fail,
  );

  const exclusions: CompiledExclusion[] = [];
  policy.maintenanceExclusions.forEach((x, i) => {
    const at = `maintenanceExclusions[${i}]`;
    const zone = ianaZone(x.timeZone);
    if (zone === null) fail(`${at}.timeZone`, x.timeZone, `unknown time zone ${JSON.stringify(x.timeZone)}`);
    const start = parseLocalDateTime(x.start);
    const end = parseLocalDateTime(x.end);
    if (start === null)
      fail(`${at}.start`, x.start, `not a valid local date or date-time: ${JSON.stringify(x.start)}`);
    if (end === null)
      fail(`${at}.end`, x.end, `not a valid local date or date-time: ${JSON.stringify(x.end)}`);
    const scope = scopeOf(x.scope, `${at}.scope`);
    if (zone === null || start === null || end === null) return;
    // A date as end means the whole of that day.
    const startMs = wallToInstant(zone, start.wall);
    const endMs = wallToInstant(zone, end.dateOnly ? end.wall + 86_400_000 : end.wall);
    if (endMs <= startMs)
      fail(
        `${at}.end`,
        x.end,
        `must be after start ${JSON.stringify(x.start)}, got ${JSON.stringify(x.end)}`,
      );
    exclusions.push({ name: x.name, start: startMs, end: endMs, scope });
  });
  duplicates(
    policy.maintenanceExclusions.map((x) => x.name),
    'maintenanceExclusions',
    'name',
    fail,
  );
  const scopesUseGroups = [...windows, ...exclusions].some((w) => w.scope.groups !== null);
  return { windows, exclusions, selectors, scopesUseGroups };
}
