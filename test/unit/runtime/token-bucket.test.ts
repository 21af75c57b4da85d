import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { TokenBucket } from '../../../src/runtime/client/token-bucket.js';
import { FakeClock } from './fake-clock.js';

describe('TokenBucket', () => {
  it('lets `burst` requests through at once, then one per 1/qps, in arrival order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 100 }), (qps, burst) => {
        const b = new TokenBucket(qps, burst, new FakeClock());
        const waits = Array.from({ length: burst + 20 }, () => b.reserve());
        waits.forEach((w, i) => {
          const k = i + 1;
          const want = k <= burst ? 0 : Math.ceil(((k - burst) / qps) * 1000);
          expect(Math.abs(w - want)).toBeLessThanOrEqual(1);
        });
        for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1] ?? 0);
      }),
    );
  });

  it('refills at qps up to burst', () => {
    const clock = new FakeClock();
    const b = new TokenBucket(10, 5, clock);
    for (let i = 0; i < 5; i++) expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(false);
    clock.advance(100);
    expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(false);
    clock.advance(60_000);
    for (let i = 0; i < 5; i++) expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(false);
  });

  it('waits in take() for the reserved time', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(2, 1, clock);
    expect(await b.take()).toBe(0);
    let done = false;
    const p = b.take().then((w) => {
      done = true;
      return w;
    });
    clock.advance(499);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    expect(await p).toBe(500);
  });

  it('is disabled by a non-positive qps', () => {
    const b = new TokenBucket(0, 0, new FakeClock());
    expect(b.unlimited).toBe(true);
    for (let i = 0; i < 1000; i++) expect(b.reserve()).toBe(0);
  });
});
