import { setMaxListeners } from 'node:events';
import { backoffDelay, realClock, sleep, type Clock } from './clock.js';
import { errorSummary, isGone, isNotServed } from './client/errors.js';
import type { KubeClient } from './client/kube-client.js';
import { keyOf, objectKey, type KubeObject } from './client/types.js';
import { silentLogger, type Logger } from './logger.js';
import { OwnWrites } from './own-writes.js';
import { Store, type IndexFunc } from './store.js';

export interface InformerOptions<T extends KubeObject> {
  client: KubeClient;
  apiVersion: string;
  kind: string;
  /** Watch one namespace; all namespaces when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Trims objects before they are cached (default: drop `metadata.managedFields`). */
  transform?: (obj: T) => T;
  /**
   * List and watch only metadata (PartialObjectMetadata): for kinds of which only names, labels
   * and annotations are read. The API server then neither encodes nor sends the rest.
   */
  metadataOnly?: boolean;
  /** List page size (default 500). */
  pageSize?: number;
  /** Re-list when no event or bookmark arrived for this long (default 3 min; bookmarks come every ~1 min). */
  watchdogMs?: number;
  /** First and maximum reconnect delay (defaults 200 ms and 5 s, so an API server restart is seen fast). */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Longest wait between checks while the kind is not served (default 10 s). */
  notServedMaxMs?: number;
  logger?: Logger;
  clock?: Clock;
}

/** Callbacks for cache changes; they run synchronously and must not throw (errors are logged). */
export interface InformerHandler<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

/** Drops `metadata.managedFields`, the largest part of most objects and never read by controllers. */
export function dropManagedFields<T extends KubeObject>(obj: T): T {
  if (!obj.metadata.managedFields) return obj;
  const { managedFields: _drop, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Drops managedFields and kubectl's last-applied copy, the two large parts no controller reads. */
export function trimObject<T extends KubeObject>(obj: T): T {
  const trimmed = dropManagedFields(obj);
  const annotations = trimmed.metadata.annotations;
  if (!annotations || !(LAST_APPLIED in annotations)) return trimmed;
  const { [LAST_APPLIED]: _drop, ...rest } = annotations;
  return { ...trimmed, metadata: { ...trimmed.metadata, annotations: rest } };
}

type WatchOutcome = { kind: 'closed' | 'gone' | 'silent'; events: number; ms: number };

/**
 * A cache of one kind kept current by list+watch, like client-go's reflector + indexer:
 * paginated list, watch from the list's resourceVersion with bookmarks, re-list on 410 Expired,
 * reconnect with jittered backoff, and a watchdog that re-lists a watch that went silent (TCP
 * streams can stall without a FIN). A kind that is not served yet (CRD not installed) is
 * logged once and retried. Handlers see `add`, `update` (only when resourceVersion changed)
 * and `delete`; a re-list diffs against the cache so nothing is missed. Reads see this process's
 * own writes at once (`recordWrite`, `recordDelete`: see own-writes.ts).
 */
export class Informer<T extends KubeObject = KubeObject> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  private readonly store = new Store<T>();
  private readonly own: OwnWrites<T>;
  private readonly handlers = new Set<InformerHandler<T>>();
  private readonly transform: (obj: T) => T;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly abort = new AbortController();
  private readonly syncWaiters = new Set<() => void>();
  private resourceVersion: string | undefined;
  private synced = false;
  private isServed = true;
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: InformerOptions<T>) {
    // Each list and watch request listens on the informer's stop signal: not a leak.
    setMaxListeners(0, this.abort.signal);
    this.apiVersion = opts.apiVersion;
    this.kind = opts.kind;
    this.namespace = opts.namespace;
    this.transform = opts.transform ?? dropManagedFields;
    this.clock = opts.clock ?? realClock;
    this.own = new OwnWrites<T>(this.clock);
    this.log = (opts.logger ?? silentLogger).child({
      informer: `${opts.kind}.${opts.apiVersion}`,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
      ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
    });
  }

  /** Registers a handler; the returned function removes it. */
  addHandler(handler: InformerHandler<T>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Adds a secondary index (see `byIndex`). */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.store.addIndex(name, fn);
  }

  /** Starts list+watch in the background; idempotent. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops watching and resolves once the loop has ended. The cache stays readable. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const wake of this.syncWaiters) wake();
    await this.loop;
  }

  /** True once `stop` was called: a stopped informer never starts again. */
  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** True once the first list has been applied. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** False while the API server does not serve the kind. */
  served(): boolean {
    return this.isServed;
  }

  /** Resolves true once synced, false if stopped or `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        this.syncWaiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve(this.synced);
      };
      this.syncWaiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.getByKey(keyOf(namespace, name));
  }

  getByKey(key: string): T | undefined {
    return this.own.read(key, this.store.get(key));
  }

  /** Cached objects, all or of one namespace. */
  list(namespace?: string): T[] {
    const cached = this.store.list(namespace);
    if (this.own.size === 0) return cached;
    return this.withOwnWrites(cached, (o) => namespace === undefined || o.metadata.namespace === namespace);
  }

  byIndex(name: string, value: string): T[] {
    const cached = this.store.byIndex(name, value);
    if (this.own.size === 0) return cached;
    return this.withOwnWrites(cached, (o) => this.store.indexValues(name, o).includes(value));
  }

  /**
   * Records an object this process just wrote (the API server's response): reads show it, as
   * the cache would hold it, until the watch delivers it or anything newer. Handlers are not
   * called; the watch event will be.
   */
  recordWrite(obj: T): void {
    const cached = this.transform(structuredClone(obj));
    this.own.wrote(objectKey(cached), cached);
  }

  /** Records that this process deleted an object (its `uid` when known): reads skip it until the watch does. */
  recordDelete(namespace: string | undefined, name: string, uid?: string): void {
    this.own.deleted(keyOf(namespace, name), uid);
  }

  /**
   * `cached` (a list's result) seen through our own writes: each replaced or hidden as `get`
   * would, plus what we wrote that `matches` the list but the cache does not list there yet.
   */
  private withOwnWrites(cached: T[], matches: (o: T) => boolean): T[] {
    const out: T[] = [];
    const listed = new Set<string>();
    for (const o of cached) {
      const key = objectKey(o);
      listed.add(key);
      const seen = this.own.read(key, o);
      if (seen && matches(seen)) out.push(seen);
    }
    for (const [key, o] of this.own.written()) {
      if (!listed.has(key) && matches(o) && this.getByKey(key) === o) out.push(o);
    }
    return out;
  }

  /** The resourceVersion the next watch starts from (undefined: a re-list is due). */
  lastResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    let notServedChecks = 0;
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.relist();
        notServedChecks = 0;
        this.log.debug({ resourceVersion: this.resourceVersion }, 'watching');
        const outcome = await this.watchOnce();
        this.log.debug({ ...outcome, resourceVersion: this.resourceVersion }, 'watch ended');
        if (outcome.kind === 'gone') {
          this.log.debug('watch resourceVersion expired, re-listing');
          this.resourceVersion = undefined;
        } else if (outcome.kind === 'silent') {
          this.log.warn({ silentMs: outcome.ms }, 'watch went silent, re-listing');
          this.resourceVersion = undefined;
        } else if (outcome.events > 0 || outcome.ms >= 1000) {
          failures = 0;
        } else {
          await sleep(this.reconnectDelay(failures++), signal, this.clock);
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isNotServed(err)) {
          this.resourceVersion = undefined;
          if (this.isServed) this.log.info('resource not served yet, waiting');
          this.isServed = false;
          const delay = Math.min(this.opts.notServedMaxMs ?? 10_000, 1000 * 2 ** notServedChecks++);
          await sleep(delay, signal, this.clock);
          // Our own backoff paces the checks, so ask discovery again rather than the mapper's cache.
          this.opts.client.mapper.invalidate(this.apiVersion);
        } else if (isGone(err)) {
          this.resourceVersion = undefined;
        } else {
          const delay = this.reconnectDelay(failures);
          // The first failure and every tenth are worth a warning; the rest would flood the log
          // while an API server is down.
          const level = failures % 10 === 0 ? 'warn' : 'debug';
          this.log[level](
            { error: errorSummary(err), failures: failures + 1, retryInMs: delay },
            'list/watch failed, retrying',
          );
          failures++;
          await sleep(delay, signal, this.clock);
        }
      }
    }
  }

  private reconnectDelay(failures: number): number {
    return backoffDelay(failures, this.opts.reconnectInitialMs ?? 200, this.opts.reconnectMaxMs ?? 5_000);
  }

  /** Lists everything, then applies the difference to the cache as add/update/delete. */
  private async relist(): Promise<void> {
    const fresh = new Map<string, T>();
    let rv = '';
    for await (const page of this.opts.client.listPages<T>(this.apiVersion, this.kind, {
      namespace: this.namespace,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      limit: this.opts.pageSize ?? 500,
      metadataOnly: this.opts.metadataOnly,
      signal: this.abort.signal,
    })) {
      for (const item of page.items) {
        const obj = this.transform(item);
        fresh.set(objectKey(obj), obj);
      }
      rv = page.resourceVersion;
    }
    for (const key of this.store.keys()) {
      if (fresh.has(key)) continue;
      const old = this.store.remove(key);
      this.own.settle(key, null);
      if (old) this.emit('delete', old);
    }
    for (const obj of fresh.values()) this.upsert(obj);
    this.resourceVersion = rv;
    if (!this.isServed) this.log.info('resource is served now, starting');
    this.isServed = true;
    this.log.debug({ count: fresh.size, resourceVersion: rv }, 'listed');
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters) wake();
    }
  }

  private async watchOnce(): Promise<WatchOutcome> {
    const started = this.clock.now();
    const silence = new AbortController();
    const watchdogMs = this.opts.watchdogMs ?? 180_000;
    let lastSeen = started;
    let events = 0;
    const watchdog = setInterval(
      () => {
        if (this.clock.now() - lastSeen > watchdogMs) silence.abort();
      },
      Math.min(5_000, Math.max(10, watchdogMs / 4)),
    );
    watchdog.unref();
    try {
      const stream = this.opts.client.watch<T>(this.apiVersion, this.kind, {
        namespace: this.namespace,
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        // Like client-go's reflector: a random 5–10 min server timeout spreads reconnects out.
        timeoutSeconds: Math.floor(300 + Math.random() * 300),
        metadataOnly: this.opts.metadataOnly,
        signal: AbortSignal.any([this.abort.signal, silence.signal]),
      });
      for await (const event of stream) {
        lastSeen = this.clock.now();
        events++;
        this.log.trace(
          { type: event.type, resourceVersion: event.object.metadata.resourceVersion },
          'watch event',
        );
        if (event.type === 'BOOKMARK') {
          this.resourceVersion = event.object.metadata.resourceVersion ?? this.resourceVersion;
          continue;
        }
        const obj = this.transform(event.object);
        this.resourceVersion = obj.metadata.resourceVersion ?? this.resourceVersion;
        if (event.type === 'DELETED') {
          const old = this.store.remove(objectKey(obj));
          this.own.settle(objectKey(obj), null);
          if (old) this.emit('delete', obj);
        } else {
          this.upsert(obj);
        }
      }
    } catch (err) {
      if (isGone(err)) return { kind: 'gone', events, ms: this.clock.now() - started };
      if (!silence.signal.aborted || this.abort.signal.aborted) throw err;
    } finally {
      clearInterval(watchdog);
    }
    const kind = silence.signal.aborted && !this.abort.signal.aborted ? 'silent' : 'closed';
    return { kind, events, ms: this.clock.now() - started };
  }

  private upsert(obj: T): void {
    const old = this.store.upsert(obj);
    this.own.settle(objectKey(obj), obj);
    if (!old) this.emit('add', obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('update', obj, old);
  }

  private emit(type: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        if (type === 'add') h.add?.(obj);
        else if (type === 'update' && old) h.update?.(old, obj);
        else if (type === 'delete') h.delete?.(obj);
      } catch (err) {
        this.log.error({ err, event: type }, 'informer handler failed');
      }
    }
  }
}
