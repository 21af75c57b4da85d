import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { ADDON_API_VERSION, type ManagedClusterAddOn } from '../../../../src/api/upstream/ocm.js';
import { RolloutInformers } from '../../../../src/controllers/rollout/world.js';
import type { KubeClient, KubeObject } from '../../../../src/runtime/index.js';

const mca = (resourceVersion: string, lastApplied: string): ManagedClusterAddOn => ({
  apiVersion: ADDON_API_VERSION,
  kind: 'ManagedClusterAddOn',
  metadata: { name: 'msa', namespace: 'c1', resourceVersion },
  status: {
    configReferences: [
      {
        group: 'addon.open-cluster-management.io',
        resource: 'addondeploymentconfigs',
        lastAppliedConfig: { namespace: 'mce', name: lastApplied },
      },
    ],
  },
});

/** A client whose lists serve `items` for ManagedClusterAddOns (nothing else) and whose watches stay open. */
function fakeClient(items: KubeObject[]): KubeClient {
  return {
    async *listPages(_apiVersion: string, kind: string) {
      yield { items: kind === 'ManagedClusterAddOn' ? items : [], resourceVersion: '200' };
    },
    async *watch(_apiVersion: string, _kind: string, opts: { signal?: AbortSignal }) {
      await new Promise((resolve) => opts.signal?.addEventListener('abort', resolve));
      yield* [];
    },
  } as unknown as KubeClient;
}

async function worldWith(items: KubeObject[]): Promise<RolloutInformers> {
  const world = new RolloutInformers(fakeClient(items), pino({ level: 'silent' }));
  world.addOns.start();
  await world.addOns.waitForSync();
  return world;
}

describe('the rollout world reads our own writes', () => {
  it('gives way when the cache already holds a newer version than the write response', async () => {
    // Our patch (rv 100) and the addon-manager's status update (rv 101) were both delivered by
    // the watch before our patch's response came back.
    const world = await worldWith([mca('101', 'v2')]);
    world.cacheOf('ManagedClusterAddOn')?.recordWrite(mca('100', 'v1'));
    expect(world.managedClusterAddOn('c1', 'msa')?.metadata.resourceVersion).toBe('101');
    await world.addOns.stop();
  });

  it('shows our write while the cache is still older', async () => {
    const world = await worldWith([mca('99', 'v1')]);
    world.cacheOf('ManagedClusterAddOn')?.recordWrite(mca('100', 'v1'));
    expect(world.managedClusterAddOn('c1', 'msa')?.metadata.resourceVersion).toBe('100');
    await world.addOns.stop();
  });
});
