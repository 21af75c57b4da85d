/**
 * Time as the runtime sees it. Everything that waits or measures (work queue, rate limiters,
 * leader election) takes a Clock so unit tests can drive time by hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `ms` milliseconds; the handle cancels it. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** An opaque timer handle. */
export type TimerHandle = object | number;

/** The wall clock. Timers are unref'd: a pending delay never keeps the process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/**
 * Resolves after `ms` on `clock`, or early (without rejecting) when `signal` aborts, so loops can
 * check `signal.aborted` right after waking.
 */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = realClock): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clock.clearTimeout(timer);
      resolve();
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `base` plus up to `factor × base` of random jitter, like client-go's `wait.Jitter`. */
export function jitter(base: number, factor: number, random: () => number = Math.random): number {
  return base + random() * factor * base;
}

/**
 * Exponential backoff with full jitter for reconnect loops: attempt 0 waits about `initialMs`,
 * each later attempt doubles up to `maxMs`.
 */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
