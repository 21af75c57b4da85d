/**
 * An add-on version rollout over real ManagedClusterAddOns: the operator points each cluster's
 * ManagedClusterAddOn at a versioned AddOnDeploymentConfig, the real addon-manager renders the
 * AddOnTemplate with that version into a ManifestWork, the real work agent applies it on the
 * managed cluster, and the addon-manager reports the config applied. A cluster whose agent is
 * stopped never applies the next version: the failure budget is breached and the rollout rolls
 * the others back; that cluster's own revert cannot be confirmed while its agent is down, so the
 * rollback ends Failed naming it, and the cluster applies the reverted config once it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADDON_API_VERSION, type ManagedClusterAddOn } from '../../../src/api/upstream/ocm.js';
import { eventually } from '../../harness/eventually.js';
import { startRealWorld, type RealWorld } from '../../harness/ocm/world.js';
import { enableAddOn, templateAddOn, templateAddOnVersion } from '../../harness/ocm/fixtures.js';
import { createRollout, rolloutStatus } from '../../integration/rollout/helpers.js';
import { startRollouts, type RunningOperator } from './operator.js';

const ADDON = 'hello-addon';
const CONFIG_NS = 'multicluster-engine';
const NS = 'addons';
const VERSIONS = ['1.0.0', '1.1.0', '2.0.0'];

describe('add-on rollout with the real addon-manager and work agents', () => {
  let world: RealWorld;
  let operator: RunningOperator;

  const mca = async (cluster: string) =>
    (await world.hub.client.get({
      apiVersion: ADDON_API_VERSION,
      kind: 'ManagedClusterAddOn',
      namespace: cluster,
      name: ADDON,
    })) as ManagedClusterAddOn | undefined;
  /** The version the add-on's Deployment runs with on the managed cluster itself. */
  const versionOnSpoke = (cluster: string) => templateAddOnVersion(world.spoke(cluster).client, ADDON);
  const expectVersions = (versions: Record<string, string>, message: string) =>
    eventually(
      async () => {
        for (const [cluster, version] of Object.entries(versions))
          expect(await versionOnSpoke(cluster)).toBe(version);
      },
      { timeout: 60_000, interval: 500, message },
    );

  beforeAll(async () => {
    world = await startRealWorld();
    const hub = world.hub.client;
    for (const o of templateAddOn(ADDON, VERSIONS, CONFIG_NS)) await hub.create(o);
    await enableAddOn(
      hub,
      ADDON,
      world.spokes.map((s) => s.name),
    );
    await expectVersions(
      Object.fromEntries(world.spokes.map((s) => [s.name, '1.0.0'])),
      'the add-on installed at 1.0.0 on every managed cluster',
    );
    operator = await startRollouts(world, NS);
  });
  afterAll(async () => {
    await operator?.stop();
    await world?.stop();
  });

  it('rolls 1.1.0 out cluster by cluster; the addon-manager applies each and reports it', async () => {
    await createRollout(world.hub.client, NS, 'hello-1-1', {
      target: {
        addOn: { name: ADDON, version: '1.1.0', config: { namespace: CONFIG_NS, name: `${ADDON}-1.1.0` } },
      },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: 1 } },
    });
    await eventually(
      async () => expect((await rolloutStatus(world.hub.client, NS, 'hello-1-1'))?.phase).toBe('Succeeded'),
      { timeout: 120_000, interval: 500, message: 'the rollout to succeed' },
    );
    await expectVersions(
      Object.fromEntries(world.spokes.map((s) => [s.name, '1.1.0'])),
      '1.1.0 running on every managed cluster',
    );
    for (const spoke of world.spokes) {
      const ref = (await mca(spoke.name))?.status?.configReferences?.find(
        (r) => r.resource === 'addondeploymentconfigs',
      );
      expect(ref?.desiredConfig?.name).toBe(`${ADDON}-1.1.0`);
      expect(ref?.lastAppliedConfig).toEqual(ref?.desiredConfig);
    }
  });

  it('rolls back when a cluster whose agent is stopped never applies 2.0.0', async () => {
    const broken = world.spokes[world.spokes.length - 1];
    if (!broken) throw new Error('no spokes');
    // The hub keeps it Available for a few lease periods: long enough to be part of the wave.
    await broken.stopAgent();
    await createRollout(world.hub.client, NS, 'hello-2-0', {
      target: {
        addOn: { name: ADDON, version: '2.0.0', config: { namespace: CONFIG_NS, name: `${ADDON}-2.0.0` } },
      },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: 3, progressDeadline: '20s' } },
      failurePolicy: { maxFailures: 0, action: 'Rollback' },
    });
    await eventually(
      async () => {
        const status = await rolloutStatus(world.hub.client, NS, 'hello-2-0');
        expect(status?.plan?.halt?.action).toBe('Rollback');
      },
      { timeout: 120_000, interval: 500, message: 'the failure budget to halt the rollout with a rollback' },
    );
    const healthy = world.spokes.filter((s) => s !== broken);
    await expectVersions(
      Object.fromEntries(healthy.map((s) => [s.name, '1.1.0'])),
      'the healthy clusters back at 1.1.0',
    );
    // The broken cluster's revert is written on the hub, but no agent applies it, so the addon-
    // manager never reports it applied: the rollback ends Failed, naming that one cluster.
    await eventually(
      async () => {
        const status = await rolloutStatus(world.hub.client, NS, 'hello-2-0');
        expect(status?.phase).toBe('Failed');
        expect(status?.counts?.reverted).toBe(healthy.length);
        expect(status?.counts?.revertFailed).toBe(1);
      },
      { timeout: 120_000, interval: 500, message: 'the rollback to finish with one cluster not reverted' },
    );
    const mcaOfBroken = await mca(broken.name);
    expect(mcaOfBroken?.spec?.configs?.length ?? 0).toBe(1);
    expect(mcaOfBroken?.spec?.configs?.[0]?.name).toBe(`${ADDON}-1.1.0`);
    // Once its agent is back, the cluster applies what the rollback left it: 1.1.0.
    await broken.startAgent();
    await expectVersions({ [broken.name]: '1.1.0' }, `${broken.name} at 1.1.0 once its agent is back`);
  });
});
