/**
 * Polls `fn` until it returns without throwing (and, for booleans, returns true), like Gomega's
 * Eventually. The last error is rethrown on timeout so a failing test says what it waited for;
 * `explain` adds what else the log should show then (e.g. the state of the world it waited on).
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  {
    timeout = 20_000,
    interval = 250,
    message = 'condition',
    explain,
  }: { timeout?: number; interval?: number; message?: string; explain?: () => Promise<string> } = {},
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeout;
  let last: unknown = new Error(`${message}: never evaluated`);
  for (;;) {
    try {
      const value = await fn();
      if (value !== false) return value as Exclude<T, false>;
      last = new Error(`${message}: still false`);
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const reason = last instanceof Error ? last.message : String(last);
      const state = explain
        ? `\n${await explain().catch((e: unknown) => `(no explanation: ${String(e)})`)}`
        : '';
      throw new Error(`timed out after ${timeout}ms waiting for ${message}: ${reason}${state}`);
    }
    await sleep(interval);
  }
}

/**
 * Asserts that `fn` keeps holding for `duration` ms (Gomega's Consistently).
 */
export async function consistently(
  fn: () => boolean | Promise<boolean>,
  {
    duration = 2_000,
    interval = 200,
    message = 'condition',
  }: { duration?: number; interval?: number; message?: string } = {},
): Promise<void> {
  const until = Date.now() + duration;
  while (Date.now() < until) {
    if (!(await fn())) throw new Error(`${message}: stopped holding`);
    await sleep(interval);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
