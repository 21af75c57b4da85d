import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import {
  ApiError,
  isConflict,
  isGone,
  isNotFound,
  NotServedError,
} from '../../../src/runtime/client/errors.js';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../../src/runtime/client/index.js';
import { coreDiscovery, fakeClient, SERVER } from './nock-helpers.js';
import { cm, frames } from './watch-fixtures.js';

beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
// Each test file loads its own nock; deactivate ours so the next file's sees the requests.
afterAll(() => nock.restore());

describe('KubeClient', () => {
  it('gives its bearer token (for services that review the same identity), and none for other credentials', async () => {
    expect(await fakeClient().bearerToken()).toBe('test-token');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: SERVER, skipTLSVerify: false }],
      users: [{ name: 'u', username: 'admin', password: 'secret' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    expect(await new KubeClient({ kubeConfig: kc }).bearerToken()).toBeUndefined();
  });

  it('sends server-side apply as application/apply-patch+yaml with our field manager, without managedFields', async () => {
    const c = fakeClient();
    coreDiscovery();
    let body: unknown;
    const scope = nock(SERVER, {
      reqheaders: { 'content-type': 'application/apply-patch+yaml', authorization: 'Bearer test-token' },
    })
      .patch('/api/v1/namespaces/ns/configmaps/a')
      .query({ fieldManager: 'mce-maestro-operator', force: 'true' })
      .reply(200, (_uri, b) => {
        body = b;
        return cm('a', '2');
      });
    const out = await c.apply(cm('a', '1'));
    expect(out.metadata.resourceVersion).toBe('2');
    expect(JSON.parse(String(body))).toMatchObject({ metadata: { name: 'a', namespace: 'ns' } });
    expect(JSON.stringify(body)).not.toContain('managedFields');
    expect(c.stats.writes.apply).toBe(1);
    expect(c.stats.totalWrites).toBe(1);
    scope.done();
  });

  it('applies status through the status subresource', async () => {
    const c = fakeClient();
    coreDiscovery();
    const scope = nock(SERVER)
      .patch('/api/v1/namespaces/ns/configmaps/a/status')
      .query({ fieldManager: 'mce-maestro-operator', force: 'true' })
      .reply(200, cm('a', '3'));
    await c.applyStatus(cm('a', '1'));
    scope.done();
  });

  it('returns undefined for a 404 get and throws ApiError with status fields otherwise', async () => {
    const c = fakeClient();
    coreDiscovery();
    nock(SERVER)
      .get('/api/v1/namespaces/ns/configmaps/missing')
      .reply(404, {
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
        message: 'configmaps "missing" not found',
      })
      .put('/api/v1/namespaces/ns/configmaps/a')
      .query(true)
      .reply(409, { kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified' });
    expect(
      await c.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'missing' }),
    ).toBeUndefined();
    const err = await c.update(cm('a', '1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(isConflict(err)).toBe(true);
    expect((err as ApiError).message).toBe('the object has been modified');
    expect(isNotFound(err)).toBe(false);
  });

  it('retries a 429 after Retry-After', async () => {
    const c = fakeClient();
    coreDiscovery();
    const scope = nock(SERVER)
      .get('/api/v1/namespaces/ns/configmaps/a')
      .reply(429, { kind: 'Status', code: 429, reason: 'TooManyRequests' }, { 'Retry-After': '0' })
      .get('/api/v1/namespaces/ns/configmaps/a')
      .reply(200, cm('a', '1'));
    expect(
      (await c.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'a' }))?.metadata.name,
    ).toBe('a');
    scope.done();
  });

  it('follows continue tokens and fills in apiVersion/kind of list items', async () => {
    const c = fakeClient();
    coreDiscovery();
    const item = (n: string) => ({ metadata: { name: n, namespace: 'ns', resourceVersion: '1' } });
    nock(SERVER)
      .get('/api/v1/configmaps')
      .query({ limit: '2' })
      .reply(200, { metadata: { resourceVersion: '10', continue: 'c1' }, items: [item('a'), item('b')] })
      .get('/api/v1/configmaps')
      .query({ limit: '2', continue: 'c1' })
      .reply(200, { metadata: { resourceVersion: '10' }, items: [item('c')] });
    const out = await c.list('v1', 'ConfigMap', { limit: 2 });
    expect(out.resourceVersion).toBe('10');
    expect(out.items.map((i) => [i.kind, i.apiVersion, i.metadata.name])).toEqual([
      ['ConfigMap', 'v1', 'a'],
      ['ConfigMap', 'v1', 'b'],
      ['ConfigMap', 'v1', 'c'],
    ]);
    expect(c.stats.reads).toBe(3);
  });

  it('streams watch events with bookmarks requested, and turns an ERROR event into an ApiError', async () => {
    const c = fakeClient();
    coreDiscovery();
    nock(SERVER)
      .get('/api/v1/namespaces/ns/configmaps')
      .query({ watch: 'true', resourceVersion: '5', allowWatchBookmarks: 'true' })
      .reply(
        200,
        frames(
          { type: 'ADDED', object: cm('a', '6') },
          { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '7' } } },
          { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' } },
        ),
      );
    const seen: string[] = [];
    const err = await (async () => {
      for await (const ev of c.watch('v1', 'ConfigMap', { namespace: 'ns', resourceVersion: '5' }))
        seen.push(ev.type);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['ADDED', 'BOOKMARK']);
    expect(isGone(err)).toBe(true);
    expect(c.stats.watches).toBe(1);
  });

  it('reports a kind the server does not serve as NotServedError', async () => {
    const c = fakeClient();
    nock(SERVER).get('/apis/example.com/v1').reply(404, { kind: 'Status', code: 404, reason: 'NotFound' });
    await expect(c.list('example.com/v1', 'Widget')).rejects.toBeInstanceOf(NotServedError);
  });

  it('deletes with options and resolves false when already gone', async () => {
    const c = fakeClient();
    coreDiscovery();
    let body: unknown;
    nock(SERVER)
      .delete('/api/v1/namespaces/ns/configmaps/a')
      .reply(200, (_u, b) => {
        body = b;
        return { kind: 'Status', status: 'Success' };
      })
      .delete('/api/v1/namespaces/ns/configmaps/a')
      .reply(404, { kind: 'Status', code: 404, reason: 'NotFound' });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'a' };
    expect(await c.delete(ref, { propagationPolicy: 'Foreground', preconditions: { uid: 'u1' } })).toBe(true);
    expect(body).toMatchObject({ propagationPolicy: 'Foreground', preconditions: { uid: 'u1' } });
    expect(await c.delete(ref)).toBe(false);
    expect(c.stats.writes.delete).toBe(2);
  });

  it('rate limits requests with the shared token bucket', async () => {
    const c = fakeClient({ qps: 20, burst: 1 });
    coreDiscovery();
    nock(SERVER).get('/api/v1/namespaces/ns/configmaps/a').times(3).reply(200, cm('a', '1'));
    const started = Date.now();
    for (let i = 0; i < 3; i++)
      await c.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'a' });
    // 4 requests (discovery + 3) at 20 qps with burst 1: at least 3 × 50 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('resourceOfPath', () => {
  it('names the resource and subresource of core, group, namespaced and cluster-scoped paths', async () => {
    const { resourceOfPath } = await import('../../../src/runtime/client/transport.js');
    expect(resourceOfPath('/api/v1/namespaces/ns/configmaps/x')).toEqual({
      resource: 'configmaps',
      subresource: '',
    });
    expect(resourceOfPath('/api/v1/namespaces/ns')).toEqual({ resource: 'namespaces', subresource: '' });
    expect(resourceOfPath('/apis/cluster.open-cluster-management.io/v1/managedclusters/c1/status')).toEqual({
      resource: 'managedclusters',
      subresource: 'status',
    });
    expect(
      resourceOfPath('/apis/work.open-cluster-management.io/v1/namespaces/c1/manifestworks?fieldManager=x'),
    ).toEqual({
      resource: 'manifestworks',
      subresource: '',
    });
  });
});
