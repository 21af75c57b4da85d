/**
 * Counts given as a number or a percentage (`maxConcurrency`, `maxFailures`, budgets) and how they
 * turn into a number of clusters.
 */

/** A parsed int-or-percent value. */
export type RolloutSize = { kind: 'count'; count: number } | { kind: 'percent'; percent: number };

const PERCENT = /^(\d+)%$/;
const DIGITS = /^\d+$/;

/**
 * Parses a count or a percentage. Refuses negative or fractional numbers and percentages over
 * 100%; returns a sentence saying why, for the caller to prefix with the field path.
 */
export function parseRolloutSize(value: number | string): RolloutSize | { error: string } {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      return { error: `must be a non-negative integer or a percentage, got ${JSON.stringify(value)}` };
    }
    return { kind: 'count', count: value };
  }
  const percent = PERCENT.exec(value);
  if (percent !== null) {
    const n = Number(percent[1]);
    if (n > 100) return { error: `percentage must be from 0% to 100%, got ${JSON.stringify(value)}` };
    return { kind: 'percent', percent: n };
  }
  if (DIGITS.test(value)) return { kind: 'count', count: Number(value) };
  return { error: `must be a non-negative integer or a percentage, got ${JSON.stringify(value)}` };
}

/**
 * Concurrency as OCM's handler sizes it: a percentage is rounded up; zero, or more than `total`,
 * means all `total` clusters. Percentages use exact integer arithmetic.
 */
export function resolveConcurrency(size: RolloutSize, total: number): number {
  const n = size.kind === 'count' ? size.count : Math.ceil((size.percent * total) / 100);
  return n <= 0 || n > total ? total : n;
}

/**
 * A failure budget out of `total` clusters: a percentage is rounded up, and a count larger than
 * `total` is capped at `total` (OCM falls back to zero there, which turns a generous budget into
 * none; the planner does not copy that).
 */
export function resolveBudget(size: RolloutSize, total: number): number {
  const n = size.kind === 'count' ? size.count : Math.ceil((size.percent * total) / 100);
  return Math.min(n, total);
}
