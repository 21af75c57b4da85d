/**
 * Hub-side pre-flight of a transport rollout: agents may only move to grpc once the hub's
 * cluster-manager serves the gRPC registration driver (the Maestro controller sets it), and to
 * mqtt once Maestro runs with an MQTT broker.
 */
import type { TransportTarget } from '../../api/agentrollout.js';
import { MAESTRO_API_VERSION, MAESTRO_KIND, MAESTRO_SINGLETON_NAME } from '../../api/maestro.js';
import type { KubeClient, KubeObject } from '../../runtime/index.js';

type ClusterManager = KubeObject & {
  spec?: { registrationConfiguration?: { registrationDrivers?: { authType?: string }[] } };
};
type Maestro = KubeObject & { status?: { transport?: string } };

export async function transportHubProblems(target: TransportTarget, client: KubeClient): Promise<string[]> {
  if (target === 'kube') return [];
  if (target === 'grpc') {
    const cm = (await client.get({
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'ClusterManager',
      name: 'cluster-manager',
    })) as ClusterManager | undefined;
    const drivers = cm?.spec?.registrationConfiguration?.registrationDrivers ?? [];
    return drivers.some((d) => d.authType === 'grpc')
      ? []
      : [
          'the hub does not serve gRPC registration yet (ClusterManager cluster-manager has no grpc registration driver): enable Maestro with transport grpc first',
        ];
  }
  const maestro = (await client
    .get({ apiVersion: MAESTRO_API_VERSION, kind: MAESTRO_KIND, name: MAESTRO_SINGLETON_NAME })
    .catch(() => undefined)) as Maestro | undefined;
  return maestro?.status?.transport === 'mqtt'
    ? []
    : ['Maestro does not run with transport mqtt: set spec.transport: mqtt on Maestro cluster first'];
}
