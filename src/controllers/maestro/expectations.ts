/**
 * What we wrote that the caches have not shown yet (controller-runtime calls these
 * expectations). Right after an apply or delete the informer still holds the old object, and a
 * reconcile that starts before the watch event arrives would write the same thing again. Each
 * entry is cleared when the cache catches up, or after a short time in case an event was missed.
 */
import { compareResourceVersions, type Clock } from '../../runtime/index.js';

interface Pending {
  /** resourceVersion the write returned ('' for a delete). */
  resourceVersion: string;
  /** What we wrote (hash), so a different desired state is never skipped. */
  fingerprint: string;
  /** uid of the deleted object. */
  uid?: string;
  at: number;
}

/** How long an expectation holds without the cache catching up. */
export const EXPECTATION_TTL_MS = 30_000;

/** Compares resourceVersions when both are etcd revisions (they are, in every API server we know). */
export function olderThan(rv: string | undefined, than: string): boolean {
  if (rv === undefined) return true;
  return compareResourceVersions(rv, than) === -1;
}

/** Writes in flight, by a caller-chosen key (plane and object, or a status target). */
export class Expectations {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly clock: Clock) {}

  /** Remembers a write that returned `resourceVersion` for the state `fingerprint`. */
  wrote(key: string, resourceVersion: string | undefined, fingerprint: string): void {
    this.pending.set(key, { resourceVersion: resourceVersion ?? '', fingerprint, at: this.clock.now() });
  }

  /** Remembers a delete of the object with `uid`. */
  deleted(key: string, uid: string | undefined): void {
    this.pending.set(key, { resourceVersion: '', fingerprint: 'deleted', uid, at: this.clock.now() });
  }

  /**
   * True while the cache is behind our write of the same `fingerprint`: the cached object (its
   * resourceVersion) is older than what the write returned.
   */
  writeInFlight(key: string, cachedResourceVersion: string | undefined, fingerprint: string): boolean {
    const p = this.live(key);
    if (!p || p.fingerprint !== fingerprint || p.fingerprint === 'deleted') return false;
    return olderThan(cachedResourceVersion, p.resourceVersion);
  }

  /** True while the cache still shows an object we deleted (same uid). */
  deleteInFlight(key: string, cachedUid: string | undefined): boolean {
    const p = this.live(key);
    return p !== undefined && p.fingerprint === 'deleted' && p.uid !== undefined && p.uid === cachedUid;
  }

  /**
   * Called by informer handlers: the cache now shows this version of `key` (or its deletion). A
   * pending write is settled once the cache reaches it or the object is gone; a pending delete
   * once the object is gone or replaced by another one (a new uid).
   */
  observed(key: string, seen: { resourceVersion?: string; uid?: string; gone: boolean }): void {
    const p = this.pending.get(key);
    if (!p) return;
    const settled =
      p.fingerprint === 'deleted'
        ? seen.gone || seen.uid !== p.uid
        : seen.gone || !olderThan(seen.resourceVersion, p.resourceVersion);
    if (settled) this.pending.delete(key);
  }

  /** Forgets everything (tests, restarts of the controller). */
  clear(): void {
    this.pending.clear();
  }

  private live(key: string): Pending | undefined {
    const p = this.pending.get(key);
    if (p && this.clock.now() - p.at > EXPECTATION_TTL_MS) {
      this.pending.delete(key);
      return undefined;
    }
    return p;
  }
}
