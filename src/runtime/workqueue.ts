import { realClock, type Clock, type TimerHandle } from './clock.js';
import { DelayHeap } from './delay-heap.js';
import {
  queueAdds,
  queueDepth,
  queueLatency,
  queueRetries,
  reportInFlight,
  workDuration,
} from './metrics.js';

export interface WorkQueueOptions {
  /** The `name` label of the workqueue metrics (the controller name). */
  name: string;
  clock?: Clock;
  /** Per-key exponential backoff of `addRateLimited`: first delay (default 5 ms)… */
  backoffBaseMs?: number;
  /** …doubling up to this cap (default 5 min). */
  backoffMaxMs?: number;
}

/**
 * A keyed work queue with client-go's semantics (workqueue.TypedRateLimitingInterface):
 *
 * - a key added many times before a worker takes it is processed once (the dirty set);
 * - a key is never handed to two workers at once: adding it while it is processed marks it
 *   dirty, and `done` re-queues it (the processing set);
 * - `addAfter` delays a key, and the earliest pending time wins;
 * - `addRateLimited` delays by per-key exponential backoff (`base × 2^failures`, capped) until
 *   `forget` resets it;
 * - after `shutDown`, adds are ignored and `get` still hands out what is queued, then resolves
 *   `undefined`; `shutDownWithDrain` also waits until everything queued has been processed.
 */
export class WorkQueue<K extends string = string> {
  readonly name: string;
  private readonly clock: Clock;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private items: (K | undefined)[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Map<K, number>();
  private readonly addedAt = new Map<K, number>();
  private readonly waiters: ((key: K | undefined) => void)[] = [];
  private readonly delayed = new DelayHeap<K>();
  private readonly failures = new Map<K, number>();
  private readonly drainWaiters: (() => void)[] = [];
  private timer: { handle: TimerHandle; at: number } | undefined;
  private shutting = false;
  private dispatching = false;
  private readonly unregisterMetrics: () => void;

  constructor(opts: WorkQueueOptions) {
    this.name = opts.name;
    this.clock = opts.clock ?? realClock;
    this.baseMs = opts.backoffBaseMs ?? 5;
    this.maxMs = opts.backoffMaxMs ?? 300_000;
    this.unregisterMetrics = reportInFlight({
      name: this.name,
      unfinishedWorkSeconds: () => {
        const now = this.clock.now();
        let sum = 0;
        for (const started of this.processing.values()) sum += now - started;
        return sum / 1000;
      },
      longestRunningProcessorSeconds: () => {
        const now = this.clock.now();
        let oldest = now;
        for (const started of this.processing.values()) oldest = Math.min(oldest, started);
        return (now - oldest) / 1000;
      },
    });
  }

  /** Marks `key` as needing work. */
  add(key: K): void {
    if (this.shutting || this.dirty.has(key)) return;
    queueAdds.inc({ name: this.name });
    this.dirty.add(key);
    this.addedAt.set(key, this.clock.now());
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Adds `key` after `delayMs`; if it is already waiting, the earlier time wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.shutting) return;
    if (delayMs <= 0) return this.add(key);
    if (this.delayed.schedule(key, this.clock.now() + delayMs)) this.armTimer();
  }

  /** Adds `key` after its backoff (`base × 2^failures`, capped) and counts a failure. */
  addRateLimited(key: K): void {
    if (this.shutting) return;
    queueRetries.inc({ name: this.name });
    this.addAfter(key, this.when(key));
  }

  /** The delay the next `addRateLimited(key)` would use, without counting a failure. */
  nextBackoff(key: K): number {
    return Math.min(this.maxMs, this.baseMs * 2 ** (this.failures.get(key) ?? 0));
  }

  /** Clears the failure count of `key` (after a success). */
  forget(key: K): void {
    this.failures.delete(key);
  }

  /** How many times `key` was rate-limited since the last `forget`. */
  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to work on; `undefined` once shut down and empty. Call `done(key)` after. */
  get(): Promise<K | undefined> {
    const key = this.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    if (this.shutting) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends work on `key`; if it was added meanwhile, it goes back in the queue. */
  done(key: K): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    workDuration.observe({ name: this.name }, (this.clock.now() - started) / 1000);
    if (this.dirty.has(key)) this.push(key);
    this.checkDrained();
  }

  /** Keys waiting for a worker (not counting delayed or in-flight keys). */
  len(): number {
    return this.items.length - this.head;
  }

  /** Keys being processed right now. */
  inFlight(): number {
    return this.processing.size;
  }

  /** Keys waiting for their `addAfter`/backoff delay. */
  delayedLen(): number {
    return this.delayed.size;
  }

  shuttingDown(): boolean {
    return this.shutting;
  }

  /** Stops accepting keys and drops delayed ones; workers still get what is queued. */
  shutDown(): void {
    if (this.shutting) return;
    this.shutting = true;
    this.delayed.clear();
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
    this.dispatch();
    this.unregisterMetrics();
    queueDepth.remove({ name: this.name });
    this.checkDrained();
  }

  /** `shutDown`, then resolves when everything queued or in flight has been processed. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.drained()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private when(key: K): number {
    const delay = this.nextBackoff(key);
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    return delay;
  }

  private push(key: K): void {
    this.items.push(key);
    if (!this.shutting) queueDepth.set({ name: this.name }, this.len());
    // Waiting workers get keys in a microtask, not synchronously: adds in the same tick (an
    // update handler queuing the old and the new object's key) must still find the key dirty.
    if (this.waiters.length > 0 && !this.dispatching) {
      this.dispatching = true;
      queueMicrotask(() => {
        this.dispatching = false;
        this.dispatch();
      });
    }
  }

  /** Hands queued keys to waiting workers; once shut down and empty, tells the rest to exit. */
  private dispatch(): void {
    while (this.waiters.length > 0 && this.len() > 0) {
      const key = this.shift();
      const waiter = this.waiters.shift();
      if (key !== undefined && waiter) waiter(this.take(key));
    }
    if (this.shutting && this.len() === 0) for (const wake of this.waiters.splice(0)) wake(undefined);
  }

  private shift(): K | undefined {
    if (this.head >= this.items.length) return undefined;
    const key = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    // Compact now and then so a long-lived queue doesn't grow without bound.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (!this.shutting) queueDepth.set({ name: this.name }, this.len());
    return key;
  }

  /** Bookkeeping when a worker takes `key`. */
  private take(key: K): K {
    const now = this.clock.now();
    this.dirty.delete(key);
    this.processing.set(key, now);
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) queueLatency.observe({ name: this.name }, (now - added) / 1000);
    return key;
  }

  private armTimer(): void {
    const at = this.delayed.peekTime();
    if (at === undefined || (this.timer && this.timer.at <= at)) return;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    const handle = this.clock.setTimeout(() => {
      this.timer = undefined;
      for (const key of this.delayed.popDue(this.clock.now())) this.add(key);
      this.armTimer();
    }, at - this.clock.now());
    this.timer = { handle, at };
  }

  private drained(): boolean {
    return this.len() === 0 && this.processing.size === 0;
  }

  private checkDrained(): void {
    if (this.shutting && this.drained()) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}
