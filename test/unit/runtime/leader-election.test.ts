import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../../../src/runtime/client/errors.js';
import { toMicroTime } from '../../../src/runtime/events.js';
import { LeaderElector, type LeaderElectionConfig } from '../../../src/runtime/leader-election.js';
import type { LeaderElectionRecord, LockState, ResourceLock } from '../../../src/runtime/lease-lock.js';
import { eventually } from '../../harness/eventually.js';
import { FakeClock } from './fake-clock.js';

const conflict = () =>
  new ApiError(409, 'Conflict', 'the object has been modified', undefined, undefined, 'PUT lease');

/** An in-memory lock with the API server's optimistic concurrency. */
class MemoryLock implements ResourceLock {
  state: LockState | undefined;
  writes = 0;
  failing = false;
  private rv = 0;
  describe() {
    return 'test/lock';
  }
  async get() {
    if (this.failing) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    return this.state && structuredClone(this.state);
  }
  async create(record: LeaderElectionRecord) {
    if (this.failing) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (this.state) throw new ApiError(409, 'AlreadyExists', 'exists', undefined, undefined, 'POST lease');
    return this.write(record);
  }
  async update(record: LeaderElectionRecord, resourceVersion: string) {
    if (this.failing) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (this.state?.resourceVersion !== resourceVersion) throw conflict();
    return this.write(record);
  }
  private write(record: LeaderElectionRecord) {
    this.writes++;
    this.state = { record: structuredClone(record), resourceVersion: String(++this.rv) };
    return structuredClone(this.state);
  }
}

const elector = (lock: ResourceLock, identity: string, extra: Partial<LeaderElectionConfig> = {}) =>
  new LeaderElector({
    lock,
    identity,
    onStartedLeading: () => undefined,
    onStoppedLeading: () => undefined,
    ...extra,
  });

describe('LeaderElector.tryAcquireOrRenew (client-go algorithm)', () => {
  it('creates the lease when absent, and a second candidate cannot take a valid lease', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    const a = elector(lock, 'a', { clock });
    const b = elector(lock, 'b', { clock });
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(lock.state?.record).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaderTransitions: 0,
    });
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(b.getLeader()).toBe('a');
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
  });

  it('lets a standby take over only after leaseDuration without a change it observed', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    const a = elector(lock, 'a', { clock });
    const b = elector(lock, 'b', { clock });
    await a.tryAcquireOrRenew();
    const acquired = lock.state?.record.acquireTime;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(10_000);
    expect(await a.tryAcquireOrRenew()).toBe(true); // renew: same acquireTime, new renewTime
    expect(lock.state?.record.acquireTime).toBe(acquired);
    expect(await b.tryAcquireOrRenew()).toBe(false); // b sees the change: its expiry clock restarts
    clock.advance(14_999);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(2);
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(lock.state?.record).toMatchObject({ holderIdentity: 'b', leaderTransitions: 1 });
    expect(lock.state?.record.acquireTime).toBe(toMicroTime(clock.now()));
    // The old leader now finds it lost.
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(a.isLeader()).toBe(false);
  });

  it("trusts its own clock, not the holder's renewTime (clock skew)", async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    // A leader whose clock is an hour behind wrote this record.
    lock.state = {
      resourceVersion: '7',
      record: {
        holderIdentity: 'skewed',
        leaseDurationSeconds: 15,
        acquireTime: toMicroTime(clock.now() - 3_600_000),
        renewTime: toMicroTime(clock.now() - 3_600_000),
        leaderTransitions: 3,
      },
    };
    const b = elector(lock, 'b', { clock });
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(15_001);
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(lock.state.record.leaderTransitions).toBe(4);
  });

  it('loses a write race on 409 instead of failing', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    const a = elector(lock, 'a', { clock });
    await a.tryAcquireOrRenew();
    const realGet = lock.get.bind(lock);
    // Someone writes between our read and our update.
    lock.get = async () => {
      const s = await realGet();
      lock.state = { record: { ...(s?.record as LeaderElectionRecord) }, resourceVersion: '99' };
      return s;
    };
    expect(await a.tryAcquireOrRenew()).toBe(false);
  });

  it('takes a released lease at once and counts the transition', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    const a = elector(lock, 'a', { clock });
    const b = elector(lock, 'b', { clock });
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(await a.release()).toBe(true);
    expect(lock.state?.record).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(lock.state?.record).toMatchObject({ holderIdentity: 'b', leaderTransitions: 1 });
  });

  it('rejects inconsistent durations like client-go', () => {
    const lock = new MemoryLock();
    expect(() => elector(lock, 'a', { leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(
      /leaseDuration/,
    );
    expect(() => elector(lock, 'a', { renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(
      /renewDeadline/,
    );
    expect(() => elector(lock, '', {})).toThrow(/identity/);
  });
});

describe('LeaderElector.run', () => {
  const fast = { leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 50 };

  it('leads until the lease can no longer be renewed, then aborts the leading signal and reports lost', async () => {
    const lock = new MemoryLock();
    let leading: AbortSignal | undefined;
    let stopped = 0;
    const a = elector(lock, 'a', {
      ...fast,
      onStartedLeading: (s) => (leading = s),
      onStoppedLeading: () => stopped++,
    });
    const run = a.run(new AbortController().signal);
    await eventually(() => leading !== undefined, { timeout: 2_000, interval: 10 });
    const writes = lock.writes;
    await eventually(() => lock.writes >= writes + 2, { timeout: 2_000, interval: 10 }); // renewing
    const failedAt = Date.now();
    lock.failing = true;
    expect(await run).toBe('lost');
    const took = Date.now() - failedAt;
    expect(took).toBeGreaterThanOrEqual(fast.renewDeadlineMs - fast.retryPeriodMs);
    expect(took).toBeLessThan(fast.leaseDurationMs + 500);
    expect(leading?.aborted).toBe(true);
    expect(stopped).toBe(1);
  });

  it('releases the lease on cancel so a standby takes over without waiting for expiry', async () => {
    const lock = new MemoryLock();
    const stopA = new AbortController();
    const stopB = new AbortController();
    let bLeads = false;
    const a = elector(lock, 'a', { ...fast, leaseDurationMs: 60_000, renewDeadlineMs: 400 });
    const b = elector(lock, 'b', {
      ...fast,
      leaseDurationMs: 60_000,
      onStartedLeading: () => (bLeads = true),
    });
    const runA = a.run(stopA.signal);
    await eventually(() => a.isLeader(), { timeout: 2_000, interval: 10 });
    const runB = b.run(stopB.signal);
    await new Promise((r) => setTimeout(r, 200));
    expect(bLeads).toBe(false);
    stopA.abort();
    expect(await runA).toBe('cancelled');
    await eventually(() => bLeads, { timeout: 2_000, interval: 10 });
    stopB.abort();
    expect(await runB).toBe('cancelled');
    expect(lock.state?.record.holderIdentity).toBe('');
  });

  it('returns cancelled without calling back when it never led', async () => {
    const lock = new MemoryLock();
    lock.failing = true;
    let called = false;
    const stop = new AbortController();
    const a = elector(lock, 'a', { ...fast, onStoppedLeading: () => (called = true) });
    const run = a.run(stop.signal);
    setTimeout(() => stop.abort(), 100);
    expect(await run).toBe('cancelled');
    expect(called).toBe(false);
  });
});

describe('LeaderElector standby timing', () => {
  it('tries again right after the observed lease would expire instead of a full retry period later', async () => {
    const lock = new MemoryLock();
    const fast = { leaseDurationMs: 1_000, renewDeadlineMs: 800, retryPeriodMs: 600 };
    const a = elector(lock, 'a', fast);
    await a.tryAcquireOrRenew();
    let ledAt = 0;
    const observedFrom = Date.now();
    const stop = new AbortController();
    const b = elector(lock, 'b', { ...fast, onStartedLeading: () => (ledAt = Date.now()) });
    const run = b.run(stop.signal);
    await eventually(() => ledAt > 0, { timeout: 5_000, interval: 5 });
    // leaseDuration is whole seconds in the record (1 s); without the wake-up at expiry it would
    // be up to 1 s + 600 ms × 2.2.
    expect(ledAt - observedFrom).toBeGreaterThanOrEqual(1_000);
    expect(ledAt - observedFrom).toBeLessThan(1_200);
    stop.abort();
    await run;
  });
});
