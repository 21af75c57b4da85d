/**
 * Go `time.Duration` text, parsed as `time.ParseDuration` accepts it. Durations are held as
 * milliseconds (fractions allowed), the unit of every clock value in the planner. (Printing them
 * as Go does is only the OCM oracle's need: test/oracle/ocm/go-text.ts.)
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const COMPONENT = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses an unsigned Go duration (`90s`, `1h30m`, `1.5ms`, or `0`) into milliseconds. Returns
 * `null` when the text is not a Go duration; a sign is refused because no duration here may be
 * negative.
 */
export function parseGoDuration(text: string): number | null {
  if (text === '0') return 0;
  if (text.length === 0) return null;
  let total = 0;
  COMPONENT.lastIndex = 0;
  while (COMPONENT.lastIndex < text.length) {
    const match = COMPONENT.exec(text);
    if (match === null) return null;
    const [, amount = '', unit = ''] = match;
    const scale = UNIT_MS[unit];
    if (scale === undefined) return null;
    total += Number(amount) * scale;
  }
  return Number.isFinite(total) ? total : null;
}
