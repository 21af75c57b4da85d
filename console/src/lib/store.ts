/**
 * The console's state: the regions, each with its public info, its token (memory only), its
 * status and its data, kept live by one event stream per signed-in region. Each region runs on its
 * own: one that is slow, down or refuses the token changes only its own status.
 *
 * Mutable on purpose (30,000 rows are not copied per event); React reads it through
 * `useSyncExternalStore` on a version number bumped at most every NOTIFY_MS while events stream in.
 */
import {
  changeEventSchema,
  infoSchema,
  MAX_PAGE_SIZE,
  PATHS,
  rolloutListSchema,
  type Info,
} from './contract';
import { applyChange, emptyData, rebuild, type Overlay, emptyOverlay, type RegionData } from './changes';
import {
  ApiFailure,
  apiUrl,
  authHeaders,
  describeThrown,
  failureFromResponse,
  request,
  REQUEST_TIMEOUT_MS,
  timeoutSignal,
  type RequestOptions,
} from './http';
import { loadAllClusters } from './paging';
import { backoffMs, readSse } from './sse';
import { loadRegionUrls, normalizeRegionUrl, saveRegionUrls } from './storage';
import type { z } from 'zod';

export type RegionStatus = 'Signed in' | 'Signed out' | 'Unreachable' | 'Unauthorized' | 'Loading';

export interface RegionState {
  /** Stable for the page's life (React keys, sessions); not stored. */
  readonly id: number;
  readonly url: string;
  info?: Info;
  status: RegionStatus;
  /** In memory only. */
  token?: string;
  /** What went wrong last, verbatim from the server when it said. */
  error?: string;
  data: RegionData;
  /** Bumped whenever `data` changes, so views rebuild only the regions that changed. */
  revision: number;
  /** The event stream is connected. */
  live: boolean;
  loadedAt?: number;
  progress?: { loaded: number; total: number };
}

/** Renders at most 5 times a second while events stream in (a 30,000-row merge takes a few ms). */
const NOTIFY_MS = 200;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export function regionName(region: Pick<RegionState, 'info' | 'url'>): string {
  if (region.info) return region.info.region;
  try {
    return new URL(region.url).host;
  } catch {
    return region.url;
  }
}

export interface StoreOptions {
  fetchImpl?: typeof fetch;
  storage?: Storage;
  timeoutMs?: number;
  random?: () => number;
}

export class ConsoleStore {
  private regionList: RegionState[] = [];
  private nextId = 1;
  private version = 0;
  private listeners = new Set<() => void>();
  private notifyTimer: ReturnType<typeof setTimeout> | undefined;
  private sessions = new Map<number, AbortController>();
  private overlays = new Map<number, Overlay>();
  private readonly fetchImpl: typeof fetch;
  private readonly storage: Storage | undefined;
  private readonly timeoutMs: number;
  private readonly random: () => number;

  constructor(options: StoreOptions = {}) {
    this.fetchImpl = options.fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
    this.storage = options.storage ?? globalThis.localStorage;
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
  }

  // ------------------------------------------------------------------------ subscription

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  get regions(): readonly RegionState[] {
    return this.regionList;
  }

  private notifyNow(): void {
    if (this.notifyTimer !== undefined) {
      clearTimeout(this.notifyTimer);
      this.notifyTimer = undefined;
    }
    this.version++;
    for (const listener of this.listeners) listener();
  }

  /** Coalesces bursts of events into one render. */
  private notifySoon(): void {
    if (this.notifyTimer !== undefined) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      this.notifyNow();
    }, NOTIFY_MS);
  }

  // ------------------------------------------------------------------------ regions

  /** Loads the stored endpoint list and asks each region for its public info. */
  init(): void {
    for (const url of loadRegionUrls(this.storage)) this.insert(url);
    this.persist();
    this.notifyNow();
  }

  addRegion(raw: string): RegionState {
    const url = normalizeRegionUrl(raw);
    if (this.regionList.some((r) => r.url === url)) throw new Error(`${url} is already in the list`);
    const region = this.insert(url);
    this.persist();
    this.notifyNow();
    return region;
  }

  private insert(url: string): RegionState {
    const region: RegionState = {
      id: this.nextId++,
      url,
      status: 'Signed out',
      data: emptyData(),
      revision: 0,
      live: false,
    };
    this.regionList.push(region);
    void this.fetchInfo(region);
    return region;
  }

  removeRegion(id: number): void {
    this.stopSession(id);
    this.regionList = this.regionList.filter((r) => r.id !== id);
    this.persist();
    this.notifyNow();
  }

  private persist(): void {
    saveRegionUrls(
      this.regionList.map((r) => r.url),
      this.storage,
    );
  }

  byId(id: number): RegionState | undefined {
    return this.regionList.find((r) => r.id === id);
  }

  byName(name: string): RegionState | undefined {
    return this.regionList.find((r) => regionName(r) === name);
  }

  signedIn(): RegionState[] {
    return this.regionList.filter((r) => r.token !== undefined && r.status !== 'Unauthorized');
  }

  async fetchInfo(region: RegionState): Promise<boolean> {
    try {
      region.info = await request(region.url, PATHS.info, infoSchema, {
        timeoutMs: this.timeoutMs,
        fetchImpl: this.fetchImpl,
      });
      if (region.status === 'Unreachable' && region.token === undefined) region.status = 'Signed out';
      if (region.token === undefined) region.error = undefined;
      return true;
    } catch (err) {
      const failure = describeThrown(err, false, this.timeoutMs, false);
      if (region.token === undefined) {
        region.status = 'Unreachable';
        region.error = failure.message;
      }
      return false;
    } finally {
      if (this.regionList.includes(region)) this.notifyNow();
    }
  }

  // ------------------------------------------------------------------------ sessions

  signIn(id: number, token: string): void {
    const region = this.byId(id);
    if (!region) return;
    const trimmed = token.trim();
    if (!trimmed) {
      region.error = 'enter a token to sign in';
      this.notifyNow();
      return;
    }
    this.stopSession(id);
    region.token = trimmed;
    region.status = 'Loading';
    region.error = undefined;
    region.data = emptyData();
    region.revision++;
    region.loadedAt = undefined;
    const session = new AbortController();
    this.sessions.set(id, session);
    this.notifyNow();
    void this.runSession(region, session.signal);
  }

  signOut(id: number): void {
    const region = this.byId(id);
    if (!region) return;
    this.stopSession(id);
    region.token = undefined;
    region.data = emptyData();
    region.revision++;
    region.status = 'Signed out';
    region.error = undefined;
    region.loadedAt = undefined;
    region.progress = undefined;
    this.notifyNow();
  }

  /** Ends every session (tests, page unload). */
  dispose(): void {
    for (const id of [...this.sessions.keys()]) this.stopSession(id);
    if (this.notifyTimer !== undefined) clearTimeout(this.notifyTimer);
  }

  private stopSession(id: number): void {
    this.sessions.get(id)?.abort();
    this.sessions.delete(id);
    this.overlays.delete(id);
    const region = this.byId(id);
    if (region) region.live = false;
  }

  private unauthorized(region: RegionState, message: string): void {
    this.stopSession(region.id);
    region.status = 'Unauthorized';
    region.error = message;
    region.token = undefined;
    region.data = emptyData();
    region.revision++;
    region.loadedAt = undefined;
    this.notifyNow();
  }

  private async runSession(region: RegionState, signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      try {
        if (!region.info) await this.fetchInfo(region);
        await this.connectOnce(region, signal, () => {
          attempt = 0;
        });
      } catch (err) {
        if (signal.aborted) return;
        const failure = describeThrown(err, false, this.timeoutMs, false);
        if (failure.status === 401) return this.unauthorized(region, failure.message);
        region.live = false;
        region.error = failure.message;
        if (failure.kind === 'network' || failure.kind === 'timeout' || (failure.status ?? 0) >= 500) {
          region.status = 'Unreachable';
        } else if (failure.kind === 'http' && region.loadedAt === undefined) {
          // The stream is refused but the list may not be: show the data without live updates.
          try {
            await this.reload(region, signal);
            region.error = `live updates unavailable: ${failure.message}`;
          } catch (reloadErr) {
            const again = describeThrown(reloadErr, false, this.timeoutMs, false);
            if (again.status === 401) return this.unauthorized(region, again.message);
            region.error = again.message;
            region.status = again.kind === 'http' && (again.status ?? 0) < 500 ? 'Signed in' : 'Unreachable';
          }
        }
        this.notifyNow();
      }
      if (signal.aborted) return;
      region.live = false;
      await sleep(backoffMs(attempt++, this.random), signal);
    }
  }

  /** One connection of the event stream: open it, reload under it, apply changes until it ends. */
  private async connectOnce(
    region: RegionState,
    session: AbortSignal,
    onConnected: () => void,
  ): Promise<void> {
    const connection = new AbortController();
    const onSessionAbort = () => connection.abort();
    session.addEventListener('abort', onSessionAbort, { once: true });
    const t = timeoutSignal(this.timeoutMs, connection.signal);
    let reloadError: unknown;
    try {
      let res: Response;
      try {
        res = await this.fetchImpl(apiUrl(region.url, PATHS.events), {
          headers: authHeaders(region.token, { Accept: 'text/event-stream' }),
          credentials: 'omit',
          cache: 'no-store',
          referrerPolicy: 'no-referrer',
          signal: t.signal,
        });
      } catch (err) {
        throw describeThrown(err, t.timedOut(), this.timeoutMs, session.aborted);
      }
      if (!res.ok) throw await failureFromResponse(res);
      if (!res.body) throw new ApiFailure('parse', 'the event stream has no body');
      t.clearTimer();
      region.live = true;
      onConnected();

      const reloadUnder = () => {
        this.reload(region, connection.signal).catch((err: unknown) => {
          reloadError = err;
          connection.abort();
        });
      };
      reloadUnder();
      try {
        await readSse(res.body, (message) => {
          if (message.event !== 'change' && message.event !== 'message') return;
          let json: unknown;
          try {
            json = JSON.parse(message.data);
          } catch {
            return;
          }
          const parsed = changeEventSchema.safeParse(json);
          if (!parsed.success) return;
          const result = applyChange(region.data, parsed.data, this.overlays.get(region.id));
          if (result === 'resync') reloadUnder();
          else if (result === 'applied') {
            region.revision++;
            this.notifySoon();
          }
        });
      } catch (err) {
        if (reloadError !== undefined) throw reloadError;
        throw describeThrown(err, false, this.timeoutMs, session.aborted);
      }
      if (reloadError !== undefined) throw reloadError;
      // The server ended the stream: reconnect (and reload, since changes may have been missed).
    } finally {
      t.cancel();
      connection.abort();
      session.removeEventListener('abort', onSessionAbort);
    }
  }

  /** Loads all clusters and rollouts; events arriving meanwhile win over the pages. */
  private async reload(region: RegionState, signal: AbortSignal): Promise<void> {
    const overlay = emptyOverlay();
    this.overlays.set(region.id, overlay);
    try {
      const options: RequestOptions & { onPage: (loaded: number, total: number) => void } = {
        token: region.token,
        signal,
        timeoutMs: this.timeoutMs,
        fetchImpl: this.fetchImpl,
        onPage: (loaded, total) => {
          if (region.loadedAt === undefined) {
            region.progress = { loaded, total };
            this.notifySoon();
          }
        },
      };
      const [clusters, rollouts] = await Promise.all([
        // The largest pages the server gives: each page has its own URL (its continue token), so
        // every cross-origin page costs a CORS preflight as well; fewer pages, fewer round trips.
        loadAllClusters(region.url, { ...options, pageSize: MAX_PAGE_SIZE }),
        request(region.url, PATHS.rollouts, rolloutListSchema, options),
      ]);
      if (signal.aborted) return;
      region.data = rebuild(clusters, rollouts.items, overlay);
      region.revision++;
      region.status = 'Signed in';
      region.error = undefined;
      region.loadedAt = Date.now();
      region.progress = undefined;
      this.notifyNow();
    } finally {
      if (this.overlays.get(region.id) === overlay) this.overlays.delete(region.id);
    }
  }

  // ------------------------------------------------------------------------ actions

  /** A request to one region with its token; a 401 signs the region out. */
  async call<S extends z.ZodType>(
    regionId: number,
    path: string,
    schema: S,
    options: Omit<RequestOptions, 'token' | 'fetchImpl'> = {},
  ): Promise<z.infer<S>> {
    const region = this.byId(regionId);
    if (!region) throw new ApiFailure('aborted', 'the region was removed');
    if (region.token === undefined)
      throw new ApiFailure('http', `sign in to ${regionName(region)} first`, 401);
    try {
      return await request(region.url, path, schema, {
        timeoutMs: this.timeoutMs,
        ...options,
        token: region.token,
        fetchImpl: this.fetchImpl,
      });
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 401) this.unauthorized(region, err.message);
      throw err;
    }
  }
}
