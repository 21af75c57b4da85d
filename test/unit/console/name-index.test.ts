import { describe, expect, it } from '@jest/globals';
import { SortedNames, decodeContinue, encodeContinue } from '../../../src/console/server/name-index.js';

describe('SortedNames', () => {
  it('keeps names in byte order through adds and deletes, without duplicates', () => {
    const s = new SortedNames();
    for (const n of ['m', 'b', 'z', 'a', 'b', 'B']) s.add(n);
    s.delete('z');
    s.delete('missing');
    expect(s.all()).toEqual(['B', 'a', 'b', 'm']);
    expect(s.has('m')).toBe(true);
    expect(s.has('z')).toBe(false);
  });

  it('pages after a name that no longer exists, counting every accepted name', () => {
    const s = new SortedNames();
    for (let i = 0; i < 10; i++) s.add(`c-${i}`);
    const even = (n: string) => Number(n.slice(2)) % 2 === 0;
    const first = s.page(undefined, 2, even);
    expect(first).toEqual({ names: ['c-0', 'c-2'], more: true, total: 5 });
    s.delete('c-2'); // the last name of the page is gone before the next page
    s.add('c-1a'); // and one sorting before the cursor appears
    const second = s.page('c-2', 2, even);
    expect(second.names).toEqual(['c-4', 'c-6']);
    expect(second.total).toBe(4);
    expect(s.page('c-6', 2, even)).toEqual({ names: ['c-8'], more: false, total: 4 });
  });

  it('computes a page of 500 out of 10,000 in a few milliseconds', () => {
    const s = new SortedNames();
    for (let i = 0; i < 10_000; i++) s.add(`cluster-${String((i * 7919) % 10_000).padStart(5, '0')}`);
    const started = performance.now();
    for (let i = 0; i < 20; i++) s.page('cluster-04000', 500, () => true);
    expect((performance.now() - started) / 20).toBeLessThan(5);
    expect(s.page('cluster-04000', 500, () => true).names[0]).toBe('cluster-04001');
  });
});

describe('continue tokens', () => {
  it('round-trip a name and refuse anything else', () => {
    expect(decodeContinue(encodeContinue('c-05'))).toBe('c-05');
    expect(decodeContinue('garbage')).toBeUndefined();
    expect(decodeContinue(Buffer.from('{"after":3}').toString('base64url'))).toBeUndefined();
  });
});
