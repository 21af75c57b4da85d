import { describe, expect, it } from '@jest/globals';
import { Store } from '../../../src/runtime/store.js';
import type { KubeObject } from '../../../src/runtime/index.js';

const obj = (namespace: string, name: string, zone?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace, name, ...(zone ? { labels: { zone } } : {}) },
});
const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name).sort();

describe('Store indexes', () => {
  it('answers one, several, and no keys per value as objects come, move and go', () => {
    const store = new Store<KubeObject>();
    store.addIndex('zone', (o) => (o.metadata.labels?.zone ? [o.metadata.labels.zone] : []));
    store.upsert(obj('a', 'one', 'east'));
    expect(names(store.list('a'))).toEqual(['one']);
    expect(names(store.byIndex('zone', 'east'))).toEqual(['one']);
    // Upserting the same key keeps one entry.
    store.upsert(obj('a', 'one', 'east'));
    expect(names(store.byIndex('zone', 'east'))).toEqual(['one']);
    store.upsert(obj('a', 'two', 'east'));
    store.upsert(obj('b', 'three', 'east'));
    expect(names(store.list('a'))).toEqual(['one', 'two']);
    expect(names(store.byIndex('zone', 'east'))).toEqual(['one', 'three', 'two']);
    // Moving one object to another value, and removing another, leaves a single key behind.
    store.upsert(obj('a', 'two', 'west'));
    store.remove('b/three');
    expect(names(store.byIndex('zone', 'east'))).toEqual(['one']);
    expect(names(store.byIndex('zone', 'west'))).toEqual(['two']);
    store.upsert(obj('c', 'four', 'east'));
    expect(names(store.byIndex('zone', 'east'))).toEqual(['four', 'one']);
    store.remove('a/one');
    store.remove('c/four');
    expect(store.byIndex('zone', 'east')).toEqual([]);
    expect(store.list('b')).toEqual([]);
    expect(names(store.list())).toEqual(['two']);
  });
});
