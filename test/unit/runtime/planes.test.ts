import { describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { makePlanes, PLANE_ANNOTATION, planeFor, UnknownPlaneError } from '../../../src/kube/index.js';
import { KubeClient } from '../../../src/runtime/client/kube-client.js';

const obj = (apiVersion: string, kind: string, metadata: Record<string, unknown> = {}) => ({
  apiVersion,
  kind,
  metadata,
});

function client(server: string): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new KubeClient({ kubeConfig: kc });
}

describe('planeFor', () => {
  it.each([
    ['apps/v1', 'Deployment', 'control'],
    ['apps/v1', 'StatefulSet', 'control'],
    ['v1', 'Secret', 'control'],
    ['v1', 'ConfigMap', 'control'],
    ['v1', 'Service', 'control'],
    ['v1', 'PersistentVolumeClaim', 'control'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'control'],
    ['policy/v1', 'PodDisruptionBudget', 'control'],
    ['networking.k8s.io/v1', 'NetworkPolicy', 'control'],
    ['monitoring.coreos.com/v1', 'ServiceMonitor', 'control'],
    ['v1', 'Namespace', 'control'],
    ['multicluster.openshift.io/v1', 'MultiClusterEngine', 'data'],
    ['maestro.multicluster.openshift.io/v1alpha1', 'Maestro', 'data'],
    ['maestro.multicluster.openshift.io/v1alpha1', 'AgentRollout', 'data'],
    ['cluster.open-cluster-management.io/v1', 'ManagedCluster', 'data'],
    ['cluster.open-cluster-management.io/v1beta1', 'PlacementDecision', 'data'],
    ['addon.open-cluster-management.io/v1alpha1', 'AddOnDeploymentConfig', 'data'],
    ['work.open-cluster-management.io/v1', 'ManifestWork', 'data'],
    ['config.open-cluster-management.io/v1alpha1', 'KlusterletConfig', 'data'],
    ['operator.open-cluster-management.io/v1', 'ClusterManager', 'data'],
    ['coordination.k8s.io/v1', 'Lease', 'data'],
    ['events.k8s.io/v1', 'Event', 'data'],
  ])('%s %s → %s', (apiVersion, kind, plane) => {
    expect(planeFor(obj(apiVersion, kind, { namespace: 'multicluster-engine' }))).toBe(plane);
  });

  it("sends OCM's hub namespace (grpc-server-config) and the namespace itself to the data plane", () => {
    expect(
      planeFor(
        obj('v1', 'ConfigMap', { name: 'grpc-server-config', namespace: 'open-cluster-management-hub' }),
      ),
    ).toBe('data');
    expect(planeFor(obj('v1', 'Namespace', { name: 'open-cluster-management-hub' }))).toBe('data');
    expect(planeFor(obj('v1', 'ConfigMap', { name: 'x', namespace: 'maestro' }))).toBe('control');
  });

  it('sends the global-set namespace (Placements over the global ManagedClusterSet) to the data plane', () => {
    expect(planeFor(obj('v1', 'Namespace', { name: 'open-cluster-management-global-set' }))).toBe('data');
    expect(
      planeFor(
        obj('cluster.open-cluster-management.io/v1beta2', 'ManagedClusterSetBinding', {
          name: 'global',
          namespace: 'open-cluster-management-global-set',
        }),
      ),
    ).toBe('data');
  });

  it('lets an annotation pin one object, and rejects a bad value', () => {
    const pinned = obj('v1', 'Secret', { annotations: { [PLANE_ANNOTATION]: 'data' } });
    expect(planeFor(pinned)).toBe('data');
    expect(() => planeFor(obj('v1', 'Secret', { annotations: { [PLANE_ANNOTATION]: 'both' } }))).toThrow(
      UnknownPlaneError,
    );
  });

  it('refuses to guess for an unknown kind', () => {
    expect(() => planeFor(obj('example.com/v1', 'Widget'))).toThrow(UnknownPlaneError);
  });
});

describe('makePlanes', () => {
  it('routes objects to the client of their plane and detects a shared server', () => {
    const data = client('https://data.example:6443');
    const control = client('https://control.example:6443');
    const split = makePlanes(data, control);
    expect(split.same).toBe(false);
    expect(split.clientFor(obj('v1', 'Secret'))).toBe(control);
    expect(split.clientFor(obj('cluster.open-cluster-management.io/v1', 'ManagedCluster'))).toBe(data);
    expect(makePlanes(data, client('https://data.example:6443')).same).toBe(true);
    expect(makePlanes(data, data).same).toBe(true);
  });
});
