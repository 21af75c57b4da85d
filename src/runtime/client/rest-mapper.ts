import { realClock, type Clock } from '../clock.js';
import { isNotFound, NotServedError } from './errors.js';
import { parseApiVersion, type RestMapping } from './types.js';

/** Fetches one discovery document (`/api/v1` or `/apis/<group>/<version>`); undefined on 404. */
export type DiscoveryFetch = (path: string) => Promise<unknown>;

interface ApiResourceList {
  resources?: { name?: string; kind?: string; namespaced?: boolean }[];
}

interface GroupVersionEntry {
  byKind: Map<string, RestMapping>;
}

/**
 * Maps apiVersion+kind to the REST resource through discovery, one group-version at a time,
 * with a cache. A miss (a kind just installed by a CRD) refreshes that group-version, but at
 * most once per `minRefreshMs`, so a controller asking for a missing kind in a loop doesn't
 * hammer discovery. Kinds that are not served throw `NotServedError`.
 */
export class RestMapper {
  private readonly cache = new Map<string, GroupVersionEntry | null>();
  private readonly lastFetch = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<GroupVersionEntry | null>>();

  constructor(
    private readonly fetch: DiscoveryFetch,
    private readonly opts: { minRefreshMs?: number; clock?: Clock } = {},
  ) {}

  /** The mapping for a kind; throws `NotServedError` when the API server does not serve it. */
  async mapping(apiVersion: string, kind: string): Promise<RestMapping> {
    const cached = this.cache.get(apiVersion)?.byKind.get(kind);
    if (cached) return cached;
    const entry = await this.refresh(apiVersion);
    const found = entry?.byKind.get(kind);
    if (!found) throw new NotServedError(apiVersion, kind);
    return found;
  }

  /** Forgets a group-version, e.g. after a 404 on a resource path (its CRD was deleted). */
  invalidate(apiVersion: string): void {
    this.cache.delete(apiVersion);
    this.lastFetch.delete(apiVersion);
  }

  private refresh(apiVersion: string): Promise<GroupVersionEntry | null> {
    const clock = this.opts.clock ?? realClock;
    const last = this.lastFetch.get(apiVersion);
    if (last !== undefined && clock.now() - last < (this.opts.minRefreshMs ?? 1000)) {
      return Promise.resolve(this.cache.get(apiVersion) ?? null);
    }
    const running = this.inflight.get(apiVersion);
    if (running) return running;
    const p = this.load(apiVersion).finally(() => {
      this.inflight.delete(apiVersion);
      this.lastFetch.set(apiVersion, clock.now());
    });
    this.inflight.set(apiVersion, p);
    return p;
  }

  private async load(apiVersion: string): Promise<GroupVersionEntry | null> {
    const { group, version } = parseApiVersion(apiVersion);
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    let doc: unknown;
    try {
      doc = await this.fetch(path);
    } catch (err) {
      // 404: the group-version is not served (yet). Other errors (API server down) propagate.
      if (!isNotFound(err)) throw err;
      this.cache.set(apiVersion, null);
      return null;
    }
    const byKind = new Map<string, RestMapping>();
    for (const r of (doc as ApiResourceList).resources ?? []) {
      // Subresources (`deployments/status`) share the kind of their parent; skip them.
      if (!r.name || !r.kind || r.name.includes('/')) continue;
      byKind.set(r.kind, {
        apiVersion,
        kind: r.kind,
        group,
        version,
        resource: r.name,
        namespaced: r.namespaced === true,
      });
    }
    const entry = { byKind };
    this.cache.set(apiVersion, entry);
    return entry;
  }
}
