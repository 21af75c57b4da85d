import { jitter, realClock, sleep, type Clock } from './clock.js';
import { errorSummary, isAlreadyExists, isConflict } from './client/errors.js';
import { toMicroTime } from './events.js';
import type { LeaderElectionRecord, LockState, ResourceLock } from './lease-lock.js';
import { silentLogger, type Logger } from './logger.js';
import { leaderStatus } from './metrics.js';

export interface LeaderElectionConfig {
  lock: ResourceLock;
  /** Unique per process: `<pod name>_<uuid>` in controller-runtime. */
  identity: string;
  /** How long a lease is valid without renewal; standbys wait this long after the last change they saw (default 15 s). */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a renewal before giving up leadership (default 10 s). */
  renewDeadlineMs?: number;
  /** Time between attempts (default 2 s). */
  retryPeriodMs?: number;
  /** Clear the holder on cancel so a standby takes over at once (default true). */
  releaseOnCancel?: boolean;
  /** Runs when this process becomes leader; `signal` aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void;
  /** Runs when leadership ends, lost or cancelled (after the leading signal aborted). */
  onStoppedLeading(): void;
  /** Runs when the observed holder changes (including to ourselves). */
  onNewLeader?(identity: string): void;
  logger?: Logger;
  clock?: Clock;
}

/** How `run` ended. */
export type LeadershipEnd = 'lost' | 'cancelled';

const JITTER_FACTOR = 1.2;

/**
 * Lease-based leader election, a port of client-go's `tools/leaderelection`: standbys retry
 * every `retryPeriod` (jittered) and take the lease only when its holder hasn't changed the
 * record for `leaseDuration` as measured by *our* clock (the holder's renewTime is not trusted,
 * so clock skew doesn't matter); writes use the resourceVersion read, so two candidates can't
 * both win. The leader renews every `retryPeriod`; if renewing fails for `renewDeadline`, it
 * has lost the lease and must stop working at once.
 */
export class LeaderElector {
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private observed: LeaderElectionRecord | undefined;
  private observedRv = '';
  private observedTime = 0;
  private reportedLeader = '';

  constructor(private readonly config: LeaderElectionConfig) {
    this.leaseMs = config.leaseDurationMs ?? 15_000;
    this.renewMs = config.renewDeadlineMs ?? 10_000;
    this.retryMs = config.retryPeriodMs ?? 2_000;
    if (!(this.leaseMs > this.renewMs)) throw new Error('leaseDuration must be greater than renewDeadline');
    if (!(this.renewMs > JITTER_FACTOR * this.retryMs)) {
      throw new Error('renewDeadline must be greater than retryPeriod × 1.2');
    }
    if (!(this.retryMs > 0)) throw new Error('retryPeriod must be greater than zero');
    if (!config.identity) throw new Error('leader election identity must not be empty');
    this.clock = config.clock ?? realClock;
    this.log = (config.logger ?? silentLogger).child({
      lease: config.lock.describe(),
      identity: config.identity,
    });
  }

  /** True while the last record we saw or wrote names us. */
  isLeader(): boolean {
    return this.observed?.holderIdentity === this.config.identity;
  }

  /** The holder of the last record we saw ('' if none). */
  getLeader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /**
   * Campaigns until leader, leads until the lease is lost or `signal` aborts, then (on cancel)
   * releases the lease. Resolves with how leadership ended; `cancelled` also when it never began.
   */
  async run(signal: AbortSignal): Promise<LeadershipEnd> {
    const metric = { name: this.config.lock.describe() };
    if (!(await this.acquire(signal))) return 'cancelled';
    const leading = new AbortController();
    leaderStatus.set(metric, 1);
    let end: LeadershipEnd = 'cancelled';
    try {
      this.config.onStartedLeading(leading.signal);
      end = await this.renew(signal);
    } finally {
      leading.abort();
      leaderStatus.set(metric, 0);
      if (end === 'cancelled' && (this.config.releaseOnCancel ?? true)) await this.release();
      this.config.onStoppedLeading();
    }
    return end;
  }

  /**
   * One step of the algorithm: read the record, take or renew it if allowed. Resolves true if we
   * hold the lease afterwards; a lost write race resolves false.
   */
  async tryAcquireOrRenew(signal?: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    const id = this.config.identity;
    const fresh = (previous?: LeaderElectionRecord): LeaderElectionRecord => ({
      holderIdentity: id,
      leaseDurationSeconds: Math.ceil(this.leaseMs / 1000),
      acquireTime: previous?.holderIdentity === id ? previous.acquireTime : toMicroTime(now),
      renewTime: toMicroTime(now),
      leaderTransitions: previous ? previous.leaderTransitions + (previous.holderIdentity === id ? 0 : 1) : 0,
    });
    const current = await this.config.lock.get(signal);
    if (!current) return this.write(() => this.config.lock.create(fresh(), signal), now);
    // Only a change of the record restarts the expiry clock; the resourceVersion is kept for the write.
    if (!this.observed || !sameRecord(current.record, this.observed)) this.observe(current, now);
    else this.observedRv = current.resourceVersion;
    const holder = current.record.holderIdentity;
    const valid = this.observedTime + current.record.leaseDurationSeconds * 1000 > now;
    if (holder !== '' && holder !== id && valid) return false;
    return this.write(
      () => this.config.lock.update(fresh(current.record), current.resourceVersion, signal),
      now,
    );
  }

  /** Clears the holder if we hold the lease, so a standby needn't wait for it to expire. */
  async release(): Promise<boolean> {
    if (!this.isLeader() || !this.observed) return true;
    const now = toMicroTime(this.clock.now());
    try {
      const state = await this.config.lock.update(
        {
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
          leaderTransitions: this.observed.leaderTransitions,
        },
        this.observedRv,
        AbortSignal.timeout(this.renewMs),
      );
      this.observe(state, this.clock.now());
      this.log.info('released lease');
      return true;
    } catch (err) {
      this.log.warn({ error: errorSummary(err) }, 'failed to release lease');
      return false;
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.log.info('attempting to acquire leader lease');
    while (!signal.aborted) {
      if (await this.attempt(signal)) {
        this.log.info('successfully acquired lease');
        return true;
      }
      await sleep(this.nextAttemptIn(), signal, this.clock);
    }
    return false;
  }

  /**
   * client-go waits a jittered retryPeriod between attempts. We also wake just after the lease
   * we watch would expire (by our own observation), so a takeover needs leaseDuration plus at
   * most one retry period (the delay before we first see the last renewal), not two.
   */
  private nextAttemptIn(): number {
    const wait = jitter(this.retryMs, JITTER_FACTOR);
    const held = this.observed?.holderIdentity && !this.isLeader() ? this.observed : undefined;
    if (!held) return wait;
    const expiresIn = this.observedTime + held.leaseDurationSeconds * 1000 - this.clock.now();
    return expiresIn > 0 ? Math.min(wait, expiresIn + 20) : wait;
  }

  /** Renews every retryPeriod; each renewal may retry until renewDeadline, then leadership is lost. */
  private async renew(signal: AbortSignal): Promise<LeadershipEnd> {
    while (!signal.aborted) {
      const deadline = this.clock.now() + this.renewMs;
      let renewed = false;
      while (!signal.aborted && !renewed) {
        const remaining = deadline - this.clock.now();
        if (remaining <= 0) break;
        renewed = await this.attempt(AbortSignal.any([signal, AbortSignal.timeout(remaining)]));
        if (!renewed)
          await sleep(Math.min(this.retryMs, Math.max(0, deadline - this.clock.now())), signal, this.clock);
      }
      if (signal.aborted) return 'cancelled';
      if (!renewed) {
        this.log.error({ renewDeadlineMs: this.renewMs }, 'failed to renew lease, leadership lost');
        return 'lost';
      }
      await sleep(this.retryMs, signal, this.clock);
    }
    return 'cancelled';
  }

  private async attempt(signal: AbortSignal): Promise<boolean> {
    try {
      return await this.tryAcquireOrRenew(signal);
    } catch (err) {
      if (!signal.aborted) this.log.info({ error: errorSummary(err) }, 'error retrieving or updating lease');
      return false;
    }
  }

  private async write(op: () => Promise<LockState>, now: number): Promise<boolean> {
    try {
      this.observe(await op(), now);
      return true;
    } catch (err) {
      // Someone else wrote between our read and our write: they won this round.
      if (isConflict(err) || isAlreadyExists(err)) return false;
      throw err;
    }
  }

  private observe(state: LockState, now: number): void {
    this.observed = state.record;
    this.observedRv = state.resourceVersion;
    this.observedTime = now;
    const holder = state.record.holderIdentity;
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder) this.log.info({ leader: holder }, 'new leader observed');
      if (holder) this.config.onNewLeader?.(holder);
    }
  }
}

function sameRecord(a: LeaderElectionRecord, b: LeaderElectionRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaderTransitions === b.leaderTransitions
  );
}
