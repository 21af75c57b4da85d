import { describe, expect, it } from '@jest/globals';
import { maestroSpecSchema, type MaestroSpecInput } from '../../../../src/api/maestro.js';
import {
  drainMessage,
  planTransportRollout,
  rolloutLocation,
  rolloutReached,
  type RolloutInput,
} from '../../../../src/controllers/maestro/transport-rollout.js';
import type { KubeObject } from '../../../../src/runtime/index.js';

const MCE = { name: 'multiclusterengine', uid: 'mce-uid' };

function rollout(
  type: string,
  status?: Record<string, unknown>,
  { namespace = 'open-cluster-management-global-set', generation = 2 } = {},
): KubeObject {
  return {
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'AgentRollout',
    metadata: { name: 'maestro-transport', namespace, generation },
    spec: { target: { transport: { type } } },
    ...(status ? { status } : {}),
  } as KubeObject;
}

function input(o: Partial<Omit<RolloutInput, 'spec'>> & { spec?: MaestroSpecInput } = {}): RolloutInput {
  return {
    mce: MCE,
    enabled: true,
    conductorConfigured: false,
    apiServed: true,
    rollouts: [],
    ...o,
    spec: maestroSpecSchema.parse(o.spec ?? {}),
  };
}

const targetOf = (objects: KubeObject[]) =>
  (
    objects.find((o) => o.kind === 'AgentRollout') as
      { spec: { target: { transport: { type: string } } } } | undefined
  )?.spec.target.transport.type;

describe('rolloutReached', () => {
  it.each<[string, KubeObject | undefined, boolean]>([
    ['absent', undefined, false],
    ['other target', rollout('grpc', { observedGeneration: 2, phase: 'Succeeded' }), false],
    ['status of an older generation', rollout('kube', { observedGeneration: 1, phase: 'Succeeded' }), false],
    ['succeeded', rollout('kube', { observedGeneration: 2, phase: 'Succeeded', total: 5 }), true],
    [
      'pending with no clusters',
      rollout('kube', { observedGeneration: 2, phase: 'Pending', total: 0 }),
      true,
    ],
    ['pending with clusters', rollout('kube', { observedGeneration: 2, phase: 'Pending', total: 3 }), false],
    ['progressing', rollout('kube', { observedGeneration: 2, phase: 'Progressing', total: 3 }), false],
    [
      'no observedGeneration but the target says kube',
      rollout('kube', { phase: 'Succeeded', target: 'transport kube' }),
      true,
    ],
  ])('%s', (_name, r, expected) => {
    expect(rolloutReached(r, 'kube')).toBe(expected);
  });
});

describe('drainMessage', () => {
  const location = rolloutLocation(maestroSpecSchema.parse({}));
  it('counts the clusters not back on kube yet', () => {
    const r = rollout('kube', {
      observedGeneration: 2,
      phase: 'Progressing',
      total: 5,
      counts: { succeeded: 2 },
    });
    expect(drainMessage(r, location)).toBe(
      'waiting for 3 clusters to move back to kube (AgentRollout open-cluster-management-global-set/maestro-transport, phase Progressing)',
    );
  });
  it('says when the rollout has not started', () => {
    expect(drainMessage(rollout('grpc'), location)).toContain('to start moving clusters back to kube');
  });
});

describe('planTransportRollout', () => {
  it('rolls the fleet to grpc with a Placement of every cluster, Progressive 10%', () => {
    const plan = planTransportRollout(input());
    expect(plan.drain).toEqual({ kind: 'NotNeeded' });
    expect(plan.objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Placement open-cluster-management-global-set/maestro-transport',
      'AgentRollout open-cluster-management-global-set/maestro-transport',
    ]);
    expect(plan.objects[0]).toMatchObject({ spec: { clusterSets: ['global'] } });
    expect(plan.objects[1]).toMatchObject({
      metadata: {
        labels: {
          'app.kubernetes.io/managed-by': 'mce-maestro-operator',
          'app.kubernetes.io/part-of': 'maestro',
        },
        ownerReferences: [{ kind: 'MultiClusterEngine', uid: 'mce-uid', controller: false }],
      },
      spec: {
        target: { transport: { type: 'grpc' } },
        placementRef: { name: 'maestro-transport' },
        rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: '10%' } },
      },
    });
  });

  it('uses the admin Placement when placementRef is set', () => {
    const plan = planTransportRollout(
      input({
        spec: {
          transportRollout: { placementRef: { namespace: 'team', name: 'canary' }, maxConcurrency: 2 },
        },
      }),
    );
    expect(plan.objects).toHaveLength(1);
    expect(plan.objects[0]).toMatchObject({
      metadata: { namespace: 'team', name: 'maestro-transport' },
      spec: { placementRef: { name: 'canary' }, rolloutStrategy: { progressive: { maxConcurrency: 2 } } },
    });
  });

  it('moves agents back to kube before gRPC goes, then to mqtt', () => {
    const waiting = planTransportRollout(
      input({ spec: { transport: 'mqtt' }, conductorConfigured: true, rollouts: [rollout('grpc')] }),
    );
    expect(targetOf(waiting.objects)).toBe('kube');
    expect(waiting.drain.kind).toBe('Waiting');

    const done = planTransportRollout(
      input({
        spec: { transport: 'mqtt' },
        conductorConfigured: true,
        rollouts: [rollout('kube', { observedGeneration: 2, phase: 'Succeeded' })],
      }),
    );
    expect(done.drain).toEqual({ kind: 'Done' });
    expect(targetOf(done.objects)).toBe('mqtt');

    const after = planTransportRollout(input({ spec: { transport: 'mqtt' }, conductorConfigured: false }));
    expect(after.drain).toEqual({ kind: 'NotNeeded' });
    expect(targetOf(after.objects)).toBe('mqtt');
  });

  it('on disable: kube, waiting while gRPC is configured; no rollout created when there was none', () => {
    const waiting = planTransportRollout(
      input({ enabled: false, conductorConfigured: true, rollouts: [rollout('grpc')] }),
    );
    expect(targetOf(waiting.objects)).toBe('kube');
    expect(waiting.drain.kind).toBe('Waiting');
    const mqttOff = planTransportRollout(input({ enabled: false, rollouts: [rollout('mqtt')] }));
    expect(targetOf(mqttOff.objects)).toBe('kube');
    expect(mqttOff.drain).toEqual({ kind: 'NotNeeded' });
    expect(planTransportRollout(input({ enabled: false })).objects).toEqual([]);
  });

  it('skips the rollout with a note while its API is not served, and does not wait', () => {
    const plan = planTransportRollout(input({ enabled: false, conductorConfigured: true, apiServed: false }));
    expect(plan.objects).toEqual([]);
    expect(plan.drain).toEqual({ kind: 'Done' });
    expect(plan.note).toContain('AgentRollout or Placement API is not served');
  });

  it('wants no rollout objects without an MCE (they go with it)', () => {
    const plan = planTransportRollout(input({ mce: undefined, enabled: false, conductorConfigured: true }));
    expect(plan.objects).toEqual([]);
    expect(plan.drain).toEqual({ kind: 'Done' });
  });
});
