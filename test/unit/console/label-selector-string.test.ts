import { describe, expect, it } from '@jest/globals';
import { SelectorError, labelMatcher, parseLabelSelector } from '../../../src/console/label-selector-string.js';

describe('parseLabelSelector', () => {
  it('parses the kubectl forms', () => {
    expect(parseLabelSelector('env=prod, tier!=db,zone in (a, b),region notin (x),legacy,!gone,k==v')).toEqual({
      matchLabels: { env: 'prod', k: 'v' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['db'] },
        { key: 'zone', operator: 'In', values: ['a', 'b'] },
        { key: 'region', operator: 'NotIn', values: ['x'] },
        { key: 'legacy', operator: 'Exists', values: [] },
        { key: 'gone', operator: 'DoesNotExist', values: [] },
      ],
    });
  });

  it('matches with Kubernetes semantics', () => {
    const m = labelMatcher('env=prod,zone in (a,b),!legacy');
    expect(m({ env: 'prod', zone: 'a' })).toBe(true);
    expect(m({ env: 'prod', zone: 'c' })).toBe(false);
    expect(m({ env: 'prod', zone: 'a', legacy: '' })).toBe(false);
    expect(labelMatcher('tier!=db')({})).toBe(true);
    expect(labelMatcher(undefined)(undefined)).toBe(true);
  });

  it('refuses what is not a selector, naming the part', () => {
    expect(() => parseLabelSelector('a b c')).toThrow(SelectorError);
    expect(() => parseLabelSelector('env=pr od')).toThrow(/not a label requirement/);
    expect(() => parseLabelSelector('-bad=x')).toThrow(/not a label key/);
    expect(() => parseLabelSelector('k=' + 'v'.repeat(64))).toThrow(/not a label value/);
  });
});
