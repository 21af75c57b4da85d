/**
 * The real OCM hub and three real klusterlet agents: each cluster bootstraps, is approved and
 * signed, joins and turns Available; a ManifestWork lands on its API server and reports back;
 * an agent that stops is seen by the hub.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../src/runtime/index.js';
import { eventually } from '../../harness/eventually.js';
import { configMapData, configMapWork } from '../../harness/ocm/fixtures.js';
import { managedClusterRef } from '../../harness/ocm/managed-cluster.js';
import { startRealWorld, type RealWorld } from '../../harness/ocm/world.js';

const WORK_API = 'work.open-cluster-management.io/v1';

interface Condition {
  type: string;
  status: string;
}
const conditionsOf = (o: KubeObject | undefined): Condition[] =>
  (o as { status?: { conditions?: Condition[] } } | undefined)?.status?.conditions ?? [];
const statusOf = (o: KubeObject | undefined, type: string) =>
  conditionsOf(o).find((c) => c.type === type)?.status;

describe('the real OCM hub with three real klusterlet agents', () => {
  let world: RealWorld;
  beforeAll(async () => {
    world = await startRealWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  const availabilityBecomes = (cluster: string, status: string, when: string) =>
    eventually(
      async () => {
        const mc = await world.hub.client.get(managedClusterRef(cluster));
        expect(statusOf(mc, 'ManagedClusterConditionAvailable')).toBe(status);
      },
      { timeout: 60_000, interval: 500, message: `${cluster} Available=${status} ${when}` },
    );

  it('joins every cluster with a client certificate the hub signed, into the default cluster set', async () => {
    for (const spoke of world.spokes) {
      const mc = await world.hub.client.get(managedClusterRef(spoke.name));
      expect(statusOf(mc, 'HubAcceptedManagedCluster')).toBe('True');
      expect(statusOf(mc, 'ManagedClusterJoined')).toBe('True');
      expect(statusOf(mc, 'ManagedClusterConditionAvailable')).toBe('True');
      // The registration controller puts every cluster into the default set.
      await eventually(
        async () => {
          const m = await world.hub.client.get(managedClusterRef(spoke.name));
          expect(m?.metadata.labels?.['cluster.open-cluster-management.io/clusterset']).toBe('default');
        },
        { message: `${spoke.name} in the default cluster set` },
      );
      // The agent's certificate came through a CSR approved by the hub and signed by
      // kube-controller-manager with the hub's CA.
      const csrs = await world.hub.client.list('certificates.k8s.io/v1', 'CertificateSigningRequest');
      const ours = csrs.items.filter(
        (c) => c.metadata.labels?.['open-cluster-management.io/cluster-name'] === spoke.name,
      ) as (KubeObject & { status?: { certificate?: string; conditions?: Condition[] } })[];
      expect(ours.some((c) => (c.status?.certificate ?? '').length > 0)).toBe(true);
    }
  });

  it('applies a ManifestWork on the managed cluster and reports it Applied and Available', async () => {
    const spoke = world.spokes[0];
    if (!spoke) throw new Error('no spoke');
    await world.hub.client.create(configMapWork(spoke.name, 'hello-from-hub', { greeting: 'hello' }));
    await eventually(
      async () => {
        expect(await configMapData(spoke.client, 'hello-from-hub')).toEqual({ greeting: 'hello' });
      },
      { timeout: 30_000, message: 'the ConfigMap on the managed cluster' },
    );
    await eventually(
      async () => {
        const work = await world.hub.client.get({
          apiVersion: WORK_API,
          kind: 'ManifestWork',
          namespace: spoke.name,
          name: 'hello-from-hub',
        });
        expect(statusOf(work, 'Applied')).toBe('True');
        expect(statusOf(work, 'Available')).toBe('True');
      },
      { timeout: 30_000, message: 'the work reported Applied and Available' },
    );
  });

  it('sees a cluster whose agent stopped go unknown, and come back when it starts again', async () => {
    const spoke = world.spokes[2];
    if (!spoke) throw new Error('no spoke');
    // A short lease so the hub notices within seconds (the grace period is five leases).
    await world.hub.client.patch(
      managedClusterRef(spoke.name),
      { spec: { leaseDurationSeconds: 2 } },
      'merge',
    );
    await spoke.stopAgent();
    await availabilityBecomes(spoke.name, 'Unknown', 'after its agent stopped');
    await spoke.startAgent();
    await availabilityBecomes(spoke.name, 'True', 'again once its agent is back');
  });
});
