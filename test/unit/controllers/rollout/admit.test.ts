/**
 * Step 2 of the AgentRollout reconcile, pure: which rollouts may take a step, and what the others
 * show; and the spec cache that compiles a policy once per generation.
 */
import { describe, expect, it } from '@jest/globals';
import { admit, SpecCache, type AgentRolloutObject } from '../../../../src/controllers/rollout/admit.js';
import { targetRevision } from '../../../../src/controllers/rollout/revision.js';
import type { PlacementDecision } from '../../../../src/api/upstream/ocm.js';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const target = { transport: { type: 'grpc' as const } };

function rollout(spec: unknown, extra: Partial<AgentRolloutObject> = {}): AgentRolloutObject {
  return {
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'AgentRollout',
    metadata: { name: 'r', namespace: 'ops', generation: 1, uid: 'u' },
    spec,
    ...extra,
  };
}

function decisions(...clusters: string[]): PlacementDecision[] {
  return [
    {
      apiVersion: 'cluster.open-cluster-management.io/v1beta1',
      kind: 'PlacementDecision',
      metadata: {
        name: 'p-decision-1',
        namespace: 'ops',
        labels: { 'cluster.open-cluster-management.io/placement': 'p' },
      },
      status: { decisions: clusters.map((clusterName) => ({ clusterName })) },
    },
  ];
}

const cache = () => new SpecCache();
const noCma = () => undefined;

function run(
  obj: AgentRolloutObject,
  facts: { found?: boolean; selected?: number; clusters?: string[] } = {},
) {
  return admit({
    obj,
    compiled: cache().compile(obj, noCma),
    now: NOW,
    allowedRegistries: ['quay.io/'],
    placementFound: facts.found ?? true,
    selectedClusters: facts.selected,
    decisions: decisions(...(facts.clusters ?? [])),
  });
}

describe('admit', () => {
  it('stalls an invalid spec with InvalidSpec naming the field', () => {
    const a = run(rollout({ target: { transport: { type: 'pigeon' } }, placementRef: { name: 'p' } }));
    expect(a.verdict).toBe('stop');
    if (a.verdict !== 'stop') return;
    expect(a.outcome?.stall?.reason).toBe('InvalidSpec');
    expect(a.outcome?.stall?.message).toMatch(/^spec\.target\.transport\.type: /);
    expect(a.outcome?.status.conditions?.find((c) => c.type === 'Stalled')?.status).toBe('True');
  });

  it('stalls on a missing Placement, naming spec.placementRef.name', () => {
    const a = run(rollout({ target, placementRef: { name: 'p' } }), { found: false });
    expect(a.verdict === 'stop' && a.outcome?.stall?.message).toBe(
      'spec.placementRef.name: Placement ops/p not found',
    );
  });

  it('waits (and requeues) until the placement controller has written every decision', () => {
    const a = run(rollout({ target, placementRef: { name: 'p' } }), { selected: 3, clusters: ['c2', 'c1'] });
    expect(a.verdict).toBe('stop');
    if (a.verdict !== 'stop') return;
    expect(a.outcome?.stall).toBeUndefined();
    expect(a.outcome?.requeueAfter).toBeGreaterThan(0);
    expect(a.outcome?.status.message).toContain('(2 of 3)');
    expect(a.covered).toEqual(['c1', 'c2']);
  });

  it('admits a scheduled Placement with its clusters sorted', () => {
    const a = run(rollout({ target, placementRef: { name: 'p' } }), { selected: 2, clusters: ['c2', 'c1'] });
    expect(a.verdict).toBe('continue');
    if (a.verdict !== 'continue') return;
    expect(a.clusterNames).toEqual(['c1', 'c2']);
    expect(a.revision).toBe(targetRevision(target));
    expect(a.started).toBe(false);
  });

  it('leaves a finished revision alone, only catching up observedGeneration', () => {
    const revision = targetRevision(target);
    const status = {
      phase: 'Succeeded' as const,
      revision,
      observedGeneration: 1,
      completionTime: '2026-12-01T00:00:00Z',
    };
    const same = run(
      rollout({ target, placementRef: { name: 'p' } }, { status } as Partial<AgentRolloutObject>),
    );
    expect(same).toEqual({ verdict: 'stop', outcome: null });
    const edited = rollout({ target, placementRef: { name: 'p' } }, {
      status,
    } as Partial<AgentRolloutObject>);
    edited.metadata.generation = 2;
    const caughtUp = run(edited);
    expect(caughtUp.verdict === 'stop' && caughtUp.outcome?.status.observedGeneration).toBe(2);
  });

  it('wakes a finished revision for a rollback requested after it finished', () => {
    const revision = targetRevision(target);
    const status = {
      phase: 'Succeeded' as const,
      revision,
      observedGeneration: 1,
      completionTime: '2026-12-01T00:00:00Z',
      plan: { revision, startedAt: '2026-11-30T00:00:00Z', groups: [] },
    };
    const obj = rollout({ target, placementRef: { name: 'p' } }, { status } as Partial<AgentRolloutObject>);
    obj.metadata.annotations = {
      'rollout.maestro.multicluster.openshift.io/rollback-requested-at': '2026-12-02T00:00:00Z',
    };
    const a = run(obj, { selected: 1, clusters: ['c1'] });
    expect(a.verdict).toBe('continue');
    expect(a.verdict === 'continue' && a.rollbackAt).toBe(Date.parse('2026-12-02T00:00:00Z'));
  });
});

describe('SpecCache', () => {
  it('compiles a policy once per generation', () => {
    const specs = cache();
    const obj = rollout({ target, placementRef: { name: 'p' } });
    const first = specs.compile(obj, noCma);
    expect(specs.compile({ ...obj, metadata: { ...obj.metadata } }, noCma)).toBe(first);
    const next = specs.compile({ ...obj, metadata: { ...obj.metadata, generation: 2 } }, noCma);
    expect(next).not.toBe(first);
    expect(next.ok).toBe(true);
  });
});
