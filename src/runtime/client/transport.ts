/**
 * HTTP to one API server. client-node's `KubeConfig` supplies credentials and TLS material on
 * every request (so rotating tokens and exec plugins keep working), but the agent it builds per
 * call is dropped: 1.x creates a new `https.Agent` per request, which defeats keep-alive and
 * leaks sockets on watch reconnects (fixed only in 2.x). We keep one keep-alive agent per
 * client and rebuild it only when the TLS material changes.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { sleep } from '../clock.js';
import { apiWrites, restLatency, restRateLimiterLatency, restRequests } from '../metrics.js';
import { ApiError } from './errors.js';
import { isWriteVerb, type RequestStats, type Verb } from './request-stats.js';
import type { TokenBucket } from './token-bucket.js';

/** One request as the client describes it. Bodies are never logged: they can hold Secrets. */
export interface RequestSpec {
  verb: Verb;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** The Accept header (default `application/json`). */
  accept?: string;
  signal?: AbortSignal;
  /** Overrides the client's request timeout (ignored for streams). */
  timeoutMs?: number;
}

/** A completed response with a 2xx status. */
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface TransportOptions {
  limiter: TokenBucket;
  stats: RequestStats;
  timeoutMs: number;
  userAgent: string;
}

type Connection = { agent: http.Agent; headers: Record<string, string> };

const MAX_THROTTLE_RETRIES = 3;

export class Transport {
  readonly server: URL;
  /** host:port, the `host` label of the rest_client metrics. */
  readonly host: string;
  private agent: http.Agent | undefined;
  private fingerprint = '';
  private cached: { at: number; conn: Connection } | undefined;

  constructor(
    private readonly kc: KubeConfig,
    private readonly opts: TransportOptions,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
    this.host = this.server.host;
  }

  /**
   * Sends a request through the rate limiter. 429s are retried after `Retry-After` (up to 3
   * times) and a reset on a reused keep-alive socket once (except POST, which may have landed);
   * any other status ≥ 400 throws an `ApiError`.
   */
  async request(spec: RequestSpec): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const waited = await this.opts.limiter.take();
      restRateLimiterLatency.observe({ verb: spec.method, host: this.host }, waited / 1000);
      let res: HttpResponse;
      try {
        res = await this.send(spec);
      } catch (err) {
        if (attempt === 0 && spec.method !== 'POST' && (err as { reusedSocket?: boolean }).reusedSocket)
          continue;
        throw err;
      }
      if (res.status === 429 && attempt < MAX_THROTTLE_RETRIES && !spec.signal?.aborted) {
        const seconds = Number(res.headers['retry-after'] ?? 1);
        await sleep(Math.min(10, Number.isFinite(seconds) ? seconds : 1) * 1000, spec.signal);
        continue;
      }
      if (res.status >= 400) {
        throw ApiError.fromResponse(res.status, res.body, header(res.headers, 'retry-after'), describe(spec));
      }
      return res;
    }
  }

  /**
   * Opens a streaming response (watch). Not rate limited, no timeout once the headers arrived:
   * the caller's signal ends it. A non-200 status throws an `ApiError`.
   */
  async stream(spec: RequestSpec): Promise<http.IncomingMessage> {
    const conn = await this.connection();
    this.opts.stats.record(spec.verb);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = this.makeRequest(spec, conn, spec.signal);
      req.on('response', (res) => {
        this.observe(spec, String(res.statusCode ?? 0), started);
        if (res.statusCode === 200) return resolve(res);
        collect(res).then(
          (body) =>
            reject(
              ApiError.fromResponse(
                res.statusCode ?? 0,
                body,
                header(res.headers, 'retry-after'),
                describe(spec),
              ),
            ),
          reject,
        );
      });
      req.on('error', (err) => {
        this.observe(spec, '<error>', started);
        reject(err);
      });
      req.end(encodeBody(spec.body));
    });
  }

  /** Closes idle keep-alive sockets; in-flight requests finish. */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
    this.fingerprint = '';
    this.cached = undefined;
  }

  private async send(spec: RequestSpec): Promise<HttpResponse> {
    const conn = await this.connection();
    const timeout = AbortSignal.timeout(spec.timeoutMs ?? this.opts.timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    this.opts.stats.record(spec.verb);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = this.makeRequest(spec, conn, signal);
      req.on('response', (res) => {
        collect(res).then((body) => {
          this.observe(spec, String(res.statusCode ?? 0), started);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        }, reject);
      });
      req.on('error', (err: Error & { reusedSocket?: boolean }) => {
        this.observe(spec, '<error>', started);
        err.reusedSocket = req.reusedSocket;
        reject(err);
      });
      req.end(encodeBody(spec.body));
    });
  }

  private makeRequest(
    spec: RequestSpec,
    conn: Connection,
    signal: AbortSignal | undefined,
  ): http.ClientRequest {
    const url = new URL(this.server.toString());
    url.pathname = `${url.pathname.replace(/\/$/, '')}${spec.path}`;
    for (const [k, v] of Object.entries(spec.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      ...conn.headers,
      Accept: spec.accept ?? 'application/json',
      'User-Agent': this.opts.userAgent,
    };
    const body = encodeBody(spec.body);
    if (body !== undefined) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      // Explicit, because Node sends DELETE without chunked encoding by default.
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const lib = url.protocol === 'http:' ? http : https;
    return lib.request(url, { method: spec.method, headers, agent: conn.agent, signal });
  }

  private observe(spec: RequestSpec, code: string, started: number): void {
    restRequests.inc({ code, method: spec.method, host: this.host });
    if (isWriteVerb(spec.verb)) apiWrites.inc({ verb: spec.verb, ...resourceOfPath(spec.path) });
    restLatency.observe({ verb: spec.method, host: this.host }, (performance.now() - started) / 1000);
  }

  /**
   * The bearer token this client authenticates with (a ServiceAccount's, re-read as it rotates),
   * for services that check the same identity with a TokenReview; undefined for other credentials.
   */
  async bearerToken(): Promise<string | undefined> {
    const auth = (await this.connection()).headers.Authorization;
    return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
  }

  /**
   * Credentials for this request and the shared agent for the current TLS material, computed at
   * most once a second: client-node re-reads rotating token files and exec credentials in
   * `applyToHTTPSOptions`, but doing that (and hashing the TLS material) per request cost a few
   * percent of CPU at thousands of requests a second.
   */
  private async connection(): Promise<Connection> {
    const now = performance.now();
    if (this.cached && now - this.cached.at < CONNECTION_TTL_MS) return this.cached.conn;
    const conn = await this.freshConnection();
    this.cached = { at: now, conn };
    return conn;
  }

  private async freshConnection(): Promise<Connection> {
    const o: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(o);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (o.auth) headers.Authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
    const tls = {
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      rejectUnauthorized: o.rejectUnauthorized,
      servername: o.servername,
    };
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(tls, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v)))
      .digest('hex');
    if (!this.agent || fingerprint !== this.fingerprint) {
      this.agent?.destroy();
      this.fingerprint = fingerprint;
      // A proxy needs client-node's proxy agents; otherwise our own keep-alive agent.
      this.agent = this.kc.getCurrentCluster()?.proxyUrl
        ? (o.agent as http.Agent)
        : this.server.protocol === 'http:'
          ? new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000 })
          : new https.Agent({ ...tls, keepAlive: true, keepAliveMsecs: 30_000 });
    }
    return { agent: this.agent, headers };
  }
}

const CONNECTION_TTL_MS = 1_000;

/**
 * The resource and subresource a request path names: `/api/v1/namespaces/ns/configmaps/x` →
 * configmaps, `/apis/g/v/managedclusters/x/status` → managedclusters + status.
 */
export function resourceOfPath(path: string): { resource: string; subresource: string } {
  const parts = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  return { resource: rest[0] ?? '', subresource: rest[2] ?? '' };
}

function collect(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => resolve(body));
    res.on('error', reject);
    // An abort or a dropped connection mid-body ends without 'end'.
    res.on('close', () => {
      if (!res.complete) reject(new Error('connection closed before the response was complete'));
    });
  });
}

function encodeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function describe(spec: RequestSpec): string {
  return `${spec.method} ${spec.path}`;
}
