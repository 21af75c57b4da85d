import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StringInterner } from '../../../src/runtime/index.js';

describe('StringInterner', () => {
  it('keeps one entry per distinct value, leaves uid and resourceVersion out, and changes nothing', () => {
    const interner = new StringInterner();
    const obj = (n: number) => ({
      metadata: { name: `c${n}`, namespace: 'ns', uid: `u${n}`, resourceVersion: `${n}` },
      status: { conditions: [{ type: 'Available', status: 'True' }], list: ['a', 'b', 'a'] },
    });
    const a = interner.intern(obj(1));
    interner.intern(obj(2));
    expect(a).toEqual(obj(1));
    // c1, c2, ns, Available, True, a, b
    expect(interner.size).toBe(7);
  });

  it('leaves long strings out of the table: records and detailed messages are rarely repeated', () => {
    const interner = new StringInterner();
    interner.intern({ a: 'x'.repeat(65), b: 'y'.repeat(64) });
    expect(interner.size).toBe(1);
  });

  it('leaves out names made for their own namespace, which never repeat', () => {
    const interner = new StringInterner();
    interner.intern({ metadata: { name: 'c1-klusterlet', namespace: 'c1' } });
    interner.intern({ metadata: { name: 'agent', namespace: 'c1' } });
    // c1, agent
    expect(interner.size).toBe(2);
  });

  it('starts a new table once the bound is reached', () => {
    const interner = new StringInterner(3);
    interner.intern(['a', 'b', 'c']);
    expect(interner.size).toBe(3);
    interner.intern(['d']);
    expect(interner.size).toBe(1);
    interner.intern(['d', 'e']);
    expect(interner.size).toBe(2);
  });
});

describe('StringInterner shared values', () => {
  const work = (n: number, generation = 1) => ({
    metadata: { name: `w${n}`, namespace: `c${n}`, labels: { a: 'b' } },
    spec: { configs: [{ resource: 'r', name: 'x' }] },
    status: {
      conditions: [
        { type: 'Applied', status: 'True', observedGeneration: generation },
        { type: 'Available', status: 'True', lastTransitionTime: `2026-01-01T00:00:0${n}Z` },
      ],
    },
  });

  it('shares identical status and spec values across objects, frozen, and never metadata or timestamps', () => {
    const interner = new StringInterner();
    const a = interner.intern(work(1));
    const b = interner.intern(work(2));
    expect(a).toEqual(work(1));
    expect(b).toEqual(work(2));
    expect(a.spec).toBe(b.spec);
    expect(Object.isFrozen(a.spec.configs[0])).toBe(true);
    expect(a.status.conditions[0]).toBe(b.status.conditions[0]);
    // Conditions with a transition time are each their own, so the list is too.
    expect(a.status.conditions[1]).not.toBe(b.status.conditions[1]);
    expect(a.status.conditions).not.toBe(b.status.conditions);
    expect(Object.isFrozen(a.status.conditions[1])).toBe(false);
    expect(a.metadata.labels).not.toBe(b.metadata.labels);
    expect(Object.isFrozen(a.metadata.labels)).toBe(false);
    // A different content is a different value.
    const c = interner.intern(work(3, 2));
    expect(c.status.conditions[0]).not.toBe(a.status.conditions[0]);
    expect(c.status.conditions[0]).toEqual({ type: 'Applied', status: 'True', observedGeneration: 2 });
  });

  it('refuses changes to a shared value, which would change every object sharing it', () => {
    const interner = new StringInterner();
    const a = interner.intern(work(1));
    expect(() => {
      (a.spec.configs[0] as { name: string }).name = 'y';
    }).toThrow(TypeError);
  });

  it('bounds the shared table as it bounds strings', () => {
    const interner = new StringInterner(2);
    for (let i = 0; i < 5; i++) interner.intern({ metadata: { name: 'x' }, spec: { n: i } });
    expect(interner.sharedValues).toBeLessThanOrEqual(2);
  });
});

describe('StringInterner copies', () => {
  it('returns plain objects with the same keys, order and values, undefined ones included', () => {
    const interner = new StringInterner();
    const input = () => ({
      metadata: { name: 'c1', namespace: 'ns', labels: { b: '2', a: '1' }, note: undefined },
      status: {
        conditions: [
          {
            type: 'A',
            status: 'True',
            reason: 'r',
            message: 'm',
            lastTransitionTime: 't',
            observedGeneration: 3,
          },
        ],
      },
    });
    const out = interner.intern(input());
    expect(out).toStrictEqual(input());
    expect(Object.keys(out.metadata)).toEqual(['name', 'namespace', 'labels', 'note']);
    expect(Object.keys(out.metadata.labels)).toEqual(['b', 'a']);
    for (const o of [out, out.metadata, out.metadata.labels, out.status.conditions[0]]) {
      expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
      expect(o?.constructor).toBe(Object);
    }
    // Cached objects that are not shared can still be replaced field by field by their owner.
    out.metadata.labels.a = 'changed';
    expect(out.metadata.labels.a).toBe('changed');
  });

  it('holds a five-field object in the room five fields need, not in room for four plus spare slots', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Built field by field, as parsers build them; constant strings, so only the objects differ.
    const conditions = () =>
      Array.from({ length: 50_000 }, () => {
        const c: Record<string, string> = {};
        c.type = 'Available';
        c.status = 'True';
        c.reason = 'Reason';
        c.message = 'message';
        c.lastTransitionTime = 'time';
        return c;
      });
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const h0 = heap();
    const asBuilt = conditions();
    const h1 = heap();
    const interned = new StringInterner().intern(conditions());
    const h2 = heap();
    expect(interned).toEqual(asBuilt);
    // 64 bytes an object instead of 96 (plus 8 for its slot in the list).
    expect(h2 - h1).toBeLessThan(0.9 * (h1 - h0));
  });

  it('keeps frozen values (shared already) and objects with many keys as they are', () => {
    const interner = new StringInterner();
    const none = Object.freeze({});
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]));
    const out = interner.intern({ metadata: { name: 'x', annotations: none, labels: many } });
    expect(out.metadata.annotations).toBe(none);
    expect(out.metadata.labels).toBe(many);
  });

  it('never shares a decision entry: a cluster name is listed once per decision, its key longer than it', () => {
    const interner = new StringInterner();
    const d = (name: string) => ({ status: { decisions: [{ clusterName: name }] } });
    const a = interner.intern(d('c1'));
    const b = interner.intern(d('c1'));
    expect(a).toEqual(d('c1'));
    expect(a.status.decisions[0]).not.toBe(b.status.decisions[0]);
    expect(interner.sharedValues).toBe(0);
  });
});
