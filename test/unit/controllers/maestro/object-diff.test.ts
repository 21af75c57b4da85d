import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SPEC_HASH_ANNOTATION } from '../../../../src/controllers/maestro/constants.js';
import {
  firstDifference,
  isSubset,
  needsApply,
  quantityValue,
  specHashOf,
  stableHash,
  withSpecHash,
} from '../../../../src/controllers/maestro/object-diff.js';
import type { KubeObject } from '../../../../src/runtime/index.js';

const deployment = (
  spec: Record<string, unknown>,
  extra: Partial<KubeObject['metadata']> = {},
): KubeObject & {
  spec: Record<string, unknown>;
} => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'maestro', namespace: 'maestro', labels: { a: '1' }, ...extra },
  spec,
});

describe('quantityValue', () => {
  it.each([
    ['100m', 0.1],
    ['0.5', 0.5],
    ['500m', 0.5],
    ['1Gi', 2 ** 30],
    ['1024Mi', 2 ** 30],
    ['2k', 2000],
    ['1e3', 1000],
    [3, 3],
  ])('%s is %d', (q, v) => {
    expect(quantityValue(q)).toBeCloseTo(v);
  });

  it.each(['abc', '', '1Gb', undefined, {}])('%p is not a quantity', (q) => {
    expect(quantityValue(q)).toBeUndefined();
  });
});

describe('isSubset', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['equal scalars', 'a', 'a', true],
    ['different scalars', 'a', 'b', false],
    ['extra observed fields', { a: 1 }, { a: 1, b: 2 }, true],
    ['missing observed field', { a: 1, b: 2 }, { a: 1 }, false],
    ['same-length lists', [{ a: 1 }], [{ a: 1, b: 2 }], true],
    ['a longer observed list (SSA would remove the extra)', [{ a: 1 }], [{ a: 1 }, { a: 2 }], false],
    ['empty map vs absent', { nodeSelector: {} }, {}, true],
    ['empty list vs absent', { tolerations: [] }, {}, true],
    ['false vs absent (a pointer: absent means the default)', { automount: false }, {}, false],
    [
      'canonical quantities',
      { requests: { cpu: '0.5', memory: '1024Mi' } },
      { requests: { cpu: '500m', memory: '1Gi' } },
      true,
    ],
    ['different quantities', { limits: { cpu: '1' } }, { limits: { cpu: '2' } }, false],
    ['quantity rules only under requests/limits', { size: '0.5' }, { size: '500m' }, false],
  ])('%s', (_name, desired, observed, expected) => {
    expect(isSubset(desired, observed)).toBe(expected);
  });

  it('needs our owner reference present, not the only one', () => {
    const ours = { uid: 'u1', kind: 'MultiClusterEngine', name: 'mce' };
    const theirs = { uid: 'u2', kind: 'Other', name: 'x' };
    expect(
      isSubset({ metadata: { ownerReferences: [ours] } }, { metadata: { ownerReferences: [theirs, ours] } }),
    ).toBe(true);
    expect(
      isSubset({ metadata: { ownerReferences: [ours] } }, { metadata: { ownerReferences: [theirs] } }),
    ).toBe(false);
  });

  it('holds for any object against itself with fields added', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), (value, extra) => {
        expect(isSubset(value, value)).toBe(true);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          expect(isSubset(value, { ...extra, ...value })).toBe(true);
        }
      }),
    );
  });
});

describe('withSpecHash', () => {
  it('fingerprints everything but itself, so a removed field changes the hash', () => {
    const a = withSpecHash(deployment({ replicas: 1, paused: true }));
    const b = withSpecHash(deployment({ replicas: 1 }));
    expect(specHashOf(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(specHashOf(a)).not.toBe(specHashOf(b));
    // Idempotent, and independent of key order and of an old annotation.
    expect(withSpecHash(a)).toEqual(a);
    const reordered = withSpecHash({ ...deployment({ paused: true, replicas: 1 }) });
    expect(specHashOf(reordered)).toBe(specHashOf(a));
    expect(a.metadata.labels).toEqual({ a: '1' });
  });

  it('keeps other annotations', () => {
    const o = withSpecHash(deployment({}, { annotations: { keep: 'me' } }));
    expect(o.metadata.annotations).toEqual({ keep: 'me', [SPEC_HASH_ANNOTATION]: expect.any(String) });
  });
});

describe('needsApply', () => {
  const desired = withSpecHash(deployment({ replicas: 2, template: { spec: { nodeSelector: {} } } }));
  const observed = {
    ...desired,
    metadata: { ...desired.metadata, uid: 'x', resourceVersion: '7', labels: { a: '1', extra: 'y' } },
    spec: { ...desired.spec, revisionHistoryLimit: 10, template: { spec: {} } },
    status: { readyReplicas: 2 },
  };

  it('is false when the observed object has all our fields', () => {
    expect(needsApply(desired, observed)).toBe(false);
  });

  it('is true when missing, terminating, or different', () => {
    expect(needsApply(desired, undefined)).toBe(true);
    expect(
      needsApply(desired, { ...observed, metadata: { ...observed.metadata, deletionTimestamp: 'now' } }),
    ).toBe(true);
    const scaled: KubeObject = { ...observed, spec: { ...observed.spec, replicas: 1 } } as KubeObject;
    expect(needsApply(desired, scaled)).toBe(true);
    expect(needsApply(desired, { ...observed, metadata: { ...observed.metadata, labels: {} } })).toBe(true);
  });

  it('names the first difference for logs', () => {
    expect(firstDifference({ spec: { replicas: 2, x: 1 } }, { spec: { replicas: 1 } })).toBe('spec.replicas');
    expect(firstDifference({ a: [1, 2] }, { a: [1] })).toBe('a');
    expect(firstDifference({ a: 1 }, { a: 1 })).toBeUndefined();
  });
});

describe('stableHash', () => {
  it('ignores key order and undefined fields', () => {
    expect(stableHash({ a: 1, b: { c: 2, d: undefined } })).toBe(stableHash({ b: { c: 2 }, a: 1 }));
    expect(stableHash([1, 2])).not.toBe(stableHash([2, 1]));
  });
});
