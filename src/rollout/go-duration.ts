/**
 * Go `time.Duration` text, both ways: parsing what `time.ParseDuration` accepts and printing what
 * `Duration.String()` prints. Durations are held as milliseconds (fractions allowed), the unit of
 * every clock value in the planner.
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

/** Prints milliseconds the way Go's `Duration.String()` does: `1m0s`, `1h30m0s`, `1.5s`, `250ms`. */
export function formatGoDuration(ms: number): string {
  const negative = ms < 0;
  const abs = Math.abs(ms);
  const wholeMs = Math.floor(abs);
  const ns = BigInt(wholeMs) * 1_000_000n + BigInt(Math.round((abs - wholeMs) * 1e6));
  const text = formatNanoseconds(ns);
  return negative && ns !== 0n ? `-${text}` : text;
}

function formatNanoseconds(ns: bigint): string {
  if (ns === 0n) return '0s';
  if (ns < 1_000n) return `${ns}ns`;
  if (ns < 1_000_000n) return `${fixed(ns, 3)}µs`;
  if (ns < 1_000_000_000n) return `${fixed(ns, 6)}ms`;
  const hours = ns / 3_600_000_000_000n;
  const minutes = (ns / 60_000_000_000n) % 60n;
  const seconds = fixed(ns % 60_000_000_000n, 9);
  if (hours > 0n) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** `value / 10^digits` with the fraction's trailing zeros dropped, as Go prints it. */
function fixed(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = value / scale;
  const fraction = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return fraction === '' ? `${whole}` : `${whole}.${fraction}`;
}
