/**
 * A klusterlet version rollout through the real path: three clusters imported as MCE imports them
 * (the real klusterlet operator deploys the real agent), the operator selects a derived
 * KlusterletConfig per cluster, the import controller re-renders `<cluster>-klusterlet`, the real
 * work agent applies it, and the real klusterlet operator replaces the agent: each cluster goes
 * from the OCM v1.2.0 binaries to v1.2.1, observed through the operator's observer ManifestWork.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../../harness/eventually.js';
import { startRealWorld, type RealWorld } from '../../harness/ocm/world.js';
import { hubImagesOf, OCM_RELEASE_OF_TAG } from '../../harness/ocm/fixtures.js';
import { isAvailable, managedClusterRef } from '../../harness/ocm/managed-cluster.js';
import { AGENT_NAMESPACE } from '../../harness/ocm/spoke.js';
import { createRollout, rolloutStatus } from '../../integration/rollout/helpers.js';
import { startRollouts, type RunningOperator } from './operator.js';

const NS = 'fleet-ops';

describe('klusterlet upgrade through the real klusterlet operator', () => {
  let world: RealWorld;
  let operator: RunningOperator;
  const agentPod = (cluster: string) =>
    world.spoke(cluster).processKubelet()?.pod(`${AGENT_NAMESPACE}/klusterlet-agent`);

  beforeAll(async () => {
    world = await startRealWorld({ import: { images: hubImagesOf('2.17.0'), versions: OCM_RELEASE_OF_TAG } });
    operator = await startRollouts(world, NS);
  });
  afterAll(async () => {
    await operator?.stop();
    await world?.stop();
  });

  it('runs every imported cluster on the v1.2.0 agent, deployed by the klusterlet operator', () => {
    for (const spoke of world.spokes) {
      const pod = agentPod(spoke.name);
      expect(pod?.image).toBe('quay.io/stolostron/registration-operator:2.17.0');
      expect(pod?.binary).toContain('/ocm-v1.2.0/');
      expect(pod?.running()).toBe(true);
      // The only changes to what the operator rendered: the binary, mount paths, and what a pod
      // gets from its environment (ServiceAccount token, namespace, its own port).
      expect(new Set(pod?.rewrites.map((r) => r.reason))).toEqual(
        new Set(['binary', 'mount-path', 'in-cluster', 'namespace', 'listen']),
      );
    }
  });

  // One wave: a replaced agent waits for its predecessor's leader lease to expire (library-go does
  // not release it on SIGTERM; about 2.5 minutes), and the observer's feedback follows the agent's
  // 60 s status sync, so each wave takes minutes. Waves are the simulated fleet's tests' business.
  it('moves every cluster to the v1.2.1 agent', async () => {
    const target = hubImagesOf('2.17.1');
    await createRollout(world.hub.client, NS, 'klusterlet-2-17-1', {
      target: { klusterlet: { version: '2.17.1', images: target } },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'All' },
      versionSkewPolicy: { allowNewerThanHub: true },
    });
    await eventually(
      async () =>
        expect((await rolloutStatus(world.hub.client, NS, 'klusterlet-2-17-1'))?.phase).toBe('Succeeded'),
      { timeout: 480_000, interval: 1_000, message: 'the klusterlet rollout to succeed' },
    );
    for (const spoke of world.spokes) {
      const pod = agentPod(spoke.name);
      expect(pod?.image).toBe(target.registrationOperator);
      expect(pod?.binary).toContain('/ocm-v1.2.1/');
      expect(pod?.running()).toBe(true);
      const operatorPod = world.spoke(spoke.name).processKubelet()?.pod(`${AGENT_NAMESPACE}/klusterlet`);
      expect(operatorPod?.binary).toContain('/ocm-v1.2.1/');
      // Still joined and Available with the new agent.
      expect(isAvailable(await world.hub.client.get(managedClusterRef(spoke.name)))).toBe(true);
    }
  }, 600_000);
});
