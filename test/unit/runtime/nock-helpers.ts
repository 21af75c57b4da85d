import { KubeConfig } from '@kubernetes/client-node';
import nock from 'nock';
import { KubeClient } from '../../../src/runtime/client/kube-client.js';

export const SERVER = 'https://k8s.test';

/** A client for the fake server `https://k8s.test` (only nock answers there). */
export function fakeClient(opts: { qps?: number; burst?: number } = {}): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: SERVER, skipTLSVerify: false }],
    users: [{ name: 'u', token: 'test-token' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return new KubeClient({ kubeConfig: kc, qps: opts.qps ?? -1, burst: opts.burst ?? 1, timeoutMs: 2_000 });
}

/** Discovery for core/v1 with ConfigMaps and Namespaces. */
export function coreDiscovery(scope: nock.Scope = nock(SERVER)): nock.Scope {
  return scope.get('/api/v1').reply(200, {
    kind: 'APIResourceList',
    resources: [
      { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
      { name: 'namespaces', kind: 'Namespace', namespaced: false },
    ],
  });
}

export const JSON_HEADERS = { 'Content-Type': 'application/json' };
