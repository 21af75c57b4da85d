// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  filterClusters,
  mergeClusters,
  mergeSortedRuns,
  noFilters,
  parseLabelFilter,
  regionRows,
  sortRows,
  transportsOf,
  visibleWindow,
} from '../src/lib/merge';
import { cluster } from './fake-region';

const regions = [
  {
    region: 'eu-west',
    clusters: [
      cluster('b', { labels: { env: 'prod', team: 'a' } }),
      cluster('a', { available: 'False', transport: 'mqtt' }),
    ],
  },
  {
    region: 'eu-north',
    clusters: [
      cluster('a', { available: 'Unknown', kubernetesVersion: 'v1.30.1', klusterletVersion: '2.16.0' }),
    ],
  },
  { region: 'eu-south', clusters: [] },
];
const names = regions.map((r) => r.region);

describe('mergeClusters', () => {
  it('makes one row per region and cluster, by name then region', () => {
    const rows = mergeClusters(regions);
    expect(rows.map((r) => `${r.region}/${r.cluster.name}`)).toEqual([
      'eu-north/a',
      'eu-west/a',
      'eu-west/b',
    ]);
  });
});

describe('mergeSortedRuns', () => {
  it('equals a full sort of the concatenation', () => {
    const names = (n: number, seed: number) =>
      Array.from({ length: n }, (_, i) => cluster(`c-${(i * seed) % 97}-${i}`));
    const runs = [
      regionRows('x', names(50, 7)),
      regionRows('y', names(80, 13)),
      regionRows('z', []),
      regionRows('w', names(30, 31)),
    ];
    const merged = mergeSortedRuns(runs);
    const expected = runs
      .flat()
      .slice()
      .sort((a, b) =>
        a.cluster.name < b.cluster.name
          ? -1
          : a.cluster.name > b.cluster.name
            ? 1
            : a.region < b.region
              ? -1
              : 1,
      );
    expect(merged.map((r) => `${r.region}/${r.cluster.name}`)).toEqual(
      expected.map((r) => `${r.region}/${r.cluster.name}`),
    );
    expect(mergeSortedRuns([])).toEqual([]);
  });
});

describe('filterClusters', () => {
  const rows = mergeClusters(regions);
  const run = (patch: Partial<ReturnType<typeof noFilters>>) =>
    filterClusters(rows, { ...noFilters(), ...patch }, names);

  it('counts every region, including empty ones, without filters', () => {
    const view = run({});
    expect(view.rows).toHaveLength(3);
    expect(view.perRegion).toEqual({ 'eu-west': 2, 'eu-north': 1, 'eu-south': 0 });
  });

  it('filters by region but keeps the other regions counted', () => {
    const view = run({ region: 'eu-north' });
    expect(view.rows.map((r) => r.region)).toEqual(['eu-north']);
    expect(view.perRegion).toEqual({ 'eu-west': 2, 'eu-north': 1, 'eu-south': 0 });
  });

  it('filters by status, transport, version and name', () => {
    expect(run({ status: 'Available' }).rows.map((r) => r.cluster.name)).toEqual(['b']);
    expect(run({ status: 'Unavailable' }).rows.map((r) => r.region)).toEqual(['eu-west']);
    expect(run({ status: 'Unknown' }).rows.map((r) => r.region)).toEqual(['eu-north']);
    expect(run({ transport: 'mqtt' }).rows.map((r) => `${r.region}/${r.cluster.name}`)).toEqual([
      'eu-west/a',
    ]);
    expect(run({ version: '1.30' }).rows.map((r) => r.region)).toEqual(['eu-north']);
    expect(run({ version: '2.16' }).rows.map((r) => r.region)).toEqual(['eu-north']);
    expect(run({ name: 'B' }).rows.map((r) => r.cluster.name)).toEqual(['b']);
  });

  it('filters by labels: equality, inequality, existence, absence', () => {
    expect(run({ label: 'team=a' }).rows.map((r) => r.cluster.name)).toEqual(['b']);
    expect(run({ label: 'env=prod, team!=a' }).rows.map((r) => r.cluster.name)).toEqual(['a', 'a']);
    expect(run({ label: 'team' }).rows).toHaveLength(1);
    expect(run({ label: '!team' }).rows).toHaveLength(2);
    expect(run({ label: 'env==prod' }).rows).toHaveLength(3);
  });

  it('takes the selector syntax of kubectl and the API: set-based requirements too', () => {
    const zoned = mergeClusters([
      {
        region: 'r',
        clusters: [
          cluster('w', { labels: {} }),
          cluster('x', { labels: { zone: 'a' } }),
          cluster('y', { labels: { zone: 'b', legacy: 'true' } }),
          cluster('z', { labels: { zone: 'c' } }),
        ],
      },
    ]);
    const matching = (label: string) =>
      filterClusters(zoned, { ...noFilters(), label }, ['r']).rows.map((r) => r.cluster.name);
    expect(matching('zone in (a,b)')).toEqual(['x', 'y']);
    expect(matching('zone in (a, b), !legacy')).toEqual(['x']);
    // As in Kubernetes, notin and != match a cluster without the key.
    expect(matching('zone notin (a,b)')).toEqual(['w', 'z']);
    expect(matching('zone!=a')).toEqual(['w', 'y', 'z']);
  });

  it('an unparsable label filter matches nothing and says which part is wrong', () => {
    expect(parseLabelFilter('=x')).toEqual({ error: '"=x" is not a label key' });
    expect(parseLabelFilter('env=prod, zone in (a')).toEqual({
      error: '"zone in (a" is not a label requirement (e.g. env=prod, zone in (a,b), !legacy)',
    });
    expect(parseLabelFilter('env=no way')).toHaveProperty('error');
    expect(run({ label: '=x' }).rows).toHaveLength(0);
    expect(run({ label: '=x' }).perRegion['eu-west']).toBe(0);
  });
});

describe('sortRows and transportsOf', () => {
  const rows = mergeClusters(regions);
  it('sorts by a column, stable on ties', () => {
    expect(sortRows(rows, 'region', 'asc').map((r) => `${r.region}/${r.cluster.name}`)).toEqual([
      'eu-north/a',
      'eu-west/a',
      'eu-west/b',
    ]);
    expect(sortRows(rows, 'status', 'desc').map((r) => r.region + r.cluster.name)).toEqual([
      'eu-northa',
      'eu-westa',
      'eu-westb',
    ]);
    expect(sortRows(rows, 'name', 'desc').map((r) => r.cluster.name)).toEqual(['b', 'a', 'a']);
  });
  it('lists the known transports plus any seen', () => {
    expect(
      transportsOf([...rows, { region: 'x', cluster: cluster('z', { transport: 'carrier-pigeon' }) }]),
    ).toEqual(['carrier-pigeon', 'grpc', 'kube', 'mqtt']);
  });
});

describe('visibleWindow', () => {
  it('renders only the rows in view plus overscan', () => {
    expect(visibleWindow(0, 600, 40, 30_000)).toEqual({ start: 0, end: 23 });
    expect(visibleWindow(40 * 10_000, 600, 40, 30_000)).toEqual({ start: 9992, end: 10_023 });
    expect(visibleWindow(40 * 30_000, 600, 40, 30_000)).toEqual({ start: 29_992, end: 30_000 });
    expect(visibleWindow(0, 600, 40, 5)).toEqual({ start: 0, end: 5 });
  });

  it('merges and filters 30,000 rows quickly', () => {
    const big = ['a', 'b', 'c'].map((region) => ({
      region,
      clusters: Array.from({ length: 10_000 }, (_, i) =>
        cluster(`cluster-${String(i).padStart(5, '0')}`, { labels: { shard: String(i % 10) } }),
      ),
    }));
    const start = performance.now();
    const rows = mergeClusters(big);
    const view = filterClusters(rows, { ...noFilters(), label: 'shard=3' }, ['a', 'b', 'c']);
    const ms = performance.now() - start;
    expect(rows).toHaveLength(30_000);
    expect(view.rows).toHaveLength(3000);
    expect(ms).toBeLessThan(1500);
  });
});
