/**
 * Our RRULE expansion against a maintained RFC 5545 implementation, python-dateutil, over
 * thousands of generated rules in zones with daylight-saving changes (including a 30-minute one
 * and a 45-minute offset), DTSTARTs in and around the gaps, ranges from the start and ranges years
 * later (where our expansion jumps ahead instead of walking). The reference script is
 * `test/harness/rrule-oracle.py`; `hack/ensure-deps.sh debian` installs python3-dateutil.
 *
 * We keep our own expansion (rather than adopting rrule.js, whose time-zone handling works on the
 * host's zone, or dateutil, which is Python) and prove it here. Seeded: a failure prints the seed
 * and the case, and RRULE_SEED=<seed> replays it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { parseLocalDateTime } from '../../../src/rollout/civil-time.js';
import { firstOccurrence, occurrencesBetween } from '../../../src/rollout/recurrence.js';
import { parseRecurrenceRule } from '../../../src/rollout/rrule.js';
import { ianaZone } from '../../../src/rollout/zone-time.js';
import type { Recurrence } from '../../../src/rollout/recurrence.js';
import { seededRandom } from '../../harness/seeded-random.js';

const ORACLE = fileURLToPath(new URL('../../harness/rrule-oracle.py', import.meta.url));
const CASES = 3000;
/** dateutil's time per rule: a rule that never occurs makes it walk to year 9999. */
const BUDGET_S = 0.05;
const NEVER = 'the rule does not occur within 30 years';
const DAY = 86_400_000;

interface Case {
  rule: string;
  until: { kind: 'instant' | 'wall'; iso: string } | null;
  dtstart: string;
  zone: string;
  fromOffsetMs: number;
  spanMs: number;
  max: number;
}
type Answer = { dtstart: string; from: number; to: number; occurrences: number[] } | { error: string };

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe', // 30-minute daylight-saving shift
  'Pacific/Chatham', // +12:45 / +13:45
  'America/Santiago', // southern hemisphere, changes at midnight
  'Asia/Kolkata',
];
const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function generate(r: () => number): Case {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const some = <T>(n: number, make: () => T): T[] => [...new Set(Array.from({ length: n }, make))];
  const pad = (n: number) => String(n).padStart(2, '0');

  const freq = pick(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY', 'YEARLY'] as const);
  const parts = [`FREQ=${freq}`];
  if (r() < 0.35) parts.push(`INTERVAL=${int(2, 4)}`);
  const byMonth = r() < (freq === 'YEARLY' ? 0.5 : 0.2);
  if (byMonth) parts.push(`BYMONTH=${some(int(1, 3), () => int(1, 12)).join(',')}`);
  let byOther = byMonth;
  if (freq !== 'WEEKLY' && r() < 0.35) {
    const day = () => (r() < 0.1 && !byMonth ? int(29, 31) : int(1, 28)) * (r() < 0.3 ? -1 : 1);
    parts.push(`BYMONTHDAY=${some(int(1, 3), day).join(',')}`);
    byOther = true;
  }
  if (r() < 0.45) {
    const ordinals = (freq === 'MONTHLY' || freq === 'YEARLY') && r() < 0.5;
    const ordinal = () => {
      if (!ordinals) return '';
      const n = freq === 'YEARLY' && !byMonth && r() < 0.3 ? int(1, 52) : int(1, 5);
      return String(r() < 0.3 ? -n : n);
    };
    parts.push(`BYDAY=${some(int(1, 3), () => `${ordinal()}${pick(DAYS)}`).join(',')}`);
    byOther = true;
  }
  if (r() < 0.3) {
    parts.push(`BYHOUR=${some(int(1, 3), () => (r() < 0.5 ? int(0, 3) : int(0, 23))).join(',')}`);
    byOther = true;
  }
  if (r() < 0.2) {
    parts.push(`BYMINUTE=${some(int(1, 2), () => pick([0, 15, 30, 45])).join(',')}`);
    byOther = true;
  }
  if (byOther && r() < 0.15)
    parts.push(`BYSETPOS=${some(int(1, 2), () => int(1, 3) * (r() < 0.4 ? -1 : 1)).join(',')}`);
  if (r() < 0.2) parts.push(`WKST=${pick(DAYS)}`);

  const year = int(2019, 2027);
  const dtstart = `${year}-${pad(int(1, 12))}-${pad(int(1, 28))}T${pad(r() < 0.5 ? int(0, 3) : int(0, 23))}:${pad(pick([0, 0, 15, 30, 45]))}:00`;
  let until: Case['until'] = null;
  // dateutil starts a WEEKLY rule's first period at DTSTART rather than at the week's start (WKST),
  // so BYSETPOS counts positions in a truncated first week there (RFC 5545 counts the whole week,
  // as we do). The two agree from the second week on: such rules are compared from then, without COUNT.
  const weeklySetPos = freq === 'WEEKLY' && parts.some((p) => p.startsWith('BYSETPOS='));
  if (r() < 0.25 && !weeklySetPos) parts.push(`COUNT=${int(1, 30)}`);
  else if (r() < 0.2) {
    const iso = `${year + int(0, 4)}-${pad(int(1, 12))}-${pad(int(1, 28))}T${pad(int(0, 23))}:${pad(pick([0, 30]))}:00`;
    until = r() < 0.5 ? { kind: 'instant', iso: `${iso}Z` } : { kind: 'wall', iso };
  }
  // Half the ranges start at DTSTART; the others years later, where our expansion jumps ahead.
  const later = r() < 0.5 || weeklySetPos;
  return {
    rule: parts.join(';'),
    until,
    dtstart,
    zone: pick(ZONES),
    fromOffsetMs: later ? int(400, 4000) * DAY + int(0, 23) * 3_600_000 : -DAY,
    spanMs: later ? int(7, 120) * DAY : int(30, 1100) * DAY,
    max: 40,
  };
}

/** UNTIL as RRULE text: `20270115T093000Z` or `20270115T093000`. */
function untilPart(until: NonNullable<Case['until']>): string {
  return `;UNTIL=${until.iso.replace(/[-:]/g, '')}`;
}

function recurrence(c: Case, dtstart: string): Recurrence {
  const parsed = parseRecurrenceRule(c.rule + (c.until ? untilPart(c.until) : ''));
  if ('error' in parsed) throw new Error(`our parser refused ${c.rule}: ${parsed.error}`);
  const zone = ianaZone(c.zone);
  const start = parseLocalDateTime(dtstart);
  if (!zone || !start) throw new Error(`bad zone or dtstart ${c.zone} ${dtstart}`);
  return { rule: parsed.rule, zone, startWall: start.wall };
}

/**
 * A Python with dateutil: `python3` on PATH (pyenv or Debian), else Debian's own interpreter, where
 * `hack/ensure-deps.sh debian` installs python3-dateutil when no Python has it.
 */
function python(): string {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (spawnSync(candidate, ['-c', 'import dateutil'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error('no python3 with dateutil: run hack/ensure-deps.sh debian (installs python3-dateutil)');
}

function oracle(cases: Case[]): Answer[] {
  const run = spawnSync(python(), [ORACLE, String(BUDGET_S)], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (run.status !== 0)
    throw new Error(`rrule oracle failed (is python3-dateutil installed?): ${run.stderr}`);
  return JSON.parse(run.stdout) as Answer[];
}

describe('RRULE expansion against python-dateutil', () => {
  it(`agrees on ${CASES} generated rules, zones with DST and ranges years after DTSTART`, () => {
    const seed = Number(process.env.RRULE_SEED ?? 20261204);
    const r = seededRandom(seed);
    const cases = Array.from({ length: CASES }, () => generate(r));
    const started = Date.now();
    const answers = oracle(cases);
    const oracleMs = Date.now() - started;

    const mismatches: string[] = [];
    let compared = 0;
    let never = 0;
    let occurrences = 0;
    cases.forEach((c, i) => {
      const answer = answers[i];
      if (answer && 'error' in answer && answer.error === NEVER) {
        // dateutil walked to year 9999 without an occurrence: we must not find one in 30 years.
        never++;
        const first = firstOccurrence(recurrence(c, c.dtstart), 30);
        if (first !== null && mismatches.length < 5)
          mismatches.push(
            JSON.stringify({ seed, case: i, ...c, ours: new Date(first).toISOString(), dateutil: NEVER }),
          );
        return;
      }
      if (!answer || 'error' in answer) return;
      compared++;
      const got = occurrencesBetween(recurrence(c, answer.dtstart), answer.from, answer.to).slice(0, c.max);
      occurrences += answer.occurrences.length;
      const iso = (xs: number[]) => xs.map((t) => new Date(t).toISOString());
      if (JSON.stringify(got) !== JSON.stringify(answer.occurrences) && mismatches.length < 5)
        mismatches.push(
          JSON.stringify({
            seed,
            case: i,
            ...c,
            dtstart: answer.dtstart,
            ours: iso(got),
            dateutil: iso(answer.occurrences),
          }),
        );
    });

    process.stdout.write(
      `rrule differential: seed ${seed}, ${compared} rules compared, ${never} that never occur, ${occurrences} instants, dateutil ${oracleMs} ms, ours ${Date.now() - started - oracleMs} ms\n`,
    );
    expect(mismatches).toEqual([]);
    // The generator must exercise the comparison: most rules occur, and they produce many instants.
    expect(compared).toBeGreaterThan(CASES * 0.9);
    expect(occurrences).toBeGreaterThan(CASES * 5);
  });
});
