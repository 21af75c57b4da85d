import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { WorkQueue } from '../../../src/runtime/workqueue.js';
import { FakeClock } from './fake-clock.js';

const newQueue = (clock = new FakeClock(), opts: { backoffBaseMs?: number; backoffMaxMs?: number } = {}) =>
  new WorkQueue({ name: `test-${Math.random()}`, clock, ...opts });

describe('WorkQueue', () => {
  it('hands out a key added many times once', async () => {
    const q = newQueue();
    for (let i = 0; i < 50; i++) q.add('ns/a');
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe('ns/a');
    expect(q.len()).toBe(0);
    q.shutDown();
  });

  it('never hands one key to two workers: an add while processing waits for done', async () => {
    const q = newQueue();
    q.add('k');
    const key = await q.get();
    q.add('k');
    q.add('k');
    expect(q.len()).toBe(0);
    q.done(key ?? '');
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe('k');
    q.shutDown();
  });

  it('gives a waiting worker a key without losing same-tick dedupe', async () => {
    const q = newQueue();
    const waiting = q.get();
    q.add('k');
    q.add('k'); // same tick: must not mark it dirty for a second round
    expect(await waiting).toBe('k');
    q.done('k');
    expect(q.len()).toBe(0);
    q.shutDown();
  });

  it('is FIFO over distinct keys and dedupes any sequence of adds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 60 }),
        async (adds) => {
          const q = newQueue();
          adds.forEach((k) => q.add(k));
          const expected = [...new Set(adds)];
          const got: string[] = [];
          while (q.len() > 0) got.push((await q.get()) ?? '');
          expect(got).toEqual(expected);
          q.shutDown();
        },
      ),
    );
  });

  it('keeps one-in-flight-per-key and processes every add eventually under any interleaving (property)', async () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('add' as const), key: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ t: fc.constant('take' as const) }),
      fc.record({ t: fc.constant('finish' as const), i: fc.nat(5) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 80 }), async (ops) => {
        const q = newQueue();
        const inFlight: string[] = [];
        const needsWork = new Set<string>();
        const take = async () => {
          const k = (await q.get()) ?? '';
          expect(inFlight).not.toContain(k);
          inFlight.push(k);
          needsWork.delete(k);
        };
        for (const o of ops) {
          if (o.t === 'add') {
            q.add(o.key);
            needsWork.add(o.key);
          } else if (o.t === 'take' && q.len() > 0) {
            await take();
          } else if (o.t === 'finish' && inFlight.length > 0) {
            q.done(inFlight.splice(o.i % inFlight.length, 1)[0] ?? '');
          }
          expect(q.len()).toBeLessThanOrEqual(3);
        }
        inFlight.splice(0).forEach((k) => q.done(k));
        while (q.len() > 0) {
          await take();
          q.done(inFlight.pop() ?? '');
        }
        expect([...needsWork]).toEqual([]);
        q.shutDown();
      }),
    );
  });

  it('backs off per key: base × 2^failures, capped, and forget resets (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 600_000 }), (base, cap) => {
        const clock = new FakeClock();
        const q = newQueue(clock, { backoffBaseMs: base, backoffMaxMs: cap });
        for (let i = 0; i < 25; i++) {
          const want = Math.min(cap, base * 2 ** i);
          expect(q.nextBackoff('k')).toBe(want);
          q.addRateLimited('k');
          expect(q.numRequeues('k')).toBe(i + 1);
          if (want > 1) {
            clock.advance(want - 1);
            expect(q.len()).toBe(0);
          }
          clock.advance(want > 1 ? 1 : want);
          expect(q.len()).toBe(1);
          // Take it out again so the next failure starts from an empty queue.
          void q.get();
          q.done('k');
        }
        expect(q.numRequeues('other')).toBe(0);
        q.forget('k');
        expect(q.numRequeues('k')).toBe(0);
        expect(q.nextBackoff('k')).toBe(Math.min(cap, base));
        q.shutDown();
      }),
      { numRuns: 50 },
    );
  });

  it('defaults to 5 ms doubling up to 5 minutes', () => {
    const q = newQueue();
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      delays.push(q.nextBackoff('k'));
      q.addRateLimited('k');
    }
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(Math.max(...delays)).toBe(300_000);
    expect(delays.at(-1)).toBe(300_000);
    q.shutDown();
  });

  it('releases delayed keys in order of their ready time (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 30 }),
        async (delays) => {
          const clock = new FakeClock();
          const q = newQueue(clock);
          delays.forEach((d, i) => q.addAfter(`k${i}`, d));
          expect(q.len()).toBe(0);
          clock.advance(100_000);
          const got: string[] = [];
          while (q.len() > 0) got.push((await q.get()) ?? '');
          const want = delays
            .map((d, i) => ({ d, k: `k${i}` }))
            .sort((a, b) => a.d - b.d)
            .map((x) => x.k);
          expect(got).toEqual(want);
          q.shutDown();
        },
      ),
    );
  });

  it('keeps the earliest time when a key is delayed twice', () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.addAfter('k', 100);
    q.addAfter('k', 50);
    q.addAfter('k', 200);
    clock.advance(49);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
    expect(q.delayedLen()).toBe(0);
    void q.get();
    q.done('k');
    clock.advance(1000);
    expect(q.len()).toBe(0);
    q.shutDown();
  });

  it('treats a non-positive delay as an immediate add', () => {
    const q = newQueue();
    q.addAfter('k', 0);
    expect(q.len()).toBe(1);
    q.shutDown();
  });

  it('drains on shutdown: queued and in-flight keys finish, new adds are ignored', async () => {
    const q = newQueue();
    q.add('a');
    q.add('b');
    expect(await q.get()).toBe('a');
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => (drained = true));
    q.add('c');
    q.addAfter('d', 1);
    expect(await q.get()).toBe('b');
    q.done('b');
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done('a');
    await drain;
    expect(drained).toBe(true);
    expect(await q.get()).toBeUndefined();
  });

  it('wakes waiting workers with undefined on shutdown', async () => {
    const q = newQueue();
    const waiting = [q.get(), q.get()];
    q.shutDown();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
    expect(q.shuttingDown()).toBe(true);
  });

  it('drops delayed keys on shutdown', () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.addAfter('k', 10);
    q.addRateLimited('j');
    q.shutDown();
    clock.advance(1000);
    expect(q.len()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });
});
