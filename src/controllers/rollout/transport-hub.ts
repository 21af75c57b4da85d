/**
 * Hub-side pre-flight of a grpc transport rollout: agents may only move to grpc once the hub's
 * cluster-manager serves the gRPC registration driver (the Maestro controller sets it). kube needs
 * nothing; for mqtt see `mqtt-delivery.ts`.
 */
import type { TransportTarget } from '../../api/agentrollout.js';
import type { KubeClient, KubeObject } from '../../runtime/index.js';

type ClusterManager = KubeObject & {
  spec?: { registrationConfiguration?: { registrationDrivers?: { authType?: string }[] } };
};

export async function transportHubProblems(target: TransportTarget, client: KubeClient): Promise<string[]> {
  if (target !== 'grpc') return [];
  const cm = (await client.get({
    apiVersion: 'operator.open-cluster-management.io/v1',
    kind: 'ClusterManager',
    name: 'cluster-manager',
  })) as ClusterManager | undefined;
  const drivers = cm?.spec?.registrationConfiguration?.registrationDrivers ?? [];
  return drivers.some((d) => d.authType === 'grpc')
    ? []
    : [
        'the hub does not serve gRPC registration yet (ClusterManager cluster-manager has no grpc registration driver): ' +
          'enable Maestro with transport grpc first',
      ];
}
