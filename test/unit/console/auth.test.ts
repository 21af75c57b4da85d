import { describe, expect, it } from '@jest/globals';
import { ConsoleAuth } from '../../../src/console/server/auth.js';
import { HttpError } from '../../../src/console/server/errors.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import type { KubeObject } from '../../../src/runtime/client/types.js';

/** A review client that knows one token and allows what `rules` lists. */
function fakeReviews(rules: string[]) {
  const calls: string[] = [];
  const client = {
    async create<T extends KubeObject>(obj: T): Promise<T & KubeObject> {
      const o = obj as unknown as { kind: string; spec: Record<string, unknown> };
      if (o.kind === 'TokenReview') {
        calls.push('tr');
        const ok = o.spec.token === 'good';
        if ('audiences' in o.spec) throw new Error('audiences must not be set');
        return { ...obj, status: ok ? { authenticated: true, user: { username: 'alice' } } : { authenticated: false } };
      }
      const a = o.spec.resourceAttributes as Record<string, string>;
      const key = `${a.verb} ${a.resource}${a.name ? `/${a.name}` : ''}${a.namespace ? ` in ${a.namespace}` : ''}`;
      calls.push(key);
      return { ...obj, status: { allowed: rules.includes(key) } };
    },
  };
  return { client, calls };
}

describe('ConsoleAuth', () => {
  it('answers 401 without a token and with an invalid one', async () => {
    const { client } = fakeReviews([]);
    const auth = new ConsoleAuth(client, silentLogger);
    await expect(auth.authenticate(undefined)).rejects.toMatchObject({ status: 401 });
    await expect(auth.authenticate('Bearer bad')).rejects.toBeInstanceOf(HttpError);
  });

  it('gives list-all users every cluster, others the sets they may get', async () => {
    const auth = new ConsoleAuth(fakeReviews(['get managedclustersets/blue']).client, silentLogger);
    const caller = await auth.authenticate('Bearer good');
    expect(caller.user.username).toBe('alice');
    const access = await auth.clusterAccess(caller, ['blue', 'green']);
    expect(access).toEqual({ all: false, sets: new Set(['blue']) });
    const admin = new ConsoleAuth(fakeReviews(['list managedclusters']).client, silentLogger);
    expect(await admin.clusterAccess(await admin.authenticate('Bearer good'), ['blue'])).toEqual({ all: true });
  });

  it('caches reviews per token for the TTL, then asks again', async () => {
    let now = 0;
    const { client, calls } = fakeReviews(['list agentrollouts in ops']);
    const auth = new ConsoleAuth(client, silentLogger, 10_000, () => now);
    for (let i = 0; i < 3; i++) {
      const caller = await auth.authenticate('Bearer good');
      expect(await auth.rolloutNamespaces(caller, ['ops', 'dev'], 'maestro.multicluster.openshift.io')).toEqual(
        new Set(['ops']),
      );
    }
    expect(calls).toEqual(['tr', 'list agentrollouts in ops', 'list agentrollouts in dev']);
    now = 10_001;
    await auth.rolloutNamespaces(await auth.authenticate('Bearer good'), ['ops'], 'maestro.multicluster.openshift.io');
    expect(calls.length).toBe(5);
  });
});
