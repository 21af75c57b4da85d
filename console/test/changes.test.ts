// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { applyChange, emptyData, emptyOverlay, rebuild } from '../src/lib/changes';
import { changeEventSchema } from '../src/lib/contract';
import { cluster, rollout } from './fake-region';

describe('applyChange', () => {
  it('upserts and deletes clusters and rollouts; resync asks for a reload', () => {
    const data = emptyData();
    expect(applyChange(data, { type: 'cluster', action: 'upsert', name: 'a', cluster: cluster('a') })).toBe(
      'applied',
    );
    expect(
      applyChange(data, {
        type: 'rollout',
        action: 'upsert',
        namespace: 'ns',
        name: 'r',
        rollout: rollout('ns', 'r'),
      }),
    ).toBe('applied');
    expect([...data.clusters.keys()]).toEqual(['a']);
    expect([...data.rollouts.keys()]).toEqual(['ns/r']);
    expect(applyChange(data, { type: 'cluster', action: 'upsert', name: 'b' })).toBe('ignored');
    expect(applyChange(data, { type: 'cluster', action: 'delete', name: 'a' })).toBe('applied');
    expect(applyChange(data, { type: 'rollout', action: 'delete', namespace: 'ns', name: 'r' })).toBe(
      'applied',
    );
    expect(data.clusters.size + data.rollouts.size).toBe(0);
    expect(applyChange(data, { type: 'resync' })).toBe('resync');
  });

  it('accepts the events the contract describes', () => {
    expect(changeEventSchema.parse({ type: 'cluster', action: 'delete', name: 'a' })).toEqual({
      type: 'cluster',
      action: 'delete',
      name: 'a',
    });
    expect(changeEventSchema.safeParse({ type: 'cluster', action: 'explode', name: 'a' }).success).toBe(
      false,
    );
  });
});

describe('rebuild after a reload', () => {
  it('lets events seen during the reload win over the loaded pages', () => {
    const live = emptyData();
    const overlay = emptyOverlay();
    // During the reload: c changes, b is deleted, d is created, a rollout finishes.
    applyChange(
      live,
      { type: 'cluster', action: 'upsert', name: 'c', cluster: cluster('c', { labels: { new: 'yes' } }) },
      overlay,
    );
    applyChange(live, { type: 'cluster', action: 'delete', name: 'b' }, overlay);
    applyChange(live, { type: 'cluster', action: 'upsert', name: 'd', cluster: cluster('d') }, overlay);
    applyChange(
      live,
      {
        type: 'rollout',
        action: 'upsert',
        namespace: 'ns',
        name: 'r',
        rollout: rollout('ns', 'r', { phase: 'Succeeded' }),
      },
      overlay,
    );
    // The pages were read before some of those changes.
    const data = rebuild(
      [cluster('a'), cluster('b'), cluster('c')],
      [rollout('ns', 'r'), rollout('ns', 'q')],
      overlay,
    );
    expect([...data.clusters.keys()].sort()).toEqual(['a', 'c', 'd']);
    expect(data.clusters.get('c')?.labels).toEqual({ new: 'yes' });
    expect(data.rollouts.get('ns/r')?.phase).toBe('Succeeded');
    expect(data.rollouts.has('ns/q')).toBe(true);
  });
});
