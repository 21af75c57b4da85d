import { describe, expect, it } from '@jest/globals';
import {
  readClusterState,
  stateAnnotation,
  writeClusterState,
  type ClusterRolloutState,
} from '../../../../src/controllers/rollout/cluster-state.js';

const state = (startedAt: number): ClusterRolloutState => ({
  rollout: 'ns/r',
  revision: 'r-1',
  direction: 'forward',
  startedAt,
  value: 'multicluster-engine/config-1.1.0',
  previous: '',
});

const annotations = (s: ClusterRolloutState | string) => ({
  other: 'x',
  [stateAnnotation('addOn')]: typeof s === 'string' ? s : writeClusterState(s),
});

describe('readClusterState', () => {
  it('reads each kind from its own annotation, and nothing where there is none', () => {
    const a = annotations(state(1000));
    expect(readClusterState(a, 'addOn')).toEqual(state(1000));
    expect(readClusterState(a, 'klusterlet')).toBeNull();
    expect(readClusterState(undefined, 'addOn')).toBeNull();
    expect(readClusterState(annotations('{not json'), 'addOn')).toBeNull();
    expect(readClusterState(annotations('{"rollout":"ns/r"}'), 'addOn')).toBeNull();
  });

  it('gives clusters started together one frozen state, and each value its own', () => {
    // Two clusters' annotation maps with the same value (one wave), one with another start time.
    const a = readClusterState(annotations(state(1000)), 'addOn');
    const b = readClusterState(annotations(state(1000)), 'addOn');
    const c = readClusterState(annotations(state(2000)), 'addOn');
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(c).not.toBe(a);
    expect(c?.startedAt).toBe(2000);
    expect(a?.startedAt).toBe(1000);
  });

  it('keeps workGeneration when the annotation has one', () => {
    const s = { ...state(5), workGeneration: 4 };
    expect(readClusterState(annotations(s), 'addOn')).toEqual(s);
  });
});
