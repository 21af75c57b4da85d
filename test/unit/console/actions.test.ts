import { describe, expect, it } from '@jest/globals';
import {
  clusterDeploymentObjects,
  importObjects,
  labelsPatch,
  rolloutObjects,
} from '../../../src/console/server/actions.js';
import { HttpError } from '../../../src/console/server/errors.js';
import { createRolloutRequestSchema, importClusterRequestSchema } from '../../../src/console/contract.js';

const target = { transport: { type: 'grpc' as const } };

describe('rolloutObjects', () => {
  it('over picked clusters: a Placement selecting exactly them by name, and the rollout on it', () => {
    const { placement, rollout } = rolloutObjects(
      createRolloutRequestSchema.parse({ namespace: 'ops', name: 'up', target, clusters: ['b', 'a', 'b'], maxConcurrency: 10 }),
    );
    expect(placement).toMatchObject({
      kind: 'Placement',
      metadata: { name: 'up', namespace: 'ops' },
      spec: {
        predicates: [
          { requiredClusterSelector: { labelSelector: { matchExpressions: [{ key: 'name', operator: 'In', values: ['a', 'b'] }] } } },
        ],
      },
    });
    expect(rollout).toMatchObject({
      kind: 'AgentRollout',
      metadata: { name: 'up', namespace: 'ops' },
      spec: { target, placementRef: { name: 'up' }, rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: 10 } } },
    });
  });

  it('over a Placement: only the rollout, with the default strategy', () => {
    const { placement, rollout } = rolloutObjects(
      createRolloutRequestSchema.parse({ namespace: 'ops', name: 'up', target, placement: 'canary' }),
    );
    expect(placement).toBeUndefined();
    expect(rollout).toMatchObject({ spec: { placementRef: { name: 'canary' } } });
    expect((rollout as unknown as { spec: Record<string, unknown> }).spec.rolloutStrategy).toBeUndefined();
  });
});

describe('importObjects', () => {
  it('writes the auto-import-secret fields the import controller reads', () => {
    const byToken = importObjects(
      importClusterRequestSchema.parse({ name: 'x', clusterSet: 'blue', server: 'https://api.x:6443', token: 't' }),
    );
    expect(byToken.cluster).toMatchObject({
      metadata: { name: 'x', labels: { name: 'x', 'cluster.open-cluster-management.io/clusterset': 'blue' } },
      spec: { hubAcceptsClient: true },
    });
    expect(byToken.secret).toMatchObject({
      metadata: { name: 'auto-import-secret', namespace: 'x' },
      stringData: { autoImportRetry: '5', token: 't', server: 'https://api.x:6443' },
    });
    const byKubeconfig = importObjects(importClusterRequestSchema.parse({ name: 'x', kubeconfig: 'apiVersion: v1' }));
    expect(byKubeconfig.secret).toMatchObject({ stringData: { autoImportRetry: '5', kubeconfig: 'apiVersion: v1' } });
  });
});

describe('clusterDeploymentObjects', () => {
  const req = {
    name: 'new',
    baseDomain: 'example.com',
    imageSet: 'img4.17',
    pullSecretName: 'pull',
    credentialsSecretName: 'aws-creds',
    installConfig: 'apiVersion: v1',
    workers: { replicas: 3 },
  };
  it('writes the namespace, install-config Secret, ClusterDeployment and worker MachinePool', () => {
    const objs = clusterDeploymentObjects({ ...req, platform: { aws: { region: 'eu-west-1' } } });
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/new',
      'Secret/new-install-config',
      'ClusterDeployment/new',
      'MachinePool/new-worker',
    ]);
    expect(objs[2]).toMatchObject({
      apiVersion: 'hive.openshift.io/v1',
      spec: {
        clusterName: 'new',
        baseDomain: 'example.com',
        platform: { aws: { region: 'eu-west-1', credentialsSecretRef: { name: 'aws-creds' } } },
        provisioning: { installConfigSecretRef: { name: 'new-install-config' }, imageSetRef: { name: 'img4.17' } },
        pullSecretRef: { name: 'pull' },
      },
    });
    expect(objs[3]).toMatchObject({ spec: { clusterDeploymentRef: { name: 'new' }, name: 'worker', replicas: 3 } });
  });

  it('needs exactly one platform, naming the field', () => {
    expect(() => clusterDeploymentObjects({ ...req, platform: {} })).toThrow(HttpError);
    try {
      clusterDeploymentObjects({ ...req, platform: { aws: { region: 'a' }, gcp: { region: 'b' } } });
    } catch (err) {
      expect((err as HttpError).field).toBe('platform');
    }
  });
});

describe('labelsPatch', () => {
  it('is a merge patch in which null removes a label', () => {
    expect(labelsPatch({ labels: { a: '1', b: null } })).toEqual({ metadata: { labels: { a: '1', b: null } } });
  });
});
