/**
 * Read-your-writes: what a read returns between our write (or delete) and the watch event that
 * delivers it, and when a record stops counting.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../src/runtime/client/types.js';
import { OWN_WRITE_TTL_MS, OwnWrites } from '../../../src/runtime/own-writes.js';
import { FakeClock } from './fake-clock.js';

const obj = (rv: string, uid = 'u1', data = ''): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'ns', resourceVersion: rv, uid },
    data,
  }) as KubeObject;

describe('OwnWrites', () => {
  it('shows our write while the cache is older or empty, and the cache once it caught up or went past', () => {
    const own = new OwnWrites<KubeObject>(new FakeClock());
    const mine = obj('7', 'u1', 'ours');
    own.wrote('ns/a', mine);
    expect(own.read('ns/a', obj('5'))).toBe(mine);
    expect(own.read('ns/a', undefined)).toBe(mine);
    // Someone's later write reached the cache before we read: it wins, and the record goes.
    const newer = obj('9', 'u1', 'theirs');
    expect(own.read('ns/a', newer)).toBe(newer);
    expect(own.size).toBe(0);
  });

  it('hides what we deleted while the cache still shows the same object, not a recreated one', () => {
    const own = new OwnWrites<KubeObject>(new FakeClock());
    own.deleted('ns/a', 'u1');
    expect(own.read('ns/a', obj('5', 'u1'))).toBeUndefined();
    const recreated = obj('8', 'u2');
    expect(own.read('ns/a', recreated)).toBe(recreated);
    expect(own.size).toBe(0);
  });

  it('is settled by the watch: an event at least as new as our write, a deletion, a recreation', () => {
    const own = new OwnWrites<KubeObject>(new FakeClock());
    own.wrote('ns/a', obj('7'));
    own.settle('ns/a', obj('6'));
    expect(own.size).toBe(1);
    own.settle('ns/a', obj('7'));
    expect(own.size).toBe(0);
    own.deleted('ns/a', 'u1');
    own.settle('ns/a', obj('8', 'u1')); // still there (terminating): still ours to hide
    expect(own.size).toBe(1);
    own.settle('ns/a', obj('9', 'u2'));
    expect(own.size).toBe(0);
    own.wrote('ns/a', obj('10'));
    own.settle('ns/a', null);
    expect(own.size).toBe(0);
  });

  it('stops counting a record the watch never settled after the TTL', () => {
    const clock = new FakeClock();
    const own = new OwnWrites<KubeObject>(clock);
    own.wrote('ns/a', obj('7'));
    clock.advance(OWN_WRITE_TTL_MS - 1);
    expect(own.read('ns/a', obj('5'))?.metadata.resourceVersion).toBe('7');
    clock.advance(2);
    expect(own.read('ns/a', obj('5'))?.metadata.resourceVersion).toBe('5');
    expect(own.size).toBe(0);
  });
});
