/**
 * A client that acts as the caller: the operator's API server URL and CA, the caller's bearer
 * token, and no client certificate, so the hub's RBAC decides every write and its audit log
 * records the user. One per request, closed after it; its own small rate budget.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../runtime/client/kube-client.js';

export type UserClientFactory = (token: string) => KubeClient;

export function userClientFactory(base: KubeConfig): UserClientFactory {
  const cluster = base.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const hub = {
    name: 'hub',
    server: cluster.server,
    ...(cluster.caData ? { caData: cluster.caData } : {}),
    ...(cluster.caFile ? { caFile: cluster.caFile } : {}),
    ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
    skipTLSVerify: cluster.skipTLSVerify,
  };
  return (token) => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [hub],
      users: [{ name: 'caller', token }],
      contexts: [{ name: 'caller', cluster: 'hub', user: 'caller' }],
      currentContext: 'caller',
    });
    return new KubeClient({ kubeConfig: kc, qps: 20, burst: 40, userAgent: 'mce-maestro-console/v1' });
  };
}
