/**
 * When clusters may start: maintenance windows and exclusions evaluated at one instant. Clusters
 * fall into classes (their group name, if any scope names groups, and which selectors match their
 * labels); each class is evaluated once per planning step, however many clusters share it.
 *
 * A cluster may start at `now` if some window in its scope is open at `now` and stays open (minus
 * exclusions) for the window's required time; with no window in scope, if no exclusion starts
 * before the required time (the progress deadline) has passed.
 */
import type { Labels } from './label-selector.js';
import { occurrencesBetween } from './recurrence.js';
import type { CompiledExclusion, CompiledPolicy, CompiledScope, CompiledWindow } from './compiled-policy.js';

/** Whether a class of clusters may start now, and if not, when it next may. */
export interface ScheduleVerdict {
  open: boolean;
  /** Next instant a start becomes possible; `null` when open, or when no opening is found. */
  opensAt: number | null;
  /** Names of the windows (or, with none, exclusions) that decided. */
  names: string[];
}

/** Per-step evaluator of windows and exclusions. */
export interface Schedule {
  /** True when there is neither window nor exclusion: everything may start at any time. */
  unrestricted: boolean;
  /** Whether scopes depend on labels (else `maskOf` is always 0). */
  usesLabels: boolean;
  /** Bit i set when the cluster's labels match selector i. */
  maskOf(labels: Labels | undefined): number;
  verdict(groupName: string, mask: number): ScheduleVerdict;
}

const DAY = 86_400_000;
const HORIZONS = [8 * DAY, 400 * DAY, 3660 * DAY];

interface Piece {
  start: number;
  end: number;
  required: number;
  name: string;
}

/** Builds the evaluator for `now`. Verdicts are memoised per class for this step only. */
export function evaluateSchedule(policy: CompiledPolicy, now: number): Schedule {
  const { windows, exclusions, selectors } = policy;
  const defaultRequired = policy.strategy.progressDeadlineMs ?? 0;
  const intervals = new Map<string, Piece[]>();
  // Verdicts by selector mask, per group name when scopes name groups (no string keys per cluster).
  const byMask: (ScheduleVerdict | undefined)[] = [];
  const byGroup = new Map<string, (ScheduleVerdict | undefined)[]>();

  const windowIntervals = (w: CompiledWindow, horizon: number): Piece[] => {
    const key = `${w.name}\u0000${horizon}`;
    let list = intervals.get(key);
    if (list === undefined) {
      list = occurrencesBetween(w.recurrence, now - w.durationMs, now + horizon).map((t) => ({
        start: t,
        end: t + w.durationMs,
        required: w.requiredMs,
        name: w.name,
      }));
      intervals.set(key, list);
    }
    return list;
  };

  const decide = (groupName: string, mask: number): ScheduleVerdict => {
    const inScope = (s: CompiledScope) =>
      (s.groups === null || s.groups.has(groupName)) && (s.selector < 0 || (mask & (1 << s.selector)) !== 0);
    const ws = windows.filter((w) => inScope(w.scope));
    const xs = mergeExclusions(exclusions.filter((x) => inScope(x.scope)));
    if (ws.length === 0) {
      const always = [{ start: -Infinity, end: Infinity, required: defaultRequired, name: '' }];
      return judge(
        always,
        xs,
        now,
        xs.map((x) => x.name),
      );
    }
    let verdict: ScheduleVerdict = { open: false, opensAt: null, names: ws.map((w) => w.name) };
    for (const horizon of HORIZONS) {
      verdict = judge(
        ws.flatMap((w) => windowIntervals(w, horizon)),
        xs,
        now,
        ws.map((w) => w.name),
      );
      if (verdict.open || verdict.opensAt !== null) break;
    }
    return verdict;
  };

  return {
    unrestricted: windows.length === 0 && exclusions.length === 0,
    usesLabels: selectors.length > 0,
    maskOf(labels) {
      let mask = 0;
      for (let i = 0; i < selectors.length; i++) if (selectors[i]?.(labels)) mask |= 1 << i;
      return mask;
    },
    verdict(groupName, mask) {
      let cache = byMask;
      if (policy.scopesUseGroups) {
        cache = byGroup.get(groupName) ?? [];
        if (cache.length === 0) byGroup.set(groupName, cache);
      }
      let v = cache[mask];
      if (v === undefined) {
        v = decide(groupName, mask);
        cache[mask] = v;
      }
      return v;
    },
  };
}

function judge(
  pieces: readonly Piece[],
  xs: readonly CompiledExclusion[],
  now: number,
  names: string[],
): ScheduleVerdict {
  let opensAt: number | null = null;
  for (const interval of pieces) {
    for (const p of subtract(interval, xs)) {
      if (p.start <= now && now < p.end && p.end - now >= p.required)
        return { open: true, opensAt: null, names };
      if (p.start > now && p.end - p.start >= p.required && (opensAt === null || p.start < opensAt))
        opensAt = p.start;
    }
  }
  return { open: false, opensAt, names };
}

/** The parts of an interval outside the (sorted, merged) exclusions. */
function subtract(p: Piece, xs: readonly CompiledExclusion[]): Piece[] {
  const out: Piece[] = [];
  let start = p.start;
  for (const x of xs) {
    if (x.end <= start || x.start >= p.end) continue;
    if (x.start > start) out.push({ ...p, start, end: x.start });
    start = Math.max(start, x.end);
    if (start >= p.end) return out;
  }
  out.push({ ...p, start });
  return out;
}

function mergeExclusions(xs: readonly CompiledExclusion[]): CompiledExclusion[] {
  const sorted = [...xs].sort((a, b) => a.start - b.start);
  const out: CompiledExclusion[] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && x.start <= last.end)
      out[out.length - 1] = { ...last, end: Math.max(last.end, x.end) };
    else out.push(x);
  }
  return out;
}
