import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ColumnsError, fromClusterColumns, toClusterColumns } from '../../../src/console/cluster-columns.js';
import {
  clusterColumnsSchema,
  clusterListSchema,
  type ClusterList,
  type ClusterSummary,
} from '../../../src/console/contract.js';

const status = fc.constantFrom('True' as const, 'False' as const, 'Unknown' as const);
const word = fc.constantFrom('a', 'b', 'prod', 'dev', 'v1.33.2', '2.17.0', 'grpc', '__proto__', 'é☃', '');
const optionalWord = fc.option(word, { nil: undefined });

const summary: fc.Arbitrary<ClusterSummary> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 12 }),
    labels: fc.dictionary(word, word, { maxKeys: 5 }),
    clusterSet: optionalWord,
    available: status,
    joined: fc.boolean(),
    hubAccepted: fc.boolean(),
    kubernetesVersion: optionalWord,
    klusterletVersion: optionalWord,
    klusterletVersionSource: fc.option(fc.constantFrom('observed' as const, 'rendered' as const), { nil: undefined }),
    transport: optionalWord,
    transportSource: fc.option(fc.constantFrom('observed' as const, 'recorded' as const), { nil: undefined }),
    addOns: fc.array(fc.record({ name: word, version: optionalWord, available: status }), { maxLength: 3 }),
    rollouts: fc.array(fc.record({ namespace: word, name: word }), { maxLength: 2 }),
  })
  // As the row arrives over the wire: absent optional fields are absent, not undefined.
  .map((row) => JSON.parse(JSON.stringify(row)) as ClusterSummary);

const page: fc.Arbitrary<ClusterList> = fc
  .record({
    items: fc.array(summary, { maxLength: 20 }),
    total: fc.nat(),
    continue: fc.option(fc.string(), { nil: undefined }),
  })
  .map((list) => JSON.parse(JSON.stringify(list)) as ClusterList);

/** The column form as the browser receives it: JSON, then the contract's schema. */
const overTheWire = (list: ClusterList) =>
  clusterColumnsSchema.parse(JSON.parse(JSON.stringify(toClusterColumns(list))));

/** A page like a hub's: the labels OCM and the harness put on every cluster. */
function hubPage(count: number): ClusterList {
  const items = Array.from({ length: count }, (_, i): ClusterSummary => {
    const name = `region-a-c${String(i).padStart(5, '0')}`;
    return {
      name,
      labels: {
        'cluster.open-cluster-management.io/clusterset': `set-${i % 2}`,
        name,
        vendor: 'OpenShift',
        cloud: 'Amazon',
        region: ['us-east-1', 'eu-west-1'][i % 2] ?? '',
        environment: i % 3 === 0 ? 'prod' : 'dev',
      },
      clusterSet: `set-${i % 2}`,
      available: 'True',
      joined: true,
      hubAccepted: true,
      kubernetesVersion: 'v1.33.2',
      klusterletVersion: '2.17.0',
      klusterletVersionSource: 'rendered',
      addOns: [{ name: 'managed-serviceaccount', version: '2.17.0', available: 'True' }],
      rollouts: [],
    };
  });
  return { items, total: 10_000, continue: 'next' };
}

describe('cluster page in columns', () => {
  it('gives back exactly the rows it was made from, through JSON and the schema', () => {
    fc.assert(
      fc.property(page, (list) => {
        const back = fromClusterColumns(overTheWire(list));
        expect(back).toEqual(list);
        expect(clusterListSchema.safeParse(back).success).toBe(true);
        // Labels are own, enumerable properties, as JSON.parse makes them, even `__proto__`.
        for (const [i, row] of back.items.entries())
          expect(Object.entries(row.labels)).toEqual(Object.entries(list.items[i]?.labels ?? {}));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps each repeated string, add-on and rollout once per page', () => {
    const columns = toClusterColumns(hubPage(500));
    expect(new Set(columns.strings).size).toBe(columns.strings.length);
    expect(columns.strings.filter((s) => s === 'cluster.open-cluster-management.io/clusterset')).toHaveLength(1);
    expect(columns.addOns).toEqual([{ name: 'managed-serviceaccount', version: '2.17.0', available: 'True' }]);
    expect(columns.columns.addOns.every((row) => row.length === 1 && row[0] === 0)).toBe(true);
  });

  it('is less than half the bytes of the rows for a page of a hub', () => {
    const list = hubPage(5000);
    const rows = JSON.stringify(list).length;
    const columns = JSON.stringify(toClusterColumns(list)).length;
    expect(columns / rows).toBeLessThan(0.5);
  });

  it('names the column of a page that is not one', () => {
    const good = overTheWire(hubPage(3));
    const broken = (change: (c: typeof good) => void) => {
      const copy = structuredClone(good);
      change(copy);
      return () => fromClusterColumns(copy);
    };
    expect(broken((c) => c.columns.joined.pop())).toThrow(
      new ColumnsError('columns.joined', '2 entries for 3 names'),
    );
    expect(broken((c) => c.columns.labels[1]?.pop())).toThrow('columns.labels[1]: an odd number of indexes');
    expect(broken((c) => (c.columns.labels[2] = [0, 999]))).toThrow(
      `columns.labels[2]: no entry 999 (of ${good.strings.length})`,
    );
    expect(broken((c) => (c.columns.kubernetesVersion[0] = 999))).toThrow('columns.kubernetesVersion[0]');
    expect(broken((c) => (c.columns.addOns[1] = [1]))).toThrow('columns.addOns[1]: no entry 1 (of 1)');
    for (const [column, value, message] of [
      ['clusterSet', [-2, 0, 0], 'must be an array of indexes or -1'],
      ['labels', [[0, 1], [0, 1.5], []], 'must be an array of arrays of indexes'],
      ['available', ['True', 'Maybe', 'True'], 'must be an array of True, False or Unknown'],
      ['transportSource', [null, 'rendered', null], 'must be an array of observed, recorded or null'],
    ] as const) {
      const checked = clusterColumnsSchema.safeParse({ ...good, columns: { ...good.columns, [column]: value } });
      expect(checked.success).toBe(false);
      expect(checked.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([[`columns.${column}`, message]]);
    }
  });
});
