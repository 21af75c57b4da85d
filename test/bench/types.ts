/** One measured figure of a benchmark, with its target where the issue sets one. */
export interface BenchResult {
  /** Stable identifier, e.g. `planner.step.200000.median`. */
  name: string;
  value: number;
  /** Unit appended to the value when printed: `ms`, ` MB`, ` writes`, … */
  unit: string;
  target?: { op: '<=' | '>='; value: number };
  /** Whether the value meets the target (absent without a target). */
  pass?: boolean;
  /** Anything else worth keeping in the JSON output (samples, sizes). */
  detail?: Record<string, unknown>;
}

export interface BenchOptions {
  log: (line: string) => void;
}

export interface BenchModule {
  run(options: BenchOptions): Promise<BenchResult[]>;
}

/** Builds a result and fills in `pass` from the target. */
export function figure(
  name: string,
  value: number,
  unit: string,
  target?: BenchResult['target'],
  detail?: Record<string, unknown>,
): BenchResult {
  const pass =
    target === undefined ? undefined : target.op === '<=' ? value <= target.value : value >= target.value;
  return { name, value, unit, target, pass, detail };
}

/** Median of a non-empty list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const lo = sorted[mid - 1] ?? 0;
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 0 ? (lo + hi) / 2 : hi;
}
