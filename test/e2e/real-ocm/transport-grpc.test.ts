/**
 * The transport switch on the real path: the hub serves registration and work over gRPC (OCM's
 * `server grpc`), the operator selects a derived KlusterletConfig with the grpc registration driver
 * per cluster, the import controller re-renders the Klusterlet, the real klusterlet operator
 * re-deploys the agent with `--registration-auth=grpc`, the agent registers again through the gRPC
 * server (its client certificate signed by the hub's gRPC CA), and ManifestWorks reach the cluster
 * through gRPC instead of the hub's API server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../src/runtime/index.js';
import { eventually } from '../../harness/eventually.js';
import { configMapData, configMapWork, hubImagesOf, OCM_RELEASE_OF_TAG } from '../../harness/ocm/fixtures.js';
import { describeWorld } from '../../harness/ocm/diagnostics.js';
import { AGENT_NAMESPACE, type OcmSpoke } from '../../harness/ocm/spoke.js';
import { isAvailable, managedClusterRef } from '../../harness/ocm/managed-cluster.js';
import { startRealWorld, type RealWorld } from '../../harness/ocm/world.js';
import { createRollout, enableGrpcOnHub, rolloutStatus } from '../../integration/rollout/helpers.js';
import { startRollouts, type RunningOperator } from './operator.js';

const NS = 'fleet-ops';
const LEASE_SECONDS = 3;
const SOAK = '90s';

type Condition = { type: string; status: string; reason?: string; message?: string };
const condition = (status: { conditions?: Condition[] } | undefined, type: string) =>
  status?.conditions?.find((c) => c.type === type);

const HUB_KUBECONFIG_SECRET = {
  apiVersion: 'v1',
  kind: 'Secret',
  namespace: AGENT_NAMESPACE,
  name: 'hub-kubeconfig-secret',
};

/**
 * The admin step OCM v1.2.1 needs (docs/testing.md): remove the CSR-era hub-kubeconfig-secret,
 * then the agent's pod, and check that no CSR-era credential is left (a client certificate
 * without the gRPC `config.yaml`): an agent that already copied it into its pod's emptyDir can
 * write it back before it stops, and the next pod would count itself registered again. Returns
 * how many rounds it took.
 */
async function removeCsrEraCredentials(spoke: OcmSpoke): Promise<number> {
  for (let round = 1; ; round++) {
    await spoke.client.delete(HUB_KUBECONFIG_SECRET);
    await spoke.processKubelet()?.deletePod(`${AGENT_NAMESPACE}/klusterlet-agent`);
    const left = await spoke.client.get<KubeObject & { data?: Record<string, string> }>(
      HUB_KUBECONFIG_SECRET,
    );
    const data = left?.data ?? {};
    if (!('tls.crt' in data) || 'config.yaml' in data) return round;
    if (round === 3) throw new Error(`${spoke.name}: the CSR-era hub-kubeconfig-secret keeps coming back`);
  }
}

describe('transport switch to gRPC through the real klusterlet operator', () => {
  let world: RealWorld;
  let operator: RunningOperator;
  const agentArgs = (cluster: string) =>
    world.spoke(cluster).processKubelet()?.pod(`${AGENT_NAMESPACE}/klusterlet-agent`)?.argv ?? [];

  beforeAll(async () => {
    world = await startRealWorld({
      grpc: true,
      import: { images: hubImagesOf('2.17.1'), versions: OCM_RELEASE_OF_TAG },
    });
    // No cluster-manager operator runs here: the ClusterManager is the object the operator's
    // pre-flight reads, with the grpc driver on as the Maestro controller sets it.
    await world.hub.client.apply(
      {
        apiVersion: 'operator.open-cluster-management.io/v1',
        kind: 'ClusterManager',
        metadata: { name: 'cluster-manager' },
        spec: {},
      } as KubeObject,
      { fieldManager: 'test-harness' },
    );
    await enableGrpcOnHub(world.hub.client);
    operator = await startRollouts(world, NS);
  });
  afterAll(async () => {
    await operator?.stop();
    await world?.stop();
  });

  // OCM v1.2.1's agent, re-deployed with the gRPC driver, still finds the client certificate it got
  // over CSR (in hub-kubeconfig-secret, and in its pod's emptyDir once it has synced it), counts
  // itself registered and exits looking for the gRPC config.yaml (docs/testing.md); its cluster
  // turns Unknown, and the rollout says which clusters wait for that step (ClustersNeedAction),
  // until an admin removes that Secret and the agent's pod. Then it registers again, over gRPC,
  // once the old pod's leader lease has expired (up to 2 min 43 s per replaced pod), and the
  // rollout, which waits for healthy clusters, finishes.
  it('moves every cluster to gRPC registration and work delivery, through the gRPC server', async () => {
    for (const spoke of world.spokes) {
      expect(agentArgs(spoke.name)).toContain('--workload-source-driver=kube');
      // A short lease, so the hub notices a stopped agent within seconds (grace: five leases).
      await world.hub.client.patch(
        managedClusterRef(spoke.name),
        { spec: { leaseDurationSeconds: LEASE_SECONDS } },
        'merge',
      );
    }
    await createRollout(world.hub.client, NS, 'to-grpc', {
      target: { transport: { type: 'grpc' } },
      placementRef: { name: 'all' },
      // Longer than the lease grace: no cluster counts as done before its re-deployed agent had
      // the time to stop renewing its lease.
      rolloutStrategy: { type: 'All', all: { minSuccessTime: SOAK } },
    });
    // The klusterlet operator re-deploys each agent with the gRPC driver.
    await eventually(
      () => {
        for (const spoke of world.spokes) {
          const args = agentArgs(spoke.name);
          expect(args).toContain('--workload-source-driver=grpc');
          expect(args.some((a) => a.startsWith('--registration-auth=grpc'))).toBe(true);
        }
      },
      {
        timeout: 300_000,
        interval: 1_000,
        message: 'every agent re-deployed with the gRPC driver',
        explain: () => describeWorld(world),
      },
    );
    // The hub cannot take the step: the rollout names every cluster that waits for it, and the step.
    await eventually(
      async () => {
        const needs = condition(await rolloutStatus(world.hub.client, NS, 'to-grpc'), 'ClustersNeedAction');
        expect(needs).toMatchObject({ status: 'True', reason: 'AdminActionNeeded' });
        expect(needs?.message).toContain(`${world.spokes.length} cluster(s) (`);
        for (const spoke of world.spokes) expect(needs?.message).toContain(spoke.name);
        expect(needs?.message).toContain(
          `delete Secret ${AGENT_NAMESPACE}/${HUB_KUBECONFIG_SECRET.name} and then the klusterlet-agent pod`,
        );
      },
      {
        timeout: 180_000,
        interval: 1_000,
        message: 'ClustersNeedAction to name every cluster',
        explain: () => describeWorld(world),
      },
    );
    for (const spoke of world.spokes) {
      const rounds = await removeCsrEraCredentials(spoke);
      if (rounds > 1) console.log(`${spoke.name}: the CSR-era Secret came back; removed ${rounds} times`);
    }
    for (const spoke of world.spokes)
      await world.hub.client.create(configMapWork(spoke.name, 'over-grpc', { via: 'grpc' }));
    await eventually(
      async () => {
        for (const spoke of world.spokes) {
          expect(await configMapData(spoke.client, 'over-grpc')).toEqual({ via: 'grpc' });
        }
      },
      {
        timeout: 600_000,
        interval: 1_000,
        message: 'the ConfigMap on every cluster',
        explain: () => describeWorld(world),
      },
    );
    await eventually(
      async () => expect((await rolloutStatus(world.hub.client, NS, 'to-grpc'))?.phase).toBe('Succeeded'),
      {
        timeout: 300_000,
        interval: 1_000,
        message: 'the transport rollout to succeed',
        explain: () => describeWorld(world),
      },
    );
    // Registered over gRPC: nobody waits for an admin any more.
    expect(
      condition(await rolloutStatus(world.hub.client, NS, 'to-grpc'), 'ClustersNeedAction'),
    ).toMatchObject({
      status: 'False',
    });
    // Each cluster's agent got its gRPC client certificate through a CSR of OCM's grpc signer,
    // approved for the bootstrap identity and signed by the registration controller.
    const csrs = await world.hub.client.list('certificates.k8s.io/v1', 'CertificateSigningRequest');
    for (const spoke of world.spokes) {
      const grpcCsrs = csrs.items.filter(
        (c) =>
          (c as { spec?: { signerName?: string } }).spec?.signerName === 'open-cluster-management.io/grpc' &&
          c.metadata.labels?.['open-cluster-management.io/cluster-name'] === spoke.name,
      ) as (KubeObject & { status?: { certificate?: string } })[];
      expect(grpcCsrs.some((c) => (c.status?.certificate ?? '').length > 0)).toBe(true);
    }
    // And the hub sees each Available through the lease it now renews over gRPC. While the old
    // pod's leader lease ran out the cluster may have turned Unknown; the registration controller
    // marks it Available again at its next lease check (CI saw one lag behind the ConfigMap).
    await eventually(
      async () => {
        for (const spoke of world.spokes) {
          const mc = await world.hub.client.get(managedClusterRef(spoke.name));
          expect(isAvailable(mc)).toBe(true);
        }
      },
      {
        timeout: 180_000,
        interval: 2_000,
        message: 'every cluster Available over gRPC',
        explain: () => describeWorld(world),
      },
    );
  }, 1_500_000);
});
