/**
 * Read-your-writes for an informer's cache: the objects this process just wrote (the API
 * server's responses) and deleted, shown in place of the cached copy until the watch delivers
 * them or anything newer. Without it a reconcile that starts before the watch event of our own
 * write sees the old object and writes the same thing again (controller-runtime solves this with
 * expectations, client-go with a mutation cache; this is the one mechanism every controller here
 * uses, through `Informer.recordWrite` / `recordDelete`).
 */
import type { Clock } from './clock.js';
import type { KubeObject } from './client/types.js';
import { compareResourceVersions } from './resource-version.js';

/** How long a record holds when no watch event settles it (a missed event, a watch restart). */
export const OWN_WRITE_TTL_MS = 30_000;

interface OwnWrite<T> {
  /** What the write returned (transformed as the cache would), or null for a deletion. */
  obj: T | null;
  /** uid of the deleted object; undefined hides whatever the cache holds under the key. */
  uid?: string;
  at: number;
}

/** Whether `a` is an older version of the object than `b`; unknown counts as older. */
function olderThan(a: KubeObject, b: KubeObject): boolean {
  return (compareResourceVersions(a.metadata.resourceVersion, b.metadata.resourceVersion) ?? -1) < 0;
}

export class OwnWrites<T extends KubeObject> {
  private readonly records = new Map<string, OwnWrite<T>>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.records.size;
  }

  wrote(key: string, obj: T): void {
    this.records.set(key, { obj, at: this.clock.now() });
  }

  deleted(key: string, uid: string | undefined): void {
    this.records.set(key, { obj: null, uid, at: this.clock.now() });
  }

  /**
   * What a read of `key` returns, given the cached copy: our write while the cache is older,
   * nothing while the cache still shows what we deleted, else the cache (and the record goes).
   */
  read(key: string, cached: T | undefined): T | undefined {
    const mine = this.records.get(key);
    if (!mine) return cached;
    if (this.clock.now() - mine.at > OWN_WRITE_TTL_MS) {
      this.records.delete(key);
      return cached;
    }
    if (mine.obj === null) {
      if (cached && (mine.uid === undefined || cached.metadata.uid === mine.uid)) return undefined;
    } else if (!cached || olderThan(cached, mine.obj)) {
      return mine.obj;
    }
    // The watch can deliver our write, and someone's next one, before our write's response is
    // back: then the cache is already newer than what we recorded, and wins.
    this.records.delete(key);
    return cached;
  }

  /** A watch event for `key` (`null`: deleted) settles a record it has caught up with. */
  settle(key: string, seen: T | null): void {
    const mine = this.records.get(key);
    if (!mine) return;
    const caughtUp =
      seen === null ||
      (mine.obj === null
        ? mine.uid !== undefined && seen.metadata.uid !== mine.uid // recreated by someone
        : !olderThan(seen, mine.obj));
    if (caughtUp) this.records.delete(key);
  }

  /** Our written objects still shown in place of the cache, by key (for lists). */
  *written(): Generator<[string, T]> {
    for (const [key, r] of this.records) if (r.obj) yield [key, r.obj];
  }
}
