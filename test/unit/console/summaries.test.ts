import { describe, expect, it } from '@jest/globals';
import { clusterSummarySchema, rolloutSummarySchema } from '../../../src/console/contract.js';
import { clusterSummary, rolloutSummary, type CachedRollout } from '../../../src/console/server/summaries.js';
import { maySee } from '../../../src/console/server/visibility.js';

const state = (rollout: string, value: string) =>
  JSON.stringify({ rollout, revision: 'r1', direction: 'forward', startedAt: 1, value, previous: '' });

const rollout: CachedRollout = {
  apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
  kind: 'AgentRollout',
  metadata: { name: 'addon-up', namespace: 'ops', creationTimestamp: '2026-01-01T00:00:00Z', resourceVersion: '7' },
  spec: {
    target: {
      addOn: {
        name: 'work-manager',
        version: '1.2.0',
        config: { group: 'addon.open-cluster-management.io', resource: 'addondeploymentconfigs', name: 'wm-1.2.0' },
      },
    },
    placementRef: { name: 'all' },
    approvals: [{ groupName: 'canary' }, { groupName: 'rest' }],
    approved: [
      { groupName: 'canary', revision: 'r1' },
      { groupName: 'rest', revision: 'r0' },
    ],
  },
  status: { phase: 'WaitingForApproval', revision: 'r1', total: 3, groups: [], failedClusters: [] },
};

describe('clusterSummary', () => {
  it('trims a ManagedCluster to a list row with its add-ons and the rollouts that touched it', () => {
    const row = clusterSummary(
      {
        apiVersion: 'cluster.open-cluster-management.io/v1',
        kind: 'ManagedCluster',
        metadata: {
          name: 'c1',
          labels: { 'cluster.open-cluster-management.io/clusterset': 'blue', env: 'prod' },
          annotations: {
            'rollout.maestro.multicluster.openshift.io/transport': state('ops/to-grpc', 'grpc'),
            'rollout.maestro.multicluster.openshift.io/klusterlet': 'not json',
          },
        },
        spec: { hubAcceptsClient: true },
        status: {
          conditions: [
            { type: 'ManagedClusterConditionAvailable', status: 'True' },
            { type: 'ManagedClusterJoined', status: 'True' },
          ],
          version: { kubernetes: 'v1.31.2' },
        },
      },
      {
        addOns: [
          {
            apiVersion: 'addon.open-cluster-management.io/v1alpha1',
            kind: 'ManagedClusterAddOn',
            metadata: {
              name: 'work-manager',
              namespace: 'c1',
              annotations: { 'rollout.maestro.multicluster.openshift.io/addon': state('ops/addon-up', 'wm-1.2.0') },
            },
            status: { conditions: [{ type: 'Available', status: 'False' }] },
          },
          { apiVersion: 'addon.open-cluster-management.io/v1alpha1', kind: 'ManagedClusterAddOn', metadata: { name: 'a-first', namespace: 'c1' } },
        ],
        rollout: (key) => (key === 'ops/addon-up' ? rollout : undefined),
        klusterletVersion: { version: '2.16.0', source: 'observed' },
        transport: { transport: 'grpc', source: 'recorded' },
      },
    );
    expect(clusterSummarySchema.parse(row)).toEqual(row);
    expect(row).toEqual({
      name: 'c1',
      labels: { 'cluster.open-cluster-management.io/clusterset': 'blue', env: 'prod' },
      clusterSet: 'blue',
      available: 'True',
      joined: true,
      hubAccepted: true,
      kubernetesVersion: 'v1.31.2',
      klusterletVersion: '2.16.0',
      klusterletVersionSource: 'observed',
      transport: 'grpc',
      transportSource: 'recorded',
      addOns: [
        { name: 'a-first', available: 'Unknown' },
        { name: 'work-manager', version: '1.2.0', available: 'False' },
      ],
      rollouts: [
        { namespace: 'ops', name: 'to-grpc' },
        { namespace: 'ops', name: 'addon-up' },
      ],
    });
  });
});

describe('rolloutSummary', () => {
  it('shows the target, phase and which gated groups the current revision has approved', () => {
    const s = rolloutSummary(rollout);
    expect(rolloutSummarySchema.parse(s)).toEqual(s);
    expect(s).toMatchObject({
      namespace: 'ops',
      name: 'addon-up',
      target: 'work-manager 1.2.0',
      targetKind: 'addOn',
      placement: 'all',
      phase: 'WaitingForApproval',
      paused: false,
      total: 3,
      approvals: [
        { group: 'canary', approved: true },
        { group: 'rest', approved: false },
      ],
    });
  });
});

describe('maySee', () => {
  const labels = { 'cluster.open-cluster-management.io/clusterset': 'blue' };
  it('lets list-all users see everything and others only their sets', () => {
    expect(maySee({ all: true }, undefined)).toBe(true);
    expect(maySee({ all: false, sets: new Set(['blue']) }, labels)).toBe(true);
    expect(maySee({ all: false, sets: new Set(['green']) }, labels)).toBe(false);
    expect(maySee({ all: false, sets: new Set(['blue']) }, {})).toBe(false);
  });
});
