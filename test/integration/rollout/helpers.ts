/**
 * Shared set-up for the AgentRollout integration tests: a local control plane with our CRDs, a
 * simulated fleet, the operator's rollout controllers running in this process, and small readers.
 */
import { rolloutControllerFactory } from '../../../src/controllers/rollout/controller.js';
import type { AgentRolloutStatus } from '../../../src/api/agentrollout-status.js';
import { KubeClient, runOperator, type KubeObject } from '../../../src/runtime/index.js';
import { type ControlPlane } from '../../harness/control-plane.js';
import { startFleet, type Fleet } from '../../harness/fleet/index.js';
import { operatorKubeconfig } from '../../harness/operator-rbac.js';
import type { FleetOptions } from '../../harness/fleet/types.js';
import { startControlPlaneWithOwnCrds } from '../../harness/own-crds.js';

export const HUB_IMAGES = {
  registrationOperator: 'quay.io/stolostron/registration-operator:2.17.0',
  registration: 'quay.io/stolostron/registration:2.17.0',
  work: 'quay.io/stolostron/work:2.17.0',
};

export interface RolloutEnv {
  cp: ControlPlane;
  fleet: Fleet;
  client: KubeClient;
  /** Kubeconfig of the operator's ServiceAccount, bound only to the generated RBAC (config/rbac). */
  operatorKubeconfig: string;
  stop(): Promise<void>;
}

export async function startRolloutEnv(
  fleetOpts: Partial<FleetOptions> & { clusters: number },
  { operator = true }: { operator?: boolean } = {},
): Promise<RolloutEnv & { operatorDone: Promise<number> | null; stopOperator: () => Promise<void> }> {
  const cp = await startControlPlaneWithOwnCrds({ name: 'rollout' });
  const fleet = await startFleet({
    kubeConfig: cp.kubeConfig(),
    hub: { version: '2.17.0', images: HUB_IMAGES },
    agents: { delayMs: [20, 150], seed: 7 },
    ...fleetOpts,
  });
  const client = new KubeClient({ kubeConfig: cp.kubeConfig(), qps: 500, burst: 1000 });
  const kubeconfig = await operatorKubeconfig(cp);
  const abort = new AbortController();
  const operatorDone = operator
    ? runOperator(
        [
          '--kubeconfig',
          kubeconfig,
          '--metrics-bind-address=0',
          '--health-probe-bind-address=0',
          '--qps=200',
          '--burst=400',
          '--log-level=warn',
        ],
        [rolloutControllerFactory],
        { signals: false, signal: abort.signal },
      )
    : null;
  const stopOperator = async () => {
    abort.abort();
    await operatorDone;
  };
  return {
    cp,
    fleet,
    client,
    operatorKubeconfig: kubeconfig,
    operatorDone,
    stopOperator,
    async stop() {
      await stopOperator();
      await fleet.stop();
      client.close();
      await cp.stop();
    },
  };
}

/** Creates a Placement over the `default` set with decision groups of `perGroup` clusters. */
export async function createPlacement(
  client: KubeClient,
  namespace: string,
  name: string,
  perGroup: number | string,
  groups: { groupName: string; matchLabels: Record<string, string> }[] = [],
): Promise<void> {
  await client.create({
    apiVersion: 'cluster.open-cluster-management.io/v1beta1',
    kind: 'Placement',
    metadata: { name, namespace },
    spec: {
      clusterSets: ['default'],
      decisionStrategy: {
        groupStrategy: {
          clustersPerDecisionGroup: perGroup,
          decisionGroups: groups.map((g) => ({
            groupName: g.groupName,
            groupClusterSelector: { labelSelector: { matchLabels: g.matchLabels } },
          })),
        },
      },
    },
  } as KubeObject);
}

export async function rolloutStatus(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<AgentRolloutStatus | undefined> {
  const obj = (await client.get({
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'AgentRollout',
    namespace,
    name,
  })) as (KubeObject & { status?: AgentRolloutStatus }) | undefined;
  return obj?.status;
}

export async function createRollout(
  client: KubeClient,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<void> {
  await client.create({
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'AgentRollout',
    metadata: { name, namespace },
    spec,
  } as KubeObject);
}

/** Enables gRPC registration on the hub's ClusterManager, as the Maestro controller does. */
export async function enableGrpcOnHub(client: KubeClient): Promise<void> {
  await client.patch(
    { apiVersion: 'operator.open-cluster-management.io/v1', kind: 'ClusterManager', name: 'cluster-manager' },
    {
      spec: {
        registrationConfiguration: { registrationDrivers: [{ authType: 'csr' }, { authType: 'grpc' }] },
      },
    },
    'merge',
  );
}

/**
 * What the Maestro controller leaves for an mqtt transport rollout: Maestro `cluster` with
 * transport mqtt, and its status naming the endpoints (`endpoints.agents`: the broker as agents
 * dial it).
 */
export async function maestroRunningMqtt(
  client: KubeClient,
  endpoints: { rest: string; agents: string; [more: string]: string },
): Promise<void> {
  const ref = {
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'Maestro',
    metadata: { name: 'cluster' },
  };
  await client.create({ ...ref, spec: { transport: 'mqtt' } } as KubeObject);
  await client.applyStatus({ ...ref, status: { transport: 'mqtt', endpoints } } as KubeObject);
}
