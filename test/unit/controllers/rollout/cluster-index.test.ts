import { describe, expect, it } from '@jest/globals';
import { ClusterIndex } from '../../../../src/controllers/rollout/cluster-index.js';

describe('ClusterIndex', () => {
  it('maps clusters to the rollouts covering them, following each rollout as it changes', () => {
    const index = new ClusterIndex();
    index.set('ns/a', ['c1', 'c2']);
    index.set('ns/b', ['c2', 'c3']);
    expect(index.rolloutsOf('c2').sort()).toEqual(['ns/a', 'ns/b']);
    expect(index.clustersOf('ns/b')).toEqual(['c2', 'c3']);

    index.set('ns/a', ['c3']);
    expect(index.rolloutsOf('c1')).toEqual([]);
    expect(index.rolloutsOf('c2')).toEqual(['ns/b']);
    expect(index.rolloutsOf('c3').sort()).toEqual(['ns/a', 'ns/b']);

    index.delete('ns/b');
    expect(index.rolloutsOf('c3')).toEqual(['ns/a']);
    expect(index.clustersOf('ns/b')).toEqual([]);
    expect(index.rolloutsOf('unknown')).toEqual([]);
  });

  it('keeps its own copy of the list it was given', () => {
    const index = new ClusterIndex();
    const clusters = ['c2', 'c1'];
    index.set('ns/a', clusters);
    clusters.sort();
    clusters.push('c9');
    expect(index.clustersOf('ns/a')).toEqual(['c2', 'c1']);
    expect(index.rolloutsOf('c9')).toEqual([]);
  });
});
