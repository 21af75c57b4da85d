import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { isNotFound, NotServedError } from './errors.js';
import { watchEvents } from './watch-events.js';
import { collectionPath, objectPath, refOf } from './paths.js';
import { RequestStats } from './request-stats.js';
import { RestMapper } from './rest-mapper.js';
import { TokenBucket } from './token-bucket.js';
import { Transport, type RequestSpec } from './transport.js';
import {
  FIELD_MANAGER,
  type ApplyOptions,
  type DeleteOptions,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type ObjectRef,
  type PatchType,
  type RestMapping,
  type WatchEvent,
  type WatchOptions,
  type WriteOptions,
} from './types.js';

export interface KubeClientOptions {
  kubeConfig: KubeConfig;
  /** Client-side rate limit shared by every request of this client; watches are exempt. */
  qps?: number;
  burst?: number;
  /** Timeout of one non-watch request (default 30 s). */
  timeoutMs?: number;
  userAgent?: string;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/**
 * A small resource-generic client for one API server: JSON in and out, kinds resolved through
 * discovery, server-side apply as the normal write. Objects are plain JSON (timestamps are
 * strings). Errors are `ApiError` (test them with `isNotFound`, `isConflict`, …) or
 * `NotServedError` for kinds the server does not serve.
 */
export class KubeClient {
  /** The API server URL. */
  readonly server: string;
  readonly mapper: RestMapper;
  /** In-process counters of requests by verb (writes per toggle in benchmarks). */
  readonly stats = new RequestStats();
  readonly limiter: TokenBucket;
  private readonly transport: Transport;

  constructor(opts: KubeClientOptions) {
    this.limiter = new TokenBucket(opts.qps ?? 20, opts.burst ?? 30);
    this.transport = new Transport(opts.kubeConfig, {
      limiter: this.limiter,
      stats: this.stats,
      timeoutMs: opts.timeoutMs ?? 30_000,
      userAgent: opts.userAgent ?? 'mce-maestro-operator',
    });
    this.server = this.transport.server.toString().replace(/\/$/, '');
    this.mapper = new RestMapper(async (path) => {
      const res = await this.transport.request({ verb: 'discovery', method: 'GET', path });
      return JSON.parse(res.body) as unknown;
    });
  }

  /** The bearer token of this client's identity, if it uses one (see `Transport.bearerToken`). */
  bearerToken(): Promise<string | undefined> {
    return this.transport.bearerToken();
  }

  /** The server's `/version`; used to wait for a reachable API server. */
  async version(signal?: AbortSignal): Promise<{ gitVersion?: string }> {
    const res = await this.transport.request({
      verb: 'get',
      method: 'GET',
      path: '/version',
      signal,
      timeoutMs: 5_000,
    });
    return JSON.parse(res.body) as { gitVersion?: string };
  }

  /** The object, or undefined when it does not exist. */
  async get<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    opts: { signal?: AbortSignal } = {},
  ): Promise<T | undefined> {
    const m = await this.mapper.mapping(ref.apiVersion, ref.kind);
    try {
      return await this.json<T>({
        verb: 'get',
        method: 'GET',
        path: objectPath(m, ref),
        signal: opts.signal,
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Lists page by page (`limit`, `continue`); every page carries the list's resourceVersion. */
  async *listPages<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    opts: ListOptions = {},
  ): AsyncGenerator<ListResult<T>> {
    const m = await this.mapper.mapping(apiVersion, kind);
    let cont: string | undefined;
    do {
      const spec: RequestSpec = {
        verb: 'list',
        method: 'GET',
        path: collectionPath(m, opts.namespace),
        query: {
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: opts.limit,
          continue: cont,
        },
        accept: opts.metadataOnly ? METADATA_LIST_ACCEPT : undefined,
        signal: opts.signal,
      };
      const page = await this.collection<{
        items?: T[];
        metadata?: { resourceVersion?: string; continue?: string };
      }>(m, spec);
      // Items of built-in lists come without apiVersion/kind, metadata-only ones as
      // PartialObjectMetadata: fill in the kind's, so objects are uniform.
      const items = (page.items ?? []).map((o) => ({ ...o, apiVersion: m.apiVersion, kind: m.kind }));
      yield { items, resourceVersion: page.metadata?.resourceVersion ?? '' };
      cont = page.metadata?.continue || undefined;
    } while (cont);
  }

  /** Lists everything (following `continue`) and returns the items with the list's resourceVersion. */
  async list<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    opts: ListOptions = {},
  ): Promise<ListResult<T>> {
    const items: T[] = [];
    let resourceVersion = '';
    for await (const page of this.listPages<T>(apiVersion, kind, opts)) {
      items.push(...page.items);
      resourceVersion = page.resourceVersion;
    }
    return { items, resourceVersion };
  }

  /**
   * Watches a collection. Ends when the server closes the watch (its timeout) or the signal
   * aborts; throws on a dropped connection and on ERROR events (410 Expired → `isGone`).
   */
  async *watch<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    opts: WatchOptions = {},
  ): AsyncGenerator<WatchEvent<T>> {
    const m = await this.mapper.mapping(apiVersion, kind);
    const path = collectionPath(m, opts.namespace);
    const spec: RequestSpec = {
      verb: 'watch',
      method: 'GET',
      path,
      query: {
        watch: true,
        resourceVersion: opts.resourceVersion,
        allowWatchBookmarks: opts.allowWatchBookmarks ?? true,
        timeoutSeconds: opts.timeoutSeconds,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
      },
      accept: opts.metadataOnly ? METADATA_WATCH_ACCEPT : undefined,
      signal: opts.signal,
    };
    let res: IncomingMessage;
    try {
      res = await this.transport.stream(spec);
    } catch (err) {
      if (opts.signal?.aborted) return;
      if (!isNotFound(err)) throw err;
      this.mapper.invalidate(apiVersion);
      throw new NotServedError(apiVersion, kind);
    }
    try {
      if (!opts.metadataOnly) yield* watchEvents<T>(res, path);
      else
        for await (const event of watchEvents<T>(res, path))
          yield event.type === 'BOOKMARK'
            ? event
            : { ...event, object: { ...event.object, apiVersion: m.apiVersion, kind: m.kind } };
    } catch (err) {
      if (opts.signal?.aborted) return;
      throw err;
    } finally {
      res.destroy();
    }
  }

  /** Creates the object (POST). */
  async create<T extends KubeObject>(obj: T, opts: WriteOptions = {}): Promise<T & KubeObject> {
    const m = await this.mapper.mapping(obj.apiVersion, obj.kind);
    const path = collectionPath(m, obj.metadata.namespace);
    return this.json<T>({
      verb: 'create',
      method: 'POST',
      path,
      query: writeQuery(opts),
      body: obj,
      signal: opts.signal,
    });
  }

  /** Replaces the object (PUT); `metadata.resourceVersion` makes it conditional (409 if stale). */
  async update<T extends KubeObject>(
    obj: T,
    opts: WriteOptions & { subresource?: string } = {},
  ): Promise<T & KubeObject> {
    const m = await this.mapper.mapping(obj.apiVersion, obj.kind);
    const path = objectPath(m, refOf(obj), opts.subresource);
    return this.json<T>({
      verb: 'update',
      method: 'PUT',
      path,
      query: writeQuery(opts),
      body: obj,
      signal: opts.signal,
    });
  }

  /**
   * Server-side apply: the object holds only the fields we own. Applying the same object twice
   * is a no-op on the server (same resourceVersion). Fields this field manager applied before
   * and omits now are removed, so every apply of an object must carry all of our fields for it
   * (use another `fieldManager` for writes that own different fields). A
   * `metadata.resourceVersion` in the object makes the apply conditional; leave it out unless
   * that is what you want.
   */
  async apply<T extends KubeObject>(obj: T, opts: ApplyOptions = {}): Promise<T & KubeObject> {
    return this.applyTo(obj, undefined, opts);
  }

  /** Server-side apply of `status` through the status subresource; never bumps `metadata.generation`. */
  async applyStatus<T extends KubeObject>(obj: T, opts: ApplyOptions = {}): Promise<T & KubeObject> {
    return this.applyTo(obj, 'status', opts);
  }

  /** A merge, JSON or strategic-merge patch. */
  async patch<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    body: unknown,
    type: PatchType,
    opts: WriteOptions & { subresource?: string } = {},
  ): Promise<T> {
    const m = await this.mapper.mapping(ref.apiVersion, ref.kind);
    return this.json<T>({
      verb: 'patch',
      method: 'PATCH',
      path: objectPath(m, ref, opts.subresource),
      query: writeQuery(opts),
      body,
      contentType: PATCH_CONTENT_TYPES[type],
      signal: opts.signal,
    });
  }

  /** Deletes the object; resolves false when it was already gone. */
  async delete(ref: ObjectRef, opts: DeleteOptions = {}): Promise<boolean> {
    const m = await this.mapper.mapping(ref.apiVersion, ref.kind);
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: opts.propagationPolicy,
      preconditions: opts.preconditions,
      gracePeriodSeconds: opts.gracePeriodSeconds,
      dryRun: opts.dryRun ? ['All'] : undefined,
    };
    try {
      await this.json({
        verb: 'delete',
        method: 'DELETE',
        path: objectPath(m, ref),
        body,
        signal: opts.signal,
      });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Closes idle connections. */
  close(): void {
    this.transport.close();
  }

  private async applyTo<T extends KubeObject>(
    obj: T,
    subresource: string | undefined,
    opts: ApplyOptions,
  ): Promise<T> {
    const m = await this.mapper.mapping(obj.apiVersion, obj.kind);
    // The server rejects an apply that carries managedFields; objects read from a cache may.
    const { managedFields: _drop, ...metadata } = obj.metadata;
    return this.json<T>({
      verb: 'apply',
      method: 'PATCH',
      path: objectPath(m, refOf(obj), subresource),
      query: {
        fieldManager: opts.fieldManager ?? FIELD_MANAGER,
        force: opts.force ?? true,
        dryRun: opts.dryRun ? 'All' : undefined,
      },
      body: { ...obj, metadata },
      contentType: 'application/apply-patch+yaml',
      signal: opts.signal,
    });
  }

  private async json<T>(spec: RequestSpec): Promise<T> {
    const res = await this.transport.request(spec);
    return JSON.parse(res.body) as T;
  }

  /** A collection request; a 404 there means the kind stopped being served (CRD deleted). */
  private async collection<T>(m: RestMapping, spec: RequestSpec): Promise<T> {
    try {
      return await this.json<T>(spec);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.mapper.invalidate(m.apiVersion);
      throw new NotServedError(m.apiVersion, m.kind);
    }
  }
}

/**
 * What a metadata-only list or watch accepts (client-go's metadata client): the server answers with
 * PartialObjectMetadata, or, were it too old for that, with whole objects as JSON.
 */
const METADATA_LIST_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const METADATA_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

function writeQuery(opts: WriteOptions): RequestSpec['query'] {
  return { fieldManager: opts.fieldManager ?? FIELD_MANAGER, dryRun: opts.dryRun ? 'All' : undefined };
}
