import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../../../src/runtime/client/errors.js';
import { Controller } from '../../../src/runtime/controller.js';
import { registry } from '../../../src/runtime/metrics.js';
import { TerminalError, type ReconcileRequest } from '../../../src/runtime/reconcile.js';
import { eventually, sleep } from '../../harness/eventually.js';

let seq = 0;
const name = () => `unit-${++seq}`;

async function counter(metric: string, labels: Record<string, string>): Promise<number> {
  const m = await registry.getSingleMetric(metric)?.get();
  const hit = m?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return hit?.value ?? 0;
}

describe('Controller', () => {
  it('retries an error with growing backoff and forgets it after success', async () => {
    const calls: number[] = [];
    const c = new Controller({
      name: name(),
      backoffBaseMs: 20,
      reconcile: async () => {
        calls.push(Date.now());
        if (calls.length < 4) throw new Error('boom');
      },
    });
    void c.start();
    c.enqueue('ns/a');
    await eventually(() => calls.length === 4, { timeout: 5_000, interval: 5 });
    const gaps = calls.slice(1).map((t, i) => t - (calls[i] ?? 0));
    // 20, 40, 80 ms (timers may fire a little late, never early).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
    expect(c.queue.numRequeues('ns/a')).toBe(0);
    expect(await counter('controller_runtime_reconcile_total', { controller: c.name, result: 'error' })).toBe(
      3,
    );
    expect(
      await counter('controller_runtime_reconcile_total', { controller: c.name, result: 'success' }),
    ).toBe(1);
    expect(await counter('controller_runtime_reconcile_errors_total', { controller: c.name })).toBe(3);
    await c.stop();
  });

  it('does not retry a TerminalError', async () => {
    let calls = 0;
    const c = new Controller({
      name: name(),
      backoffBaseMs: 1,
      reconcile: async () => {
        calls++;
        throw new TerminalError('spec.replicas must be positive');
      },
    });
    void c.start();
    c.enqueue('a');
    await eventually(() => calls === 1, { timeout: 2_000, interval: 5 });
    await sleep(100);
    expect(calls).toBe(1);
    expect(c.queue.delayedLen()).toBe(0);
    expect(await counter('controller_runtime_terminal_reconcile_errors_total', { controller: c.name })).toBe(
      1,
    );
    await c.stop();
  });

  it('requeues a 409 conflict with backoff', async () => {
    let calls = 0;
    const c = new Controller({
      name: name(),
      backoffBaseMs: 1,
      reconcile: async () => {
        if (++calls === 1) throw new ApiError(409, 'Conflict', 'modified', undefined, undefined, 'PUT x');
      },
    });
    void c.start();
    c.enqueue('a');
    await eventually(() => calls === 2, { timeout: 2_000, interval: 5 });
    await c.stop();
  });

  it('honours requeueAfter', async () => {
    const calls: number[] = [];
    const c = new Controller({
      name: name(),
      reconcile: async () => {
        calls.push(Date.now());
        return calls.length === 1 ? { requeueAfter: 150 } : undefined;
      },
    });
    void c.start();
    c.enqueue('a');
    await eventually(() => calls.length === 2, { timeout: 2_000, interval: 5 });
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(149);
    expect(
      await counter('controller_runtime_reconcile_total', { controller: c.name, result: 'requeue_after' }),
    ).toBe(1);
    await c.stop();
  });

  it('runs up to `workers` keys in parallel but never one key twice', async () => {
    let active = 0;
    let maxActive = 0;
    const activeKeys = new Set<string>();
    let overlap = false;
    const c = new Controller({
      name: name(),
      workers: 3,
      reconcile: async (req: ReconcileRequest) => {
        if (activeKeys.has(req.key)) overlap = true;
        activeKeys.add(req.key);
        maxActive = Math.max(maxActive, ++active);
        await sleep(20);
        active--;
        activeKeys.delete(req.key);
      },
    });
    void c.start();
    for (let round = 0; round < 5; round++) {
      for (const k of ['a', 'b', 'c', 'd']) c.enqueue(k);
      await sleep(7);
    }
    await eventually(() => c.queue.len() === 0 && c.queue.inFlight() === 0, { timeout: 5_000, interval: 5 });
    expect(maxActive).toBe(3);
    expect(overlap).toBe(false);
    await c.stop();
  });

  it('drains queued keys on a graceful stop and aborts in-flight work on a hard stop', async () => {
    const done: string[] = [];
    const abortedDuringDrain: boolean[] = [];
    const c = new Controller({
      name: name(),
      reconcile: async (req, ctx) => {
        await sleep(30);
        abortedDuringDrain.push(ctx.signal.aborted);
        done.push(req.key);
      },
    });
    void c.start();
    ['a', 'b', 'c'].forEach((k) => c.enqueue(k));
    await sleep(5);
    await c.stop({ drain: true, timeoutMs: 5_000 });
    expect(done).toEqual(['a', 'b', 'c']);
    expect(abortedDuringDrain).toEqual([false, false, false]);

    const hard = new Controller({
      name: name(),
      reconcile: async (req, ctx) => {
        await sleep(50);
        if (!ctx.signal.aborted) done.push(`hard ${req.key}`);
      },
    });
    void hard.start();
    ['x', 'y'].forEach((k) => hard.enqueue(k));
    await sleep(5);
    await hard.stop({ drain: false, timeoutMs: 5_000 });
    expect(done.filter((d) => d.startsWith('hard'))).toEqual([]);
  });
});

describe('Controller.watch settleMs', () => {
  /** An informer that is synced at once and whose updates the test sends. */
  function fakeInformer() {
    const handlers: { update?: (a: unknown, b: unknown) => void }[] = [];
    return {
      informer: {
        addHandler: (h: { update?: (a: unknown, b: unknown) => void }) => {
          handlers.push(h);
          return () => undefined;
        },
        waitForSync: async () => true,
        list: () => [],
      },
      update: (name: string) => {
        const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'ns', name } };
        for (const h of handlers) h.update?.(obj, obj);
      },
    };
  }

  it('reconciles a burst of events once, after the settle time of its key', async () => {
    const runs: { key: string; at: number }[] = [];
    const c = new Controller({
      name: name(),
      reconcile: async (req: ReconcileRequest) => void runs.push({ key: req.key, at: Date.now() }),
    });
    const settled = fakeInformer();
    const prompt = fakeInformer();
    c.watch(settled.informer as unknown as Parameters<typeof c.watch>[0], () => ['ns/big'], {
      settleMs: (key) => (key === 'ns/big' ? 300 : 0),
    });
    c.watch(prompt.informer as unknown as Parameters<typeof c.watch>[0], () => ['ns/small']);
    void c.start();
    await sleep(50);
    const first = Date.now();
    for (let i = 0; i < 50; i++) settled.update(`cm-${i}`);
    prompt.update('x');
    await eventually(() => runs.some((r) => r.key === 'ns/small'), { timeout: 2_000, interval: 5 });
    expect(runs.filter((r) => r.key === 'ns/big')).toEqual([]);
    await sleep(600);
    const big = runs.filter((r) => r.key === 'ns/big');
    expect(big).toHaveLength(1);
    expect((big[0]?.at ?? 0) - first).toBeGreaterThanOrEqual(290);
    await c.stop();
  });
});

describe('Controller.stop', () => {
  it('returns promptly when the controller is still waiting for an informer that never syncs', async () => {
    const c = new Controller({ name: name(), reconcile: async () => undefined });
    const neverSyncs = {
      addHandler: () => () => undefined,
      waitForSync: (signal?: AbortSignal) =>
        new Promise<boolean>((resolve) => signal?.addEventListener('abort', () => resolve(false))),
      list: () => [],
    };
    c.watch(neverSyncs as unknown as Parameters<typeof c.watch>[0]);
    const running = c.start();
    const started = Date.now();
    await c.stop({ drain: true, timeoutMs: 10_000 });
    await running;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
