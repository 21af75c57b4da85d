import { describe, expect, it } from '@jest/globals';
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
