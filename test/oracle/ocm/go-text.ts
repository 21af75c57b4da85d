/**
 * The text forms OCM's Go code prints and reads that only this oracle needs: a Go
 * `Duration.String()` and a strict RFC 3339 parse (a date that does not exist is refused rather
 * than rolled over). The operator itself only parses Go durations and prints RFC 3339
 * (src/rollout/go-duration.ts, rfc3339.ts).
 */
import { daysInMonth } from '../../../src/rollout/rfc3339.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of an RFC 3339 timestamp, or `null` when the text is not one. */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, fraction, zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const fractionMs = fraction === undefined ? 0 : Number(`0${fraction}`) * 1000;
  return Date.UTC(year, month - 1, day, hour, minute, second) + fractionMs - offsetMinutes * 60_000;
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
