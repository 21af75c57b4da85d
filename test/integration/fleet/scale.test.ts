/**
 * A 2,000-cluster fleet: setup reaches a steady fleet with exactly one write of each kind per
 * cluster, stays quiet while nothing changes, decides a Placement over all of it, and re-renders
 * every klusterlet once on a global KlusterletConfig change. Setup time and idle CPU are printed
 * (figures, not assertions: timing targets belong in benchmarks).
 */
import { describe, expect, it } from '@jest/globals';
import { consistently, eventually, sleep } from '../../harness/eventually.js';
import { AVAILABLE, klusterletWorkName, PLACEMENT_LABEL } from '../../harness/fleet/index.js';
import {
  ADDON_API,
  atGeneration,
  cond,
  KC_API,
  MC_API,
  PLACEMENT_API,
  useFleet,
  WORK_API,
  type Obj,
} from './helpers.js';

const CLUSTERS = 2000;
const ADDON = 'managed-serviceaccount';

const env = useFleet(
  'fleet-scale',
  { clusters: CLUSTERS, addOns: [{ name: ADDON, versions: ['2.17.0'] }] },
  async ({ fleet }) => {
    process.stdout.write(`fleet: ${CLUSTERS} clusters set up in ${fleet.stats().setupMs} ms\n`);
  },
);

const list = async (apiVersion: string, kind: string, labelSelector?: string) =>
  (await env.client.list<Obj>(apiVersion, kind, { limit: 1000, ...(labelSelector ? { labelSelector } : {}) }))
    .items;

describe('a 2,000-cluster fleet', () => {
  it('is steady after setup, with one write of each kind per cluster', async () => {
    const mcs = await list(MC_API, 'ManagedCluster');
    expect(mcs).toHaveLength(CLUSTERS);
    expect(mcs.every((mc) => cond(mc, AVAILABLE)?.status === 'True')).toBe(true);
    const works = await list(WORK_API, 'ManifestWork');
    expect(works).toHaveLength(CLUSTERS);
    expect(
      works.every(
        (w) =>
          w.metadata.name === klusterletWorkName(w.metadata.namespace ?? '') && atGeneration(w, 'Available'),
      ),
    ).toBe(true);
    const mcas = await list(ADDON_API, 'ManagedClusterAddOn');
    expect(mcas.every((a) => cond(a, 'Progressing')?.reason === 'Completed')).toBe(true);
    expect(env.fleet.stats().writes).toMatchObject({
      'registration-agent:status': CLUSTERS,
      'import-controller:work': CLUSTERS,
      'work-agent:status': CLUSTERS,
      'addon-manager:status': CLUSTERS,
    });
  });

  it('writes nothing while nothing changes', async () => {
    const before = JSON.stringify(env.fleet.stats().writes);
    const cpu = process.cpuUsage();
    await consistently(() => JSON.stringify(env.fleet.stats().writes) === before, { duration: 3000 });
    const used = process.cpuUsage(cpu);
    process.stdout.write(
      `fleet: idle simulator CPU ${((used.user + used.system) / 1000 / 30).toFixed(1)}% of a core\n`,
    );
  });

  it('decides a Placement over the whole fleet in 20 objects of 100', async () => {
    await env.fleet.bindNamespace('rollouts');
    await env.client.create({
      apiVersion: PLACEMENT_API,
      kind: 'Placement',
      metadata: { name: 'all', namespace: 'rollouts' },
      spec: {},
    });
    await eventually(async () => {
      const pds = await list(PLACEMENT_API, 'PlacementDecision', `${PLACEMENT_LABEL}=all`);
      expect(pds).toHaveLength(20);
      const decisions = pds.flatMap(
        (pd) => (pd.status as { decisions?: { clusterName: string }[] } | undefined)?.decisions ?? [],
      );
      expect(new Set(decisions.map((d) => d.clusterName)).size).toBe(CLUSTERS);
    });
  });

  it('re-renders and re-applies every klusterlet once on a global KlusterletConfig change', async () => {
    const started = Date.now();
    await env.client.patch(
      { apiVersion: KC_API, kind: 'KlusterletConfig', name: 'global' },
      { spec: { registries: [{ source: 'quay.io/stolostron', mirror: 'mirror.example.com/stolostron' }] } },
      'merge',
    );
    await eventually(
      async () => {
        const works = await list(WORK_API, 'ManifestWork');
        return works.every((w) => w.metadata.generation === 2 && atGeneration(w, 'Available'));
      },
      { timeout: 120_000, interval: 1000, message: 'every klusterlet work applied at generation 2' },
    );
    process.stdout.write(
      `fleet: ${CLUSTERS} klusterlets re-rendered and applied in ${Date.now() - started} ms\n`,
    );
    await sleep(500);
    expect(env.fleet.stats().writes).toMatchObject({
      'import-controller:work': 2 * CLUSTERS,
      'work-agent:status': 2 * CLUSTERS,
    });
  });
});
