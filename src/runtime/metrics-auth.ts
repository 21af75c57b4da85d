/**
 * Authentication and authorization of `/metrics` scrapes, as controller-runtime's
 * `filters.WithAuthenticationAndAuthorization`: the bearer token goes to a TokenReview
 * (authentication.k8s.io/v1), the user it names to a SubjectAccessReview (authorization.k8s.io/v1)
 * for `get` on the non-resource URL `/metrics`. Decisions are cached briefly by a hash of the token
 * (a Prometheus scrape every 30 s costs two API calls a minute, not four), and the token itself is
 * never logged nor kept.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from './client/types.js';
import { errorSummary } from './client/errors.js';
import type { Logger } from './logger.js';

/** What the reviews need from a client: `KubeClient.create`. */
export interface ReviewClient {
  create<T extends KubeObject>(obj: T): Promise<T & KubeObject>;
}

interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

interface TokenReview extends KubeObject {
  spec: { token: string };
  status?: { authenticated?: boolean; user?: UserInfo; error?: string };
}

interface SubjectAccessReview extends KubeObject {
  spec: {
    user?: string;
    uid?: string;
    groups?: string[];
    extra?: Record<string, string[]>;
    nonResourceAttributes: { path: string; verb: string };
  };
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

/**
 * The answer to one request: 200 serve the metrics, 401 no or invalid token, 403 a user without
 * `get /metrics`, 500 the API server could not be asked (not cached: the next scrape asks again).
 */
export interface Decision {
  status: 200 | 401 | 403 | 500;
  /** For the response body and logs: never contains the token. */
  reason: string;
  user?: string;
}

/** A small map with per-entry expiry and a size bound (oldest entries go first). */
export class DecisionCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key);
    if (ttlMs <= 0) return;
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    if (this.entries.size <= this.maxEntries) return;
    // Expired entries first, then the oldest inserted (Map keeps insertion order).
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(k);
    }
  }
}

export interface MetricsAuthOptions {
  client: ReviewClient;
  logger: Logger;
  /** The non-resource path the SubjectAccessReview asks about (default `/metrics`). */
  path?: string;
  /** How long an allowed token stays allowed (default 1 min, like the delegating authorizer). */
  allowTtlMs?: number;
  /** How long a refused token (401 or 403) stays refused (default 10 s). */
  denyTtlMs?: number;
  /** Bound of the cache; a flood of random tokens evicts the oldest decisions (default 1024). */
  maxEntries?: number;
  now?: () => number;
}

/** Extracts the token of an `Authorization: Bearer …` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

export class MetricsAuthorizer {
  private readonly cache: DecisionCache<Decision>;
  private readonly inFlight = new Map<string, Promise<Decision>>();
  private readonly log: Logger;
  private readonly path: string;
  private readonly allowTtlMs: number;
  private readonly denyTtlMs: number;

  constructor(private readonly opts: MetricsAuthOptions) {
    this.cache = new DecisionCache(opts.maxEntries ?? 1024, opts.now);
    this.log = opts.logger.child({ component: 'metrics-auth' });
    this.path = opts.path ?? '/metrics';
    this.allowTtlMs = opts.allowTtlMs ?? 60_000;
    this.denyTtlMs = opts.denyTtlMs ?? 10_000;
  }

  /** The decision for a request's Authorization header. */
  async authorize(authorization: string | undefined): Promise<Decision> {
    const token = bearerToken(authorization);
    if (!token) return { status: 401, reason: 'Unauthorized: a bearer token is required' };
    const key = createHash('sha256').update(token).digest('base64');
    const cached = this.cache.get(key);
    if (cached) return cached;
    // Concurrent scrapes with one token share a single pair of reviews.
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.review(token).then((decision) => {
        if (decision.status !== 500)
          this.cache.set(key, decision, decision.status === 200 ? this.allowTtlMs : this.denyTtlMs);
        return decision;
      });
      pending.finally(() => this.inFlight.delete(key)).catch(() => undefined);
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async review(token: string): Promise<Decision> {
    let user: UserInfo | undefined;
    try {
      const tr = await this.opts.client.create<TokenReview>({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        metadata: {},
        spec: { token },
      });
      if (!tr.status?.authenticated) {
        this.log.debug({ error: tr.status?.error }, 'metrics request with an invalid token');
        return { status: 401, reason: 'Unauthorized' };
      }
      user = tr.status.user ?? {};
    } catch (err) {
      // errorSummary holds the API server's message, which never echoes the token.
      this.log.error({ error: errorSummary(err) }, 'TokenReview for a metrics request failed');
      return { status: 500, reason: 'Authentication failed: the API server could not review the token' };
    }
    const username = user.username ?? '';
    try {
      const sar = await this.opts.client.create<SubjectAccessReview>({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        metadata: {},
        spec: {
          user: user.username,
          uid: user.uid,
          groups: user.groups,
          extra: user.extra,
          nonResourceAttributes: { path: this.path, verb: 'get' },
        },
      });
      if (sar.status?.allowed) return { status: 200, reason: 'allowed', user: username };
      this.log.debug({ user: username, reason: sar.status?.reason }, 'metrics request forbidden');
      return {
        status: 403,
        reason: `Authorization denied for user ${username} to get ${this.path}`,
        user: username,
      };
    } catch (err) {
      this.log.error(
        { user: username, error: errorSummary(err) },
        'SubjectAccessReview for a metrics request failed',
      );
      return {
        status: 500,
        reason: `Authorization for user ${username} failed: the API server could not be asked`,
        user: username,
      };
    }
  }
}
