import { afterEach, describe, expect, it } from 'vitest';
import { actionResultSchema, MAX_PAGE_SIZE } from '../src/lib/contract';
import { ConsoleStore, regionName } from '../src/lib/store';
import { REGIONS_STORAGE_KEY } from '../src/lib/storage';
import { cluster, FakeRegion, fakeFetch, info, rollout, until } from './fake-region';

/** West's clusters: more than one of the largest pages, so loading it takes exactly two requests. */
const WEST = MAX_PAGE_SIZE + 200;
const stores: ConsoleStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.dispose();
  localStorage.clear();
});

function setup(timeoutMs = 200) {
  const west = new FakeRegion('https://west.example.com', info('eu-west'));
  const north = new FakeRegion('https://north.example.com', info('eu-north', true));
  const south = new FakeRegion('https://south.example.com', info('eu-south'));
  west.clusters = Array.from({ length: WEST }, (_, i) => cluster(`w-${String(i).padStart(5, '0')}`));
  north.clusters = [cluster('n-1'), cluster('n-2')];
  north.rollouts = [rollout('fleet', 'upgrade')];
  south.clusters = [cluster('s-1')];
  const store = new ConsoleStore({ fetchImpl: fakeFetch([west, north, south]), timeoutMs, random: () => 0 });
  stores.push(store);
  return { store, west, north, south };
}

const byName = (store: ConsoleStore, name: string) => {
  const r = store.regions.find((x) => regionName(x) === name);
  if (!r) throw new Error(`no region ${name}`);
  return r;
};

describe('ConsoleStore', () => {
  it('shows /info before sign-in, loads every page after, and keeps regions apart', async () => {
    const { store, west, north, south } = setup();
    for (const r of [west, north, south]) store.addRegion(r.base);
    await until(() => store.regions.every((r) => r.info !== undefined));
    expect(store.regions.map((r) => [regionName(r), r.status])).toEqual([
      ['eu-west', 'Signed out'],
      ['eu-north', 'Signed out'],
      ['eu-south', 'Signed out'],
    ]);
    south.down = true;
    const [w, n, s] = store.regions;
    store.signIn(w!.id, 'good-token');
    store.signIn(n!.id, 'wrong-token');
    store.signIn(s!.id, 'good-token');
    expect(w!.status).toBe('Loading');
    await until(
      () => w!.status === 'Signed in' && n!.status === 'Unauthorized' && s!.status === 'Unreachable',
    );
    expect(w!.data.clusters.size).toBe(WEST);
    // In the largest pages the server gives: two requests, not the three of DEFAULT_PAGE_SIZE or more.
    expect(
      west.requests.filter((r) => r.url.includes('/api/v1/clusters')).map((r) => new URL(r.url).search),
    ).toEqual([
      `?limit=${MAX_PAGE_SIZE}&format=columns`,
      `?limit=${MAX_PAGE_SIZE}&format=columns&continue=${MAX_PAGE_SIZE}`,
    ]);
    expect(n!.data.clusters.size).toBe(0);
    expect(n!.token).toBeUndefined();
    expect(n!.error).toBe('token review: the token is not valid');
    expect(s!.error).toContain('cannot reach the region');
    // The down region retries with backoff and recovers by itself.
    south.down = false;
    await until(() => s!.status === 'Signed in', 5000);
    expect(s!.data.clusters.size).toBe(1);
  });

  it('a region that does not answer in time is Unreachable while the others load', async () => {
    const { store, west, south } = setup(100);
    store.addRegion(west.base);
    store.addRegion(south.base);
    await until(() => store.regions.every((r) => r.info));
    south.hang = true;
    for (const r of store.regions) store.signIn(r.id, 'good-token');
    await until(
      () =>
        byName(store, 'eu-west').status === 'Signed in' && byName(store, 'eu-south').status === 'Unreachable',
    );
    expect(byName(store, 'eu-south').error).toBe('no answer within 100 ms');
  });

  it('applies change events live, reloads on resync, and reconnects after the stream drops', async () => {
    const { store, north } = setup();
    const region = store.addRegion(north.base);
    await until(() => region.info !== undefined);
    store.signIn(region.id, 'good-token');
    await until(() => region.status === 'Signed in' && north.openStreams === 1);
    let notified = 0;
    store.subscribe(() => notified++);

    north.push({
      type: 'cluster',
      action: 'upsert',
      name: 'n-3',
      cluster: cluster('n-3', { labels: { team: 'x' } }),
    });
    north.push({ type: 'cluster', action: 'delete', name: 'n-1' });
    north.push({
      type: 'rollout',
      action: 'upsert',
      namespace: 'fleet',
      name: 'upgrade',
      rollout: rollout('fleet', 'upgrade', { phase: 'Succeeded' }),
    });
    await until(() => region.data.clusters.has('n-3') && !region.data.clusters.has('n-1'));
    expect(region.data.rollouts.get('fleet/upgrade')?.phase).toBe('Succeeded');
    await until(() => notified > 0);

    north.clusters = [cluster('n-9')];
    const before = north.requests.filter((r) => r.url.includes('/api/v1/clusters')).length;
    north.push({ type: 'resync' });
    await until(() => region.data.clusters.has('n-9') && region.data.clusters.size === 1);
    expect(north.requests.filter((r) => r.url.includes('/api/v1/clusters')).length).toBe(before + 1);

    north.clusters = [cluster('n-9'), cluster('n-10')];
    north.dropStreams();
    await until(() => north.openStreams === 1 && region.data.clusters.size === 2, 5000);
    expect(region.status).toBe('Signed in');
    expect(region.live).toBe(true);
  });

  it('signs out: stream closed, token and data dropped', async () => {
    const { store, north } = setup();
    const region = store.addRegion(north.base);
    store.signIn(region.id, 'good-token');
    await until(() => region.status === 'Signed in' && north.openStreams === 1);
    store.signOut(region.id);
    expect(region.status).toBe('Signed out');
    expect(region.token).toBeUndefined();
    expect(region.data.clusters.size).toBe(0);
    await until(() => north.openStreams === 0);
  });

  it('an action answered 401 signs the region out as Unauthorized', async () => {
    const { store, north } = setup();
    const region = store.addRegion(north.base);
    store.signIn(region.id, 'good-token');
    await until(() => region.status === 'Signed in');
    north.token = 'rotated';
    await expect(
      store.call(region.id, '/api/v1/clusters/n-1/labels', actionResultSchema, { method: 'PATCH', body: {} }),
    ).rejects.toThrow('token review: the token is not valid');
    expect(region.status).toBe('Unauthorized');
  });

  it('stores nothing but the endpoint URLs: no token, no cluster name', async () => {
    const { store, west, north } = setup();
    store.addRegion(west.base);
    store.addRegion(north.base + '/');
    for (const r of store.regions) store.signIn(r.id, 'good-token');
    await until(() => store.regions.every((r) => r.status === 'Signed in'));
    expect(Object.keys(localStorage)).toEqual([REGIONS_STORAGE_KEY]);
    const stored = localStorage.getItem(REGIONS_STORAGE_KEY) ?? '';
    expect(JSON.parse(stored)).toEqual([west.base, north.base]);
    expect(stored).not.toContain('good-token');
    expect(stored).not.toContain('n-1');
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).toBe('');
    // A fresh store (a reload of the page) gets the regions back, signed out.
    const again = new ConsoleStore({ fetchImpl: fakeFetch([west, north]) });
    stores.push(again);
    again.init();
    expect(again.regions.map((r) => [r.url, r.status, r.token])).toEqual([
      [west.base, 'Signed out', undefined],
      [north.base, 'Signed out', undefined],
    ]);
  });

  it('a region down when added shows Unreachable, and a retry of /info brings it back to Signed out', async () => {
    const { store, west } = setup();
    west.down = true;
    const region = store.addRegion(west.base);
    await until(() => region.status === 'Unreachable');
    expect(regionName(region)).toBe('west.example.com');
    expect(region.error).toContain('cannot reach the region');
    west.down = false;
    expect(await store.fetchInfo(region)).toBe(true);
    expect(region.status).toBe('Signed out');
    expect(region.error).toBeUndefined();
    expect(regionName(region)).toBe('eu-west');
  });

  it('refuses a duplicate endpoint', () => {
    const { store, west } = setup();
    store.addRegion(west.base);
    expect(() => store.addRegion(`${west.base}/`)).toThrow('already in the list');
  });
});
