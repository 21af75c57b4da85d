/**
 * Every write the simulator sends goes through one bounded pool: at most `limit` requests in
 * flight across all simulated controllers (the client's token bucket then paces them), counted
 * by what was written so benchmarks can report writes per kind.
 */
export class WritePool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Runs `fn` once a slot is free and counts one write of `what`. */
  async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Runs `fn` for every item with the pool's concurrency; rejects with the first error after all settle. */
  async each<I>(items: Iterable<I>, fn: (item: I) => Promise<void>): Promise<void> {
    const errors: unknown[] = [];
    const running = new Set<Promise<void>>();
    for (const item of items) {
      const p = fn(item).catch((err: unknown) => void errors.push(err));
      running.add(p);
      void p.finally(() => running.delete(p));
      if (running.size >= this.limit) await Promise.race(running);
    }
    await Promise.all(running);
    if (errors.length > 0) throw errors[0];
  }

  /** Writes so far, by what. */
  writes(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  inFlight(): number {
    return this.active;
  }
}

/**
 * Remembers the fingerprint of the last thing written to each object, with the resourceVersion
 * the server returned, like client-go's mutation cache: a reconcile that runs before the watch
 * has delivered our own write compares against what we wrote, not the stale cache, so no write
 * is sent twice. A newer cached object (someone else wrote after us) wins.
 */
export class WrittenCache {
  private readonly written = new Map<string, { rv: bigint; fingerprint: string }>();

  note(key: string, resourceVersion: string | undefined, fingerprint: string): void {
    const rv = toRv(resourceVersion);
    if (rv !== undefined) this.written.set(key, { rv, fingerprint });
  }

  /**
   * True when the object already holds `desired`: our own write if the cache hasn't caught up
   * with it yet, otherwise the cached object's fingerprint (computed only then).
   */
  upToDate(
    key: string,
    cachedResourceVersion: string | undefined,
    desired: string,
    cached: () => string,
  ): boolean {
    const w = this.written.get(key);
    const rv = toRv(cachedResourceVersion);
    if (w && (rv === undefined || rv < w.rv)) return w.fingerprint === desired;
    if (w) this.written.delete(key);
    return cached() === desired;
  }

  forget(key: string): void {
    this.written.delete(key);
  }
}

function toRv(rv: string | undefined): bigint | undefined {
  if (!rv || !/^\d+$/.test(rv)) return undefined;
  return BigInt(rv);
}
