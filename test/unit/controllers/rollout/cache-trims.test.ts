import { describe, expect, it } from '@jest/globals';
import { trims } from '../../../../src/controllers/rollout/cache-trims.js';
import {
  readClusterState,
  stateAnnotation,
  writeClusterState,
} from '../../../../src/controllers/rollout/cluster-state.js';
import { decodeMembers, encodeMembers } from '../../../../src/controllers/rollout/membership.js';
import type { KubeObject } from '../../../../src/runtime/index.js';
import type { Membership } from '../../../../src/rollout/index.js';

// Trimmed objects are read field by field here; their exact shape is what is under test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = KubeObject & Record<string, any>;

const cond = (type: string, status: string, extra: Record<string, unknown> = {}) => ({
  type,
  status,
  reason: `${type}Reason`,
  message: `${type} message`,
  lastTransitionTime: '2026-12-01T10:00:00Z',
  ...extra,
});

const cluster = (name: string): KubeObject =>
  ({
    apiVersion: 'cluster.open-cluster-management.io/v1',
    kind: 'ManagedCluster',
    metadata: {
      name,
      uid: `uid-${name}`,
      resourceVersion: '7',
      generation: 3,
      creationTimestamp: '2026-12-01T09:00:00Z',
      labels: { name, env: 'prod' },
      annotations: {
        'open-cluster-management/created-via': 'other',
        'agent.open-cluster-management.io/x': 'y',
      },
      managedFields: [{ manager: 'm' }],
    },
    spec: { hubAcceptsClient: true, leaseDurationSeconds: 60 },
    status: {
      conditions: [
        cond('HubAcceptedManagedCluster', 'True'),
        cond('ManagedClusterJoined', 'True'),
        cond('ManagedClusterConditionAvailable', 'True'),
        cond('ManagedClusterConditionClockSynced', 'True'),
      ],
      version: { kubernetes: 'v1.31.0' },
      capacity: { cpu: '4' },
    },
  }) as KubeObject;

const work = (namespace: string): KubeObject =>
  ({
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: {
      name: `${namespace}-klusterlet`,
      namespace,
      uid: `uid-${namespace}`,
      resourceVersion: '9',
      generation: 2,
      labels: { 'import.open-cluster-management.io/klusterlet-works': 'true' },
    },
    status: {
      conditions: [
        cond('Applied', 'True', { observedGeneration: 2 }),
        cond('Available', 'True', { observedGeneration: 2 }),
        cond('Progressing', 'False', { observedGeneration: 2 }),
      ],
      resourceStatus: { manifests: [{ resourceMeta: { kind: 'Deployment', name: 'klusterlet' } }] },
    },
  }) as KubeObject;

describe('fleet cache trims', () => {
  it('keeps what the rollout and the console read of a ManagedCluster, and nothing else', () => {
    const mc = trims.cluster(cluster('c1')) as Loose;
    expect(mc.metadata).toEqual({
      name: 'c1',
      resourceVersion: '7',
      creationTimestamp: '2026-12-01T09:00:00Z',
      labels: { name: 'c1', env: 'prod' },
      annotations: { 'agent.open-cluster-management.io/x': 'y' },
    });
    expect(mc.spec).toEqual({ hubAcceptsClient: true });
    expect(mc.status.conditions.map((c: { type: string }) => c.type)).toEqual([
      'ManagedClusterJoined',
      'ManagedClusterConditionAvailable',
    ]);
    // Health since when: Available keeps its transition time; Joined needs none.
    expect(mc.status.conditions[1].lastTransitionTime).toBe('2026-12-01T10:00:00Z');
    expect(mc.status.conditions[0].lastTransitionTime).toBeUndefined();
    expect(mc.status.version).toEqual({ kubernetes: 'v1.31.0' });
    expect(mc.status.capacity).toBeUndefined();
  });

  it('shares what is the same across clusters, frozen, so a change to the cache fails loudly', () => {
    const a = trims.cluster(cluster('c1')) as Loose;
    const b = trims.cluster(cluster('c2')) as Loose;
    expect(a.spec).toBe(b.spec);
    expect(a.status.conditions[0]).toBe(b.status.conditions[0]);
    expect(a.status.conditions[1]).not.toBe(b.status.conditions[1]);
    expect(() => {
      a.spec.hubAcceptsClient = false;
    }).toThrow(TypeError);
  });

  it('keeps only generation and readiness conditions of a klusterlet work, shared across clusters', () => {
    const a = trims.klusterletWork(work('c1')) as Loose;
    const b = trims.klusterletWork(work('c2')) as Loose;
    expect(a.metadata).toEqual({
      name: 'c1-klusterlet',
      namespace: 'c1',
      resourceVersion: '9',
      generation: 2,
    });
    expect(a.status).toEqual({
      conditions: [
        {
          type: 'Applied',
          status: 'True',
          reason: 'AppliedReason',
          message: 'Applied message',
          observedGeneration: 2,
        },
        {
          type: 'Available',
          status: 'True',
          reason: 'AvailableReason',
          message: 'Available message',
          observedGeneration: 2,
        },
      ],
    });
    expect(a.status).toBe(b.status);
  });

  it('keeps the cluster names of a PlacementDecision', () => {
    const d = trims.decision({
      apiVersion: 'cluster.open-cluster-management.io/v1beta1',
      kind: 'PlacementDecision',
      metadata: { name: 'p-decision-1', namespace: 'ns' },
      status: {
        decisions: [
          { clusterName: 'c1', reason: 'picked' },
          { clusterName: 'c2', reason: '' },
        ],
      },
    } as KubeObject) as Loose;
    expect(d.status.decisions).toEqual([{ clusterName: 'c1' }, { clusterName: 'c2' }]);
  });

  it('keeps an empty annotation map where the object had annotations, so patches know the map exists', () => {
    const mca = trims.addOn({
      apiVersion: 'addon.open-cluster-management.io/v1alpha1',
      kind: 'ManagedClusterAddOn',
      metadata: { name: 'a', namespace: 'c1', annotations: { other: 'x' } },
    } as KubeObject);
    expect(mca.metadata.annotations).toEqual({});
    const bare = trims.addOn({
      apiVersion: 'addon.open-cluster-management.io/v1alpha1',
      kind: 'ManagedClusterAddOn',
      metadata: { name: 'a', namespace: 'c2' },
    } as KubeObject);
    expect(bare.metadata.annotations).toBeUndefined();
  });
});

describe('fleet cache trims and rollout state', () => {
  it('keeps the rollout state annotations verbatim, for the controller and the console to read', () => {
    const state = {
      rollout: 'ns/r',
      revision: 'r-1',
      direction: 'forward' as const,
      startedAt: 1_764_000_000_000,
      value: 'multicluster-engine/config-1.1.0',
      previous: 'multicluster-engine/config-1.0.0',
    };
    const raw = writeClusterState(state);
    const mca = trims.addOn({
      apiVersion: 'addon.open-cluster-management.io/v1alpha1',
      kind: 'ManagedClusterAddOn',
      metadata: { name: 'a', namespace: 'c1', annotations: { [stateAnnotation('addOn')]: raw, other: 'x' } },
    } as KubeObject);
    expect(mca.metadata.annotations).toEqual({ [stateAnnotation('addOn')]: raw });
    expect(readClusterState(mca.metadata.annotations, 'addOn')).toEqual(state);
    const mc = cluster('c2');
    mc.metadata.annotations = {
      ...mc.metadata.annotations,
      [stateAnnotation('klusterlet')]: raw,
      [stateAnnotation('transport')]: raw,
    };
    const trimmed = trims.cluster(mc);
    expect(readClusterState(trimmed.metadata.annotations, 'klusterlet')).toEqual(state);
    expect(readClusterState(trimmed.metadata.annotations, 'transport')).toEqual(state);
  });
});

describe('membership decoding', () => {
  it('gives members of one group one shared, frozen Membership, and round-trips', () => {
    const group = { index: 0, name: 'canary' };
    const lines = [
      { name: 'c1', membership: { revision: 'r1', group, joinedLate: false } },
      { name: 'c2', membership: { revision: 'r1', group, joinedLate: false } },
      { name: 'c3', membership: { revision: 'r1', group: { index: 1, name: '' }, joinedLate: true } },
    ];
    const into = new Map<string, Membership>();
    decodeMembers(encodeMembers(lines), 'r1', into);
    expect([...into].map(([name, membership]) => ({ name, membership }))).toEqual(lines);
    expect(into.get('c1')).toBe(into.get('c2'));
    expect(into.get('c3')).not.toBe(into.get('c1'));
    expect(Object.isFrozen(into.get('c1'))).toBe(true);
  });
});
