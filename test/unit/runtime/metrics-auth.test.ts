import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { KubeObject } from '../../../src/runtime/client/types.js';
import { ApiError } from '../../../src/runtime/client/errors.js';
import {
  bearerToken,
  DecisionCache,
  MetricsAuthorizer,
  type ReviewClient,
} from '../../../src/runtime/metrics-auth.js';

/** A fake API server: tokens → users, users allowed to get /metrics; counts the reviews. */
class FakeReviews implements ReviewClient {
  calls: KubeObject[] = [];
  failNext = 0;
  constructor(
    private readonly users: Record<string, { username: string; groups?: string[] }>,
    private readonly allowed: Set<string>,
  ) {}

  async create<T extends KubeObject>(obj: T): Promise<T & KubeObject> {
    this.calls.push(obj);
    if (this.failNext > 0) {
      this.failNext--;
      throw new ApiError(503, 'ServiceUnavailable', 'etcd is down', undefined, undefined, 'POST x');
    }
    const o = obj as unknown as { kind: string; spec: Record<string, unknown> };
    if (o.kind === 'TokenReview') {
      const user = this.users[o.spec.token as string];
      return {
        ...obj,
        status: user ? { authenticated: true, user } : { authenticated: false, error: 'invalid' },
      };
    }
    return { ...obj, status: { allowed: this.allowed.has(o.spec.user as string), reason: 'rbac' } };
  }

  count(kind: string): number {
    return this.calls.filter((c) => c.kind === kind).length;
  }
}

function logger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { log: pino({ level: 'trace' }, stream), lines };
}

function setup(now: { t: number }) {
  const reviews = new FakeReviews(
    {
      'prom-token': { username: 'system:serviceaccount:openshift-monitoring:prometheus-k8s', groups: ['g'] },
      'stranger-token': { username: 'stranger' },
    },
    new Set(['system:serviceaccount:openshift-monitoring:prometheus-k8s']),
  );
  const { log, lines } = logger();
  const auth = new MetricsAuthorizer({ client: reviews, logger: log, now: () => now.t, maxEntries: 8 });
  return { reviews, auth, lines };
}

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => expect(bearerToken(header)).toBe(token));
});

describe('DecisionCache', () => {
  it('expires entries after their TTL', () => {
    const now = { t: 0 };
    const c = new DecisionCache<string>(10, () => now.t);
    c.set('a', 'x', 1_000);
    now.t = 999;
    expect(c.get('a')).toBe('x');
    now.t = 1_000;
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('stays within its bound, dropping expired entries and then the oldest', () => {
    const now = { t: 0 };
    const c = new DecisionCache<number>(3, () => now.t);
    c.set('short', 0, 10);
    c.set('a', 1, 1_000);
    c.set('b', 2, 1_000);
    now.t = 20;
    c.set('c', 3, 1_000);
    expect(c.size).toBe(3);
    expect(c.get('short')).toBeUndefined();
    c.set('d', 4, 1_000);
    expect(c.size).toBe(3);
    expect(c.get('a')).toBeUndefined();
    expect([c.get('b'), c.get('c'), c.get('d')]).toEqual([2, 3, 4]);
    for (let i = 0; i < 100; i++) c.set(`k${i}`, i, 1_000);
    expect(c.size).toBe(3);
  });
});

describe('MetricsAuthorizer', () => {
  it('answers 401 without a token, without asking the API server', async () => {
    const { auth, reviews } = setup({ t: 0 });
    expect((await auth.authorize(undefined)).status).toBe(401);
    expect((await auth.authorize('Basic dXNlcjpwYXNz')).status).toBe(401);
    expect(reviews.calls).toEqual([]);
  });

  it('reviews the token, then asks about get /metrics with the user, groups and uid', async () => {
    const { auth, reviews } = setup({ t: 0 });
    expect(await auth.authorize('Bearer prom-token')).toMatchObject({ status: 200 });
    expect(reviews.calls).toEqual([
      expect.objectContaining({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview' }),
      expect.objectContaining({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: 'system:serviceaccount:openshift-monitoring:prometheus-k8s',
          groups: ['g'],
          nonResourceAttributes: { path: '/metrics', verb: 'get' },
        },
      }),
    ]);
    expect(await auth.authorize('Bearer stranger-token')).toMatchObject({ status: 403, user: 'stranger' });
    expect(await auth.authorize('Bearer garbage')).toMatchObject({ status: 401 });
  });

  it('caches an allowed token for a minute and a refused one for 10 s', async () => {
    const now = { t: 0 };
    const { auth, reviews } = setup(now);
    await auth.authorize('Bearer prom-token');
    await auth.authorize('Bearer stranger-token');
    await auth.authorize('Bearer garbage');
    expect(reviews.count('TokenReview')).toBe(3);
    // Scrapes every 30 s: within the minute nothing is asked again for the allowed token.
    now.t = 9_999;
    for (const t of ['prom-token', 'stranger-token', 'garbage']) await auth.authorize(`Bearer ${t}`);
    expect(reviews.count('TokenReview')).toBe(3);
    now.t = 10_000;
    await auth.authorize('Bearer prom-token');
    await auth.authorize('Bearer stranger-token');
    await auth.authorize('Bearer garbage');
    expect(reviews.count('TokenReview')).toBe(5);
    now.t = 60_000;
    await auth.authorize('Bearer prom-token');
    expect(reviews.count('TokenReview')).toBe(6);
    expect(reviews.count('SubjectAccessReview')).toBe(4);
  });

  it('shares one review between concurrent requests with the same token', async () => {
    const { auth, reviews } = setup({ t: 0 });
    const results = await Promise.all(Array.from({ length: 5 }, () => auth.authorize('Bearer prom-token')));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(reviews.count('TokenReview')).toBe(1);
  });

  it('answers 500 when the API server fails, does not cache that, and never logs the token', async () => {
    const { auth, reviews, lines } = setup({ t: 0 });
    reviews.failNext = 1;
    expect((await auth.authorize('Bearer prom-token')).status).toBe(500);
    expect((await auth.authorize('Bearer prom-token')).status).toBe(200);
    reviews.failNext = 0;
    await auth.authorize('Bearer garbage');
    await auth.authorize('Bearer stranger-token');
    const joined = lines.join('');
    expect(joined).toContain('TokenReview for a metrics request failed');
    for (const t of ['prom-token', 'garbage', 'stranger-token']) expect(joined).not.toContain(t);
  });
});
