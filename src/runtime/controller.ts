import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { sleep, type Clock } from './clock.js';
import { errorSummary, isConflict } from './client/errors.js';
import { objectKey, splitKey, type KubeObject } from './client/types.js';
import type { Informer } from './informer.js';
import { silentLogger, type Logger } from './logger.js';
import {
  activeWorkers,
  maxConcurrentReconciles,
  reconcileErrors,
  reconcileTime,
  reconcileTotal,
  terminalReconcileErrors,
} from './metrics.js';
import { isTerminal, type ReconcileResult, type Reconciler } from './reconcile.js';
import { WorkQueue } from './workqueue.js';

export interface ControllerOptions {
  /** Unique per process; the `controller` label of metrics and logs. */
  name: string;
  reconcile: Reconciler;
  /** Concurrent reconciles (default 1). One key is never reconciled by two workers at once. */
  workers?: number;
  logger?: Logger;
  clock?: Clock;
  /** Per-key backoff on errors: first delay (default 5 ms) doubling up to the cap (default 5 min). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** Maps an object that changed to the keys to reconcile (`namespace/name` or `name`). */
export type MapFunc<T> = (obj: T) => string[];

export interface WatchOptions<T> {
  /**
   * How long a key waits for more events from this informer before it is reconciled (default
   * 0: at once). The earliest pending time wins, so a burst of events costs one reconcile.
   * `change.old` is the object before an update.
   */
  settleMs?: (key: string, change: { obj: T; old?: T }) => number;
}

interface Source {
  waitForSync(signal: AbortSignal): Promise<boolean>;
  enqueueAll(): void;
}

/**
 * A controller in controller-runtime's shape: informers feed keys into a work queue, workers
 * reconcile them. An error requeues the key with per-key exponential backoff (a 409 Conflict
 * quietly, at debug level); a `TerminalError` is logged once and not retried; success forgets
 * the backoff, and `requeueAfter` schedules the next look.
 */
export class Controller {
  readonly name: string;
  readonly workers: number;
  readonly queue: WorkQueue;
  private readonly log: Logger;
  private readonly sources: Source[] = [];
  private readonly hardStop = new AbortController();
  private started = false;
  private running: Promise<void> | undefined;

  constructor(private readonly opts: ControllerOptions) {
    this.name = opts.name;
    this.workers = Math.max(1, opts.workers ?? 1);
    this.queue = new WorkQueue({
      name: opts.name,
      clock: opts.clock,
      backoffBaseMs: opts.backoffBaseMs,
      backoffMaxMs: opts.backoffMaxMs,
    });
    this.log = (opts.logger ?? silentLogger).child({ controller: opts.name });
  }

  /**
   * Reconciles keys derived from `informer`'s objects: by default the object's own key, or
   * whatever `map` returns (e.g. the owner's key). On update, keys of the old and the new
   * object are both queued, so an object that stops matching is seen once more.
   */
  watch<T extends KubeObject>(
    informer: Informer<T>,
    map: MapFunc<T> = (o) => [objectKey(o)],
    opts: WatchOptions<T> = {},
  ): this {
    const enqueue = (obj: T, change: { obj: T; old?: T } = { obj }) => {
      if (!this.started) return;
      for (const key of safeMap(map, obj, this.log)) {
        const settle = opts.settleMs?.(key, change) ?? 0;
        if (settle > 0) this.queue.addAfter(key, settle);
        else this.queue.add(key);
      }
    };
    informer.addHandler({
      add: (obj) => enqueue(obj),
      update: (oldObj, newObj) => {
        enqueue(oldObj, { obj: newObj, old: oldObj });
        enqueue(newObj, { obj: newObj, old: oldObj });
      },
      delete: (obj) => enqueue(obj),
    });
    this.sources.push({
      waitForSync: (signal) => informer.waitForSync(signal),
      enqueueAll: () => informer.list().forEach((obj) => enqueue(obj)),
    });
    return this;
  }

  /** Queues a key directly (for sources other than informers). */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /**
   * Waits for the watched informers to sync, queues every object they hold (so nothing that
   * changed while this controller wasn't running is missed), then runs the workers until
   * `stop`. `signal` aborting is a stop without drain (lost leadership). Resolves when the
   * workers have exited.
   */
  start(signal?: AbortSignal): Promise<void> {
    if (!this.running) {
      signal?.addEventListener('abort', () => void this.stop({ drain: false, timeoutMs: 5_000 }), {
        once: true,
      });
      this.running = this.run(signal);
    }
    return this.running;
  }

  /**
   * Stops the workers. With `drain` (graceful shutdown), queued keys are still reconciled until
   * `timeoutMs`; without it (lost leadership), in-flight reconciles see their signal abort and
   * nothing else starts.
   */
  async stop({
    drain = true,
    timeoutMs = 30_000,
  }: { drain?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (!this.running) return this.queue.shutDown();
    if (!drain) this.hardStop.abort();
    const drained = this.queue.shutDownWithDrain();
    const deadline = new AbortController();
    const timedOut = await Promise.race([
      drained.then(() => false),
      sleep(timeoutMs, deadline.signal).then(() => true),
    ]);
    deadline.abort();
    if (timedOut) {
      this.log.warn(
        { timeoutMs, queued: this.queue.len(), inFlight: this.queue.inFlight() },
        'drain deadline passed',
      );
    }
    // Drained (nothing in flight) or out of time: either way nothing may run any more. This also
    // ends a start() still waiting for an informer whose kind isn't served.
    this.hardStop.abort();
    const grace = new AbortController();
    await Promise.race([this.running, sleep(5_000, grace.signal)]);
    grace.abort();
  }

  private async run(signal?: AbortSignal): Promise<void> {
    this.started = true;
    const stopped = signal ? AbortSignal.any([signal, this.hardStop.signal]) : this.hardStop.signal;
    // Every request of every reconcile listens on this signal (through AbortSignal.any): dozens
    // at once is normal, not a leak.
    setMaxListeners(0, stopped);
    this.log.info({ workers: this.workers }, 'starting controller');
    const synced = await Promise.all(this.sources.map((s) => s.waitForSync(stopped)));
    if (!synced.every(Boolean)) return;
    for (const s of this.sources) s.enqueueAll();
    maxConcurrentReconciles.set({ controller: this.name }, this.workers);
    activeWorkers.set({ controller: this.name }, 0);
    this.log.info({ workers: this.workers }, 'starting workers');
    await Promise.all(Array.from({ length: this.workers }, () => this.worker()));
    this.log.info('workers stopped');
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      if (this.hardStop.signal.aborted) {
        this.queue.done(key);
        continue;
      }
      await this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const reconcileID = randomUUID();
    const log = this.log.child({ namespace, name, reconcileID });
    const labels = { controller: this.name };
    activeWorkers.inc(labels);
    const started = performance.now();
    try {
      const result: ReconcileResult | void = await this.opts.reconcile(
        { key, namespace, name },
        { log, signal: this.hardStop.signal, reconcileID },
      );
      if (result?.requeueAfter !== undefined && result.requeueAfter > 0) {
        this.queue.forget(key);
        this.queue.addAfter(key, result.requeueAfter);
        reconcileTotal.inc({ ...labels, result: 'requeue_after' });
      } else if (result?.requeue) {
        this.queue.addRateLimited(key);
        reconcileTotal.inc({ ...labels, result: 'requeue' });
      } else {
        this.queue.forget(key);
        reconcileTotal.inc({ ...labels, result: 'success' });
      }
    } catch (err) {
      reconcileTotal.inc({ ...labels, result: 'error' });
      reconcileErrors.inc(labels);
      if (this.hardStop.signal.aborted) {
        log.debug({ error: errorSummary(err) }, 'reconcile ended by stop');
      } else if (isTerminal(err)) {
        terminalReconcileErrors.inc(labels);
        this.queue.forget(key);
        log.error({ err }, 'reconcile failed with a terminal error, not retrying');
      } else if (isConflict(err)) {
        log.debug(
          { error: errorSummary(err), retryInMs: this.queue.nextBackoff(key) },
          'conflict, requeuing',
        );
        this.queue.addRateLimited(key);
      } else {
        log.error({ err, retryInMs: this.queue.nextBackoff(key) }, 'reconcile failed, requeuing');
        this.queue.addRateLimited(key);
      }
    } finally {
      this.queue.done(key);
      activeWorkers.dec(labels);
      reconcileTime.observe(labels, (performance.now() - started) / 1000);
    }
  }
}

function safeMap<T>(map: MapFunc<T>, obj: T, log: Logger): string[] {
  try {
    return map(obj);
  } catch (err) {
    log.error({ err }, 'map function failed');
    return [];
  }
}
