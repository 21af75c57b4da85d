/**
 * The simulated placement controller against upstream's rules (ocm scheduling_controller.go):
 * groups by selector first then the rest, each sorted by name and chunked by
 * clustersPerDecisionGroup, ≤100 decisions per PlacementDecision named -decision-1.. across
 * groups, the three labels, the controller owner, Placement status — and re-decisions.
 */
import { describe, expect, it } from '@jest/globals';
import { eventually } from '../../harness/eventually.js';
import { GROUP_INDEX_LABEL, GROUP_NAME_LABEL, PLACEMENT_LABEL } from '../../harness/fleet/index.js';
import { cond, MC_API, PLACEMENT_API, useFleet, type Obj } from './helpers.js';

const NS = 'rollouts';
const region = (i: number) => ['east', 'west', 'central'][i % 3] ?? 'east';
const labelsAt = (i: number): Record<string, string> => ({
  region: region(i),
  env: i % 5 === 0 ? 'stage' : 'prod',
  ...(i < 5 ? { canary: 'true' } : {}),
});

const env = useFleet('fleet-placement', { clusters: 250, labels: labelsAt }, ({ fleet }) =>
  fleet.bindNamespace(NS),
);

interface Decision extends Obj {
  status?: { decisions?: { clusterName: string; reason: string }[] };
}

async function decisionsOf(placement: string, namespace = NS): Promise<Decision[]> {
  const { items } = await env.client.list<Decision>(PLACEMENT_API, 'PlacementDecision', {
    namespace,
    labelSelector: `${PLACEMENT_LABEL}=${placement}`,
  });
  return items.sort(
    (a, b) => Number(a.metadata.name?.split('-').pop()) - Number(b.metadata.name?.split('-').pop()),
  );
}

async function placementOf(name: string, namespace = NS): Promise<Obj | undefined> {
  return env.client.get<Obj>({ apiVersion: PLACEMENT_API, kind: 'Placement', namespace, name });
}

function placement(name: string, spec: Record<string, unknown>, namespace = NS) {
  return { apiVersion: PLACEMENT_API, kind: 'Placement', metadata: { name, namespace }, spec };
}

/** The expected groups, computed independently from the labels the fleet was created with. */
function expectedGroups(
  names: readonly string[],
  labels: (i: number) => Record<string, string>,
  groups: { name: string; match: (l: Record<string, string>) => boolean }[],
  perGroup: number,
  include: (l: Record<string, string>) => boolean = () => true,
): { name: string; clusters: string[] }[] {
  const left = new Map(names.map((n, i) => [n, labels(i)] as const).filter(([, l]) => include(l)));
  const out: { name: string; clusters: string[] }[] = [];
  const chunk = (name: string, list: string[]) => {
    list.sort();
    for (let i = 0; i < list.length; i += perGroup) out.push({ name, clusters: list.slice(i, i + perGroup) });
  };
  for (const g of groups) {
    const matched = [...left].filter(([, l]) => g.match(l)).map(([n]) => n);
    matched.forEach((n) => left.delete(n));
    chunk(g.name, matched);
  }
  chunk('', [...left.keys()]);
  return out;
}

describe('placement decisions', () => {
  it('builds named groups by selector, then the rest in chunks, one object per ≤100 decisions', async () => {
    await env.client.create(
      placement('waves', {
        clusterSets: ['default'],
        decisionStrategy: {
          groupStrategy: {
            clustersPerDecisionGroup: 60,
            decisionGroups: [
              {
                groupName: 'canary',
                groupClusterSelector: { labelSelector: { matchLabels: { canary: 'true' } } },
              },
              {
                groupName: 'east',
                groupClusterSelector: {
                  labelSelector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['east'] }] },
                },
              },
            ],
          },
        },
      }),
    );
    const expected = expectedGroups(
      env.fleet.names,
      labelsAt,
      [
        { name: 'canary', match: (l) => l.canary === 'true' },
        { name: 'east', match: (l) => l.region === 'east' },
      ],
      60,
    );
    const pds = await eventually(
      async () => {
        const list = await decisionsOf('waves');
        const got = list.map((pd) => (pd.status?.decisions ?? []).map((d) => d.clusterName));
        expect(got).toEqual(expected.map((g) => g.clusters));
        return list;
      },
      { message: 'decisions of waves' },
    );
    const p = await placementOf('waves');
    pds.forEach((pd, i) => {
      expect(pd.metadata.name).toBe(`waves-decision-${i + 1}`);
      expect(pd.metadata.labels).toMatchObject({
        [PLACEMENT_LABEL]: 'waves',
        [GROUP_INDEX_LABEL]: String(i),
        [GROUP_NAME_LABEL]: expected[i]?.name,
      });
      expect(pd.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'Placement', name: 'waves', uid: p?.metadata.uid, controller: true }),
      ]);
      expect(pd.status?.decisions?.every((d) => d.reason === '')).toBe(true);
    });
    await eventually(async () => {
      const st = (await placementOf('waves'))?.status as Record<string, unknown>;
      expect(st.numberOfSelectedClusters).toBe(250);
      expect(st.decisionGroups).toEqual(
        expected.map((g, i) => ({
          decisionGroupIndex: i,
          decisionGroupName: g.name,
          decisions: [`waves-decision-${i + 1}`],
          clusterCount: g.clusters.length,
        })),
      );
      expect(cond(await placementOf('waves'), 'PlacementSatisfied')).toMatchObject({
        status: 'True',
        reason: 'AllDecisionsScheduled',
      });
    });
  });

  it('splits a group larger than 100 into several objects and filters by predicates', async () => {
    await env.client.create(
      placement('prod', {
        predicates: [{ requiredClusterSelector: { labelSelector: { matchLabels: { env: 'prod' } } } }],
      }),
    );
    const prod = env.fleet.names.filter((_n, i) => labelsAt(i).env === 'prod').sort();
    expect(prod).toHaveLength(200);
    await eventually(async () => {
      const pds = await decisionsOf('prod');
      expect(pds.map((pd) => pd.metadata.name)).toEqual(['prod-decision-1', 'prod-decision-2']);
      expect(pds.map((pd) => pd.status?.decisions?.length)).toEqual([100, 100]);
      expect(pds.flatMap((pd) => pd.status?.decisions?.map((d) => d.clusterName))).toEqual(prod);
      expect(
        pds.every(
          (pd) =>
            pd.metadata.labels?.[GROUP_INDEX_LABEL] === '0' && pd.metadata.labels[GROUP_NAME_LABEL] === '',
        ),
      ).toBe(true);
      const st = (await placementOf('prod'))?.status as Record<string, unknown>;
      expect(st.decisionGroups).toEqual([
        {
          decisionGroupIndex: 0,
          decisionGroupName: '',
          decisions: ['prod-decision-1', 'prod-decision-2'],
          clusterCount: 200,
        },
      ]);
    });
  });

  it('follows a label change: the cluster moves group, surplus objects are deleted, unchanged ones are not rewritten', async () => {
    const target = env.fleet.names[100] ?? '';
    const before = await decisionsOf('waves');
    await env.client.patch(
      { apiVersion: MC_API, kind: 'ManagedCluster', name: target },
      { metadata: { labels: { canary: 'true' } } },
      'merge',
    );
    await eventually(async () => {
      const pds = await decisionsOf('waves');
      expect(pds[0]?.status?.decisions?.map((d) => d.clusterName)).toContain(target);
    });
    const after = await decisionsOf('waves');
    expect(
      after.flatMap((pd) => pd.status?.decisions ?? []).filter((d) => d.clusterName === target),
    ).toHaveLength(1);
    // The first east chunk is untouched by a cluster that was in the rest: same object version.
    expect(after[1]?.metadata.resourceVersion).toBe(before[1]?.metadata.resourceVersion);

    // A narrower predicate: fewer than 100 clusters, so the second object goes away.
    await env.client.patch(
      { apiVersion: PLACEMENT_API, kind: 'Placement', namespace: NS, name: 'prod' },
      {
        spec: {
          predicates: [{ requiredClusterSelector: { labelSelector: { matchLabels: { region: 'west' } } } }],
        },
      },
      'merge',
    );
    await eventually(async () => {
      const pds = await decisionsOf('prod');
      expect(pds.map((pd) => pd.metadata.name)).toEqual(['prod-decision-1']);
      expect(pds[0]?.status?.decisions).toHaveLength(
        env.fleet.names.filter((_n, i) => region(i) === 'west').length,
      );
    });
  });

  it('selects nothing without a binding in the namespace, and keeps one empty decision', async () => {
    await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'unbound' } });
    await env.client.create(placement('none', {}, 'unbound'));
    await eventually(async () => {
      const pds = await decisionsOf('none', 'unbound');
      expect(pds.map((pd) => [pd.metadata.name, pd.status?.decisions ?? []])).toEqual([
        ['none-decision-1', []],
      ]);
      expect(cond(await placementOf('none', 'unbound'), 'PlacementSatisfied')).toMatchObject({
        status: 'False',
        reason: 'NoManagedClusterSetBindings',
      });
    });
  });

  it('deletes the decisions of a deleted Placement', async () => {
    await env.client.delete({ apiVersion: PLACEMENT_API, kind: 'Placement', namespace: NS, name: 'prod' });
    await eventually(async () => (await decisionsOf('prod')).length === 0, {
      message: 'prod decisions gone',
    });
  });
});
