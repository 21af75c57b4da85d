// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ApiFailure, request } from '../src/lib/http';
import { infoSchema } from '../src/lib/contract';
import { toClusterColumns } from '@cluster-columns';
import { clustersPath, loadAllClusters } from '../src/lib/paging';
import { cluster, FakeRegion, fakeFetch, info } from './fake-region';

const BASE = 'https://eu-west.example.com/console';

describe('loadAllClusters', () => {
  it('follows continue until the last page, with the token in the header only', async () => {
    const region = new FakeRegion(BASE, info('eu-west'));
    region.clusters = Array.from({ length: 1234 }, (_, i) => cluster(`c-${String(i).padStart(4, '0')}`));
    const items = await loadAllClusters(BASE, { token: 'good-token', fetchImpl: fakeFetch([region]) });
    expect(items).toHaveLength(1234);
    expect(new Set(items.map((c) => c.name)).size).toBe(1234);
    expect(region.requests.map((r) => new URL(r.url).search)).toEqual([
      '?limit=500&format=columns',
      '?limit=500&format=columns&continue=500',
      '?limit=500&format=columns&continue=1000',
    ]);
    for (const r of region.requests) {
      expect(r.authorization).toBe('Bearer good-token');
      expect(r.url).not.toContain('good-token');
      expect(r.credentials).toBe('omit');
    }
  });

  it('stops on a repeated continue token instead of looping', async () => {
    const page = toClusterColumns({ items: [cluster('a')], total: 2, continue: 'same' });
    const fetchImpl: typeof fetch = async () => new Response(JSON.stringify(page), { status: 200 });
    await expect(loadAllClusters(BASE, { fetchImpl })).rejects.toThrow('repeated a continue token');
  });

  it('builds the query with a label selector', () => {
    expect(clustersPath({ limit: 500, continueToken: 'x y' }, 'env=prod')).toBe(
      '/api/v1/clusters?limit=500&format=columns&continue=x+y&labelSelector=env%3Dprod',
    );
  });

  it('turns the column form back into the rows the server had, and names a broken column', async () => {
    const rows = [
      cluster('a', { labels: { env: 'prod', name: 'a' }, kubernetesVersion: 'v1.33.2' }),
      cluster('b', { labels: { env: 'prod', name: 'b' }, transport: 'grpc', transportSource: 'observed' }),
    ];
    const region = new FakeRegion(BASE, info('eu-west'));
    region.clusters = rows;
    expect(await loadAllClusters(BASE, { token: 'good-token', fetchImpl: fakeFetch([region]) })).toEqual(rows);
    // A region whose operator predates the columns ignores `format` and answers rows.
    const older: typeof fetch = async () =>
      new Response(JSON.stringify({ items: rows, total: 2 }), { status: 200 });
    expect(await loadAllClusters(BASE, { fetchImpl: older })).toEqual(rows);
    const broken = toClusterColumns({ items: rows, total: 2 });
    const offContract: typeof fetch = async () =>
      new Response(JSON.stringify({ ...broken, columns: { ...broken.columns, clusterSet: [-2, -1] } }), {
        status: 200,
      });
    await expect(loadAllClusters(BASE, { fetchImpl: offContract })).rejects.toMatchObject({
      kind: 'parse',
      message: expect.stringContaining('columns.clusterSet: must be an array of indexes or -1'),
    });
    broken.columns.transport = [-1];
    const fetchImpl: typeof fetch = async () => new Response(JSON.stringify(broken), { status: 200 });
    await expect(loadAllClusters(BASE, { fetchImpl })).rejects.toMatchObject({
      kind: 'parse',
      message: "the server's cluster page: columns.transport: 1 entries for 2 names",
    });
  });
});

describe('request', () => {
  it('passes the server message through verbatim, with status and field', async () => {
    const message =
      'agentrollouts.maestro.multicluster.openshift.io is forbidden: User "bob" cannot create resource "agentrollouts"';
    const fetchImpl: typeof fetch = async () =>
      new Response(JSON.stringify({ status: 403, reason: 'Forbidden', message, field: 'namespace' }), {
        status: 403,
      });
    const err = await request(BASE, '/api/v1/rollouts', infoSchema, {
      fetchImpl,
      method: 'POST',
      body: {},
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect((err as ApiFailure).message).toBe(message);
    expect((err as ApiFailure).status).toBe(403);
    expect((err as ApiFailure).field).toBe('namespace');
  });

  it('reports a non-JSON error with its status, a dead network, a timeout, and an answer off contract', async () => {
    const plain: typeof fetch = async () =>
      new Response('upstream broke', { status: 502, statusText: 'Bad Gateway' });
    await expect(request(BASE, '/info', infoSchema, { fetchImpl: plain })).rejects.toThrow(
      'HTTP 502 Bad Gateway: upstream broke',
    );
    const dead: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(request(BASE, '/info', infoSchema, { fetchImpl: dead })).rejects.toMatchObject({
      kind: 'network',
    });
    const slow = new FakeRegion(BASE, info('x'));
    slow.hang = true;
    await expect(
      request(BASE, '/info', infoSchema, { fetchImpl: fakeFetch([slow]), timeoutMs: 30 }),
    ).rejects.toMatchObject({ kind: 'timeout' });
    const odd: typeof fetch = async () => new Response(JSON.stringify({ apiVersion: 'v2' }), { status: 200 });
    await expect(request(BASE, '/info', infoSchema, { fetchImpl: odd })).rejects.toMatchObject({
      kind: 'parse',
    });
  });
});
