import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import type { KubeObject } from '../../../src/runtime/client/types.js';
import { Informer } from '../../../src/runtime/informer.js';
import { eventually } from '../../harness/eventually.js';
import { coreDiscovery, fakeClient, SERVER } from './nock-helpers.js';
import { cm, frames } from './watch-fixtures.js';

beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
// Each test file loads its own nock; deactivate ours so the next file's sees the requests.
afterAll(() => nock.restore());

const LIST = '/api/v1/namespaces/ns/configmaps';
const isList = () => (q: Record<string, unknown>) => q.watch === undefined;
const isWatch = (rv: string) => (q: Record<string, unknown>) =>
  q.watch === 'true' && q.resourceVersion === rv;
/** A watch response that stays open until the client goes away. */
const hangingWatch = () => new PassThrough();

function record(informer: Informer<KubeObject>): string[] {
  const events: string[] = [];
  informer.addHandler({
    add: (o) => events.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
    update: (_old, o) => events.push(`update ${o.metadata.name}@${o.metadata.resourceVersion}`),
    delete: (o) => events.push(`delete ${o.metadata.name}`),
  });
  return events;
}

const newInformer = (extra: Partial<ConstructorParameters<typeof Informer>[0]> = {}) =>
  new Informer({
    client: fakeClient(),
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'ns',
    reconnectInitialMs: 5,
    reconnectMaxMs: 20,
    ...extra,
  });

describe('Informer', () => {
  it('lists, watches from the list resourceVersion, and re-lists on 410 Expired', async () => {
    coreDiscovery();
    const lists: string[] = [];
    nock(SERVER)
      .get(LIST)
      .query(isList())
      .reply(200, () => {
        lists.push('first');
        return { metadata: { resourceVersion: '10' }, items: [cm('a', '5'), cm('gone', '6')] };
      })
      .get(LIST)
      .query(isWatch('10'))
      .reply(
        200,
        frames({
          type: 'ERROR',
          object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' },
        }),
      )
      .get(LIST)
      .query(isList())
      .reply(200, () => {
        lists.push('second');
        return { metadata: { resourceVersion: '20' }, items: [cm('a', '12'), cm('b', '11')] };
      })
      .get(LIST)
      .query(isWatch('20'))
      .reply(200, hangingWatch);
    const informer = newInformer();
    const events = record(informer);
    informer.start();
    await eventually(() => informer.lastResourceVersion() === '20', { timeout: 15_000, interval: 10 });
    await informer.stop();
    expect(lists).toEqual(['first', 'second']);
    expect(events).toEqual(['add a@5', 'add gone@6', 'delete gone', 'update a@12', 'add b@11']);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['a', 'b']);
    // The default transform drops managedFields from the cache.
    expect(informer.get('ns', 'a')?.metadata.managedFields).toBeUndefined();
  });

  it('reconnects a dropped watch from the last resourceVersion without re-listing, also after a 5xx', async () => {
    coreDiscovery();
    let lists = 0;
    nock(SERVER)
      .get(LIST)
      .query(isList())
      .reply(200, () => {
        lists++;
        return { metadata: { resourceVersion: '10' }, items: [cm('a', '5')] };
      })
      // The connection ends after one event (as when kube-apiserver restarts).
      .get(LIST)
      .query(isWatch('10'))
      .reply(200, frames({ type: 'ADDED', object: cm('c', '11') }))
      .get(LIST)
      .query(isWatch('11'))
      .reply(500, { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd unavailable' })
      // (No ECONNRESET step: nock's replyWithError makes @mswjs's mock socket emit an unhandled
      // 'error' in about one run in four when files run in parallel, a race in the mock.)
      .get(LIST)
      .query(isWatch('11'))
      .reply(
        200,
        frames(
          { type: 'MODIFIED', object: cm('c', '12') },
          { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '15' } } },
        ),
      )
      .get(LIST)
      .query(isWatch('15'))
      .reply(200, hangingWatch);
    const informer = newInformer();
    const events = record(informer);
    informer.start();
    await eventually(() => informer.lastResourceVersion() === '15', { timeout: 15_000, interval: 10 });
    await informer.stop();
    expect(lists).toBe(1);
    expect(events).toEqual(['add a@5', 'add c@11', 'update c@12']);
    // Three reconnects with real backoff (~1.4 s) outlast Jest's 5 s default on a loaded machine.
  }, 20_000);

  it('only emits update when the resourceVersion changed', async () => {
    coreDiscovery();
    nock(SERVER)
      .get(LIST)
      .query(isList())
      .reply(200, { metadata: { resourceVersion: '10' }, items: [cm('a', '5')] })
      .get(LIST)
      .query(isWatch('10'))
      .reply(
        200,
        frames({ type: 'MODIFIED', object: cm('a', '5') }, { type: 'MODIFIED', object: cm('a', '13') }),
      )
      .get(LIST)
      .query(isWatch('13'))
      .reply(200, hangingWatch);
    const informer = newInformer();
    const events = record(informer);
    informer.start();
    await eventually(() => informer.lastResourceVersion() === '13', { timeout: 15_000, interval: 10 });
    await informer.stop();
    expect(events).toEqual(['add a@5', 'update a@13']);
  });

  it('re-lists when the watch goes silent (watchdog)', async () => {
    coreDiscovery();
    let lists = 0;
    nock(SERVER)
      .get(LIST)
      .query(isList())
      .times(2)
      .reply(200, () => {
        lists++;
        return { metadata: { resourceVersion: String(10 * lists) }, items: [cm('a', String(5 * lists))] };
      })
      .get(LIST)
      .query(isWatch('10'))
      .reply(200, hangingWatch)
      .get(LIST)
      .query(isWatch('20'))
      .reply(200, hangingWatch);
    const informer = newInformer({ watchdogMs: 100 });
    const events = record(informer);
    informer.start();
    await eventually(() => lists === 2 && informer.lastResourceVersion() === '20', {
      timeout: 15_000,
      interval: 10,
    });
    await informer.stop();
    expect(events).toEqual(['add a@5', 'update a@10']);
  });

  it('waits while the kind is not served, then syncs once its CRD appears', async () => {
    let served = false;
    // Discovery is asked again every 20 ms or so until served: however long a loaded runner
    // takes between the two phases, it must not run out of answers.
    nock(SERVER)
      .persist()
      .get('/apis/example.com/v1')
      .reply(() =>
        served
          ? [200, { resources: [{ name: 'widgets', kind: 'Widget', namespaced: false }] }]
          : [404, { kind: 'Status', code: 404, reason: 'NotFound' }],
      );
    nock(SERVER)
      .get('/apis/example.com/v1/widgets')
      .query(isList())
      .reply(200, {
        metadata: { resourceVersion: '3' },
        items: [{ metadata: { name: 'w', resourceVersion: '2' } }],
      })
      .get('/apis/example.com/v1/widgets')
      .query(isWatch('3'))
      .reply(200, hangingWatch);
    const client = fakeClient();
    const informer = new Informer({
      client,
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      notServedMaxMs: 20,
    });
    informer.start();
    await eventually(() => !informer.served(), { timeout: 15_000, interval: 10 });
    expect(informer.hasSynced()).toBe(false);
    served = true;
    expect(await informer.waitForSync(AbortSignal.timeout(15_000))).toBe(true);
    expect(informer.served()).toBe(true);
    expect(informer.get(undefined, 'w')?.kind).toBe('Widget');
    await informer.stop();
  });

  it('reads its own writes and deletes at once, in get, list and byIndex, until the watch delivers them', async () => {
    coreDiscovery();
    const watch = hangingWatch();
    nock(SERVER)
      .get(LIST)
      .query(isList())
      .reply(200, { metadata: { resourceVersion: '10' }, items: [cm('a', '5'), cm('b', '6')] })
      .get(LIST)
      .query(isWatch('10'))
      .reply(200, () => watch);
    const informer = newInformer();
    informer.addIndex('by-data', (o) => [String((o as { data?: { v?: string } }).data?.v ?? '')]);
    const events = record(informer);
    informer.start();
    await informer.waitForSync();
    // Our writes: a changed (the response carries managedFields, trimmed as the cache would), c created.
    informer.recordWrite(cm('a', '11', { v: 'x' }));
    informer.recordWrite(cm('c', '12', { v: 'x' }));
    informer.recordDelete('ns', 'b');
    const names = (objs: KubeObject[]) =>
      objs.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
    expect(informer.get('ns', 'a')?.metadata).toEqual({ name: 'a', namespace: 'ns', resourceVersion: '11' });
    expect(informer.get('ns', 'b')).toBeUndefined();
    expect(names(informer.list())).toEqual(['a@11', 'c@12']);
    expect(names(informer.list('ns'))).toEqual(['a@11', 'c@12']);
    expect(names(informer.byIndex('by-data', 'x'))).toEqual(['a@11', 'c@12']);
    expect(informer.byIndex('by-data', '')).toEqual([]);
    // The watch delivers an older change of a (ours still shows), then ours; b's deletion; c.
    watch.write(frames({ type: 'MODIFIED', object: cm('a', '10') }));
    await eventually(() => informer.lastResourceVersion() === '10', { timeout: 5_000, interval: 5 });
    expect(informer.get('ns', 'a')?.metadata.resourceVersion).toBe('11');
    watch.write(
      frames(
        { type: 'MODIFIED', object: cm('a', '11', { v: 'x' }) },
        { type: 'DELETED', object: cm('b', '13') },
        { type: 'ADDED', object: cm('c', '12', { v: 'x' }) },
        { type: 'MODIFIED', object: cm('c', '14', { v: 'y' }) },
      ),
    );
    await eventually(() => informer.lastResourceVersion() === '14', { timeout: 5_000, interval: 5 });
    expect(names(informer.list())).toEqual(['a@11', 'c@14']);
    expect(names(informer.byIndex('by-data', 'x'))).toEqual(['a@11']);
    await informer.stop();
    // Handlers saw only the watch, never the recorded writes.
    expect(events).toEqual([
      'add a@5',
      'add b@6',
      'update a@10',
      'update a@11',
      'delete b',
      'add c@12',
      'update c@14',
    ]);
  });

  it('keeps secondary indexes current', async () => {
    coreDiscovery();
    nock(SERVER)
      .get(LIST)
      .query(isList())
      .reply(200, {
        metadata: { resourceVersion: '10' },
        items: [cm('a', '1', { owner: 'x' }), cm('b', '2', { owner: 'y' })],
      })
      .get(LIST)
      .query(isWatch('10'))
      .reply(200, frames({ type: 'MODIFIED', object: cm('b', '11', { owner: 'x' }) }))
      .get(LIST)
      .query(isWatch('11'))
      .reply(200, hangingWatch);
    const informer = newInformer();
    informer.addIndex('owner', (o) => [(o as KubeObject & { data?: { owner?: string } }).data?.owner ?? '']);
    informer.start();
    await eventually(() => informer.lastResourceVersion() === '11', { timeout: 15_000, interval: 10 });
    await informer.stop();
    expect(
      informer
        .byIndex('owner', 'x')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(informer.byIndex('owner', 'y')).toEqual([]);
    expect(informer.list('ns')).toHaveLength(2);
    expect(informer.list('other')).toHaveLength(0);
  });
});
