/**
 * RFC 3339 timestamps as Kubernetes writes them (`2022-01-01T00:00:00Z`), from epoch milliseconds.
 * (Parsing them is only the OCM oracle's need: test/oracle/ocm/go-text.ts.)
 */

/**
 * Formats epoch milliseconds in UTC: whole seconds as Kubernetes does (`…:05Z`), with milliseconds
 * only when there are some (`…:05.250Z`).
 */
export function formatRfc3339(ms: number): string {
  const whole = Math.floor(ms);
  const days = Math.floor(whole / 86_400_000);
  const inDay = whole - days * 86_400_000;
  // Civil date from a day count (H. Hinnant's algorithm), cheaper than a Date per call.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = era * 400 + yoe + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return new Date(whole).toISOString();
  const millis = inDay % 1000;
  const time = `${pad(Math.floor(inDay / 3_600_000), 2)}:${pad(Math.floor(inDay / 60_000) % 60, 2)}:${pad(Math.floor(inDay / 1000) % 60, 2)}`;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${time}${millis === 0 ? '' : `.${pad(millis, 3)}`}Z`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Days in a month of the proleptic Gregorian calendar (`month` from 1 to 12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
