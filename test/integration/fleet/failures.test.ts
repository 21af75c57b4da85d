/**
 * Failure modes and reachability: `degraded`, `stuck` and `unreachable` per target for changes
 * after setup, rollbacks to the setup content succeeding, and a cluster that stops answering
 * (ManagedCluster Available → Unknown, unreachable taint, out of Placements, add-ons Unknown,
 * works frozen) and comes back.
 */
import { describe, expect, it } from '@jest/globals';
import { consistently, eventually } from '../../harness/eventually.js';
import {
  addOnConfigName,
  AVAILABLE,
  klusterletWorkName,
  PLACEMENT_LABEL,
  UNREACHABLE_TAINT,
} from '../../harness/fleet/index.js';
import {
  ADDON_API,
  atGeneration,
  cond,
  feedback,
  KC_API,
  MC_API,
  PLACEMENT_API,
  getWork,
  observerWork,
  useFleet,
  type Obj,
} from './helpers.js';

const ADDON = 'managed-serviceaccount';
const ADC = {
  group: 'addon.open-cluster-management.io',
  resource: 'addondeploymentconfigs',
  namespace: 'multicluster-engine',
};

const observer = (cluster: string) =>
  observerWork(
    cluster,
    { available: '.status.conditions[?(@.type=="Available")].status' },
    { 'klusterlet-agent': 'WellKnownStatus' },
  );

const env = useFleet(
  'fleet-failures',
  {
    clusters: 8,
    leaseGraceMs: 300,
    addOns: [{ name: ADDON, versions: ['2.17.0', '2.17.1'] }],
    agents: {
      delayMs: [50, 200],
      seed: 3,
      failures: [
        { match: /-1$/, target: 'klusterlet', mode: 'degraded' },
        { match: /-2$/, target: 'klusterlet', mode: 'stuck' },
        { match: /-3$/, target: 'klusterlet', mode: 'unreachable' },
        { match: /-4$/, target: 'addon', mode: 'degraded' },
        { match: /-5$/, target: 'addon', mode: 'stuck' },
        { match: /-6$/, target: 'addon', mode: 'unreachable' },
        { match: (n) => n.endsWith('-7'), target: 'any', mode: 'degraded', rate: 0 },
      ],
    },
  },
  async ({ fleet, client }) => {
    await fleet.bindNamespace('rollouts');
    await client.create({
      apiVersion: PLACEMENT_API,
      kind: 'Placement',
      metadata: { name: 'all', namespace: 'rollouts' },
      spec: {},
    });
    for (const c of ['cluster-1', 'cluster-7']) await client.create(observer(c));
  },
);

const get = (kind: string, apiVersion: string, name: string, namespace?: string) =>
  env.client.get<Obj>({ apiVersion, kind, name, namespace });
const workOf = (c: string) => getWork(env.client, c, klusterletWorkName(c));
const observerOf = (c: string) => getWork(env.client, c, 'observer');
const mcOf = (c: string) => get('ManagedCluster', MC_API, c);
const mcaOf = (c: string) => get('ManagedClusterAddOn', ADDON_API, ADDON, c);

async function decided(): Promise<string[]> {
  const { items } = await env.client.list<Obj & { status?: { decisions?: { clusterName: string }[] } }>(
    PLACEMENT_API,
    'PlacementDecision',
    {
      namespace: 'rollouts',
      labelSelector: `${PLACEMENT_LABEL}=all`,
    },
  );
  return items.flatMap((pd) => pd.status?.decisions?.map((d) => d.clusterName) ?? []);
}

async function setGlobalRegistries(registries: unknown[] | null) {
  await env.client.patch(
    { apiVersion: KC_API, kind: 'KlusterletConfig', name: 'global' },
    { spec: { registries } },
    'merge',
  );
}

async function pointAt(cluster: string, version: string) {
  await env.client.patch(
    { apiVersion: ADDON_API, kind: 'ManagedClusterAddOn', namespace: cluster, name: ADDON },
    { spec: { configs: [{ ...ADC, name: addOnConfigName(ADDON, version) }] } },
    'merge',
  );
}

describe('klusterlet failure modes', () => {
  it('degraded, stuck and unreachable clusters fail a new klusterlet; the rest apply it', async () => {
    await eventually(async () => expect((await decided()).sort()).toEqual([...env.fleet.names].sort()));
    await setGlobalRegistries([{ source: 'quay.io/stolostron', mirror: 'mirror.example.com/stolostron' }]);

    await eventually(async () => {
      const w = await workOf('cluster-7');
      expect(w?.metadata.generation).toBe(2);
      expect(atGeneration(w, 'Applied') && atGeneration(w, 'Available')).toBe(true);
      expect(feedback(await observerOf('cluster-7'))).toMatchObject({
        available: 'True',
        ReadyReplicas: '1',
      });
    });
    await eventually(async () => {
      const w = await workOf('cluster-1');
      expect(atGeneration(w, 'Applied')).toBe(true);
      expect(atGeneration(w, 'Available', 'False')).toBe(true);
      expect(cond(w, 'Degraded')).toMatchObject({ status: 'True', observedGeneration: 2 });
      expect(feedback(await observerOf('cluster-1'))).toMatchObject({
        available: 'False',
        ReadyReplicas: '0',
        Replicas: '1',
      });
    });
    await eventually(async () => {
      const mc = await mcOf('cluster-3');
      expect(cond(mc, AVAILABLE)).toMatchObject({
        status: 'Unknown',
        reason: 'ManagedClusterLeaseUpdateStopped',
      });
      expect((mc?.spec?.taints as { key: string }[] | undefined)?.map((t) => t.key)).toEqual([
        UNREACHABLE_TAINT,
      ]);
      expect(await decided()).not.toContain('cluster-3');
      expect(cond(await mcaOf('cluster-3'), 'Available')).toMatchObject({ status: 'Unknown' });
    });
    expect(env.fleet.reachable('cluster-3')).toBe(false);
    await consistently(
      async () => {
        const stuck = await workOf('cluster-2');
        const silent = await workOf('cluster-3');
        return (
          stuck?.metadata.generation === 2 &&
          cond(stuck, 'Applied')?.observedGeneration === 1 &&
          cond(silent, 'Applied')?.observedGeneration === 1
        );
      },
      { duration: 1000 },
    );
  });

  it('a rollback to the setup content succeeds, and an unreachable cluster catches up once it answers', async () => {
    await setGlobalRegistries(null);
    for (const c of ['cluster-1', 'cluster-2', 'cluster-7'])
      await eventually(async () => {
        const w = await workOf(c);
        expect(w?.metadata.generation).toBe(3);
        expect(atGeneration(w, 'Applied') && atGeneration(w, 'Available')).toBe(true);
        expect(cond(w, 'Degraded')).toBeUndefined();
      });
    await eventually(async () =>
      expect(feedback(await observerOf('cluster-1'))).toMatchObject({
        available: 'True',
        ReadyReplicas: '1',
      }),
    );
    expect(cond(await workOf('cluster-3'), 'Applied')?.observedGeneration).toBe(1);

    env.fleet.setReachable('cluster-3', true);
    await eventually(async () => {
      const mc = await mcOf('cluster-3');
      expect(cond(mc, AVAILABLE)).toMatchObject({ status: 'True' });
      expect(mc?.spec?.taints ?? []).toEqual([]);
      expect(await decided()).toContain('cluster-3');
      expect(atGeneration(await workOf('cluster-3'), 'Available')).toBe(true);
      expect(cond(await mcaOf('cluster-3'), 'Available')).toMatchObject({ status: 'True' });
    });
  });
});

describe('add-on failure modes', () => {
  it('degraded fails, stuck never completes, others complete; going back recovers', async () => {
    for (const c of ['cluster-4', 'cluster-5', 'cluster-7']) await pointAt(c, '2.17.1');
    await eventually(async () => {
      const ok = await mcaOf('cluster-7');
      expect(cond(ok, 'Progressing')).toMatchObject({ status: 'False', reason: 'Completed' });
      const failed = await mcaOf('cluster-4');
      expect(cond(failed, 'Progressing')).toMatchObject({ status: 'False', reason: 'Failed' });
      expect(cond(failed, 'Available')).toMatchObject({ status: 'False', reason: 'ProbeUnavailable' });
      const refs = failed?.status?.configReferences as {
        desiredConfig?: { name: string };
        lastAppliedConfig?: { name: string };
      }[];
      expect(refs[0]?.desiredConfig?.name).toBe(addOnConfigName(ADDON, '2.17.1'));
      expect(refs[0]?.lastAppliedConfig?.name).toBe(addOnConfigName(ADDON, '2.17.0'));
    });
    await consistently(async () => cond(await mcaOf('cluster-5'), 'Progressing')?.reason === 'Progressing', {
      duration: 800,
    });

    await pointAt('cluster-4', '2.17.0');
    await eventually(async () => {
      const mca = await mcaOf('cluster-4');
      expect(cond(mca, 'Progressing')).toMatchObject({ status: 'False', reason: 'Completed' });
      expect(cond(mca, 'Available')).toMatchObject({ status: 'True' });
    });
    expect(env.fleet.audit.of('cluster-4', 'mca-configs')).toHaveLength(2);
  });

  it('an add-on change that takes the cluster down completes once the cluster answers again', async () => {
    await pointAt('cluster-6', '2.17.1');
    await eventually(async () => {
      expect(cond(await mcOf('cluster-6'), AVAILABLE)?.status).toBe('Unknown');
      expect(cond(await mcaOf('cluster-6'), 'Progressing')).toMatchObject({
        status: 'True',
        reason: 'Progressing',
      });
    });
    env.fleet.setReachable('cluster-6', true);
    await eventually(async () => {
      const mca = await mcaOf('cluster-6');
      expect(cond(mca, 'Progressing')).toMatchObject({ status: 'False', reason: 'Completed' });
      expect(cond(mca, 'Available')?.status).toBe('True');
    });
  });
});

describe('reachability', () => {
  it('an unreachable cluster goes Unknown and freezes its works until it answers again', async () => {
    env.fleet.setReachable('cluster-8', false);
    await eventually(async () => {
      expect(cond(await mcOf('cluster-8'), AVAILABLE)).toMatchObject({
        status: 'Unknown',
        reason: 'ManagedClusterLeaseUpdateStopped',
      });
      expect(cond(await mcaOf('cluster-8'), 'Available')).toMatchObject({
        status: 'Unknown',
        reason: 'ManagedClusterLeaseUpdateStopped',
      });
    });
    await env.client.create(observer('cluster-8'));
    await consistently(async () => (await observerOf('cluster-8'))?.status?.conditions === undefined, {
      duration: 800,
    });
    env.fleet.setReachable('cluster-8', true);
    await eventually(async () => {
      expect(cond(await mcOf('cluster-8'), AVAILABLE)?.status).toBe('True');
      expect(atGeneration(await observerOf('cluster-8'), 'Available')).toBe(true);
      expect(feedback(await observerOf('cluster-8'))).toMatchObject({ available: 'True' });
    });
    expect(env.fleet.stats().unreachable).toBe(0);
  });

  it('writes nothing more once everything has settled', async () => {
    const before = JSON.stringify(env.fleet.stats().writes);
    await consistently(() => JSON.stringify(env.fleet.stats().writes) === before, { duration: 1500 });
  });
});
