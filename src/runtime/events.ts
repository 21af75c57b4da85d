import { randomBytes } from 'node:crypto';
import { realClock, type Clock } from './clock.js';
import { errorSummary, isNotFound } from './client/errors.js';
import type { KubeClient } from './client/kube-client.js';
import { TokenBucket } from './client/token-bucket.js';
import type { KubeObject, ObjectRef } from './client/types.js';
import { silentLogger, type Logger } from './logger.js';

export type EventType = 'Normal' | 'Warning';

/** One event about an object. Reasons are CamelCase constants (equal to condition reasons). */
export interface EventInput {
  type: EventType;
  /** Why: `ReconcileFailed`, `RolloutStarted`… */
  reason: string;
  /** What the controller did or failed to do: `Apply`, `Prune`, `Reconcile`… */
  action: string;
  /** A human-readable sentence (cut to 1 kB). Never secret values. */
  note: string;
  related?: ObjectRef;
}

export interface EventRecorderOptions {
  client: KubeClient;
  /** The pod or process identity (`reportingInstance`, max 128 characters). */
  reportingInstance: string;
  reportingController?: string;
  /** Repeats of the same event within this window become a `series` update (default 6 min). */
  seriesWindowMs?: number;
  /** Writes allowed per second after `burst` (defaults 1 and 25): events must never flood the API. */
  qps?: number;
  burst?: number;
  logger?: Logger;
  clock?: Clock;
}

interface Recorded {
  namespace: string;
  name: string;
  count: number;
  lastSeen: number;
}

/** events.k8s.io MicroTime: RFC 3339 with six fractional digits. */
export function toMicroTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, -1) + '000Z';
}

/**
 * Writes `events.k8s.io/v1` Events, best effort: `event()` never rejects, so recording can't
 * fail a reconcile. A repeat of the same (object, type, reason, action, note) within the series
 * window patches the existing Event's `series` instead of creating another object, and a token
 * bucket drops events beyond the rate (logged at debug).
 */
export class EventRecorder {
  private readonly recent = new Map<string, Recorded>();
  private readonly limiter: TokenBucket;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly opts: EventRecorderOptions) {
    this.clock = opts.clock ?? realClock;
    this.limiter = new TokenBucket(opts.qps ?? 1, opts.burst ?? 25, this.clock);
    this.log = (opts.logger ?? silentLogger).child({ component: 'events' });
  }

  /** Records an event about `regarding`; resolves when written, dropped or failed. */
  async event(regarding: KubeObject, input: EventInput): Promise<void> {
    const now = this.clock.now();
    this.prune(now);
    const ref = regardingRef(regarding);
    const dedupKey = JSON.stringify([
      ref.uid ?? '',
      ref.kind,
      ref.namespace,
      ref.name,
      input.type,
      input.reason,
      input.action,
      input.note,
    ]);
    if (!this.limiter.tryTake()) {
      this.log.debug({ reason: input.reason, object: ref.name }, 'event dropped by rate limit');
      return;
    }
    try {
      const seen = this.recent.get(dedupKey);
      if (seen) {
        seen.count++;
        seen.lastSeen = now;
        const patched = await this.patchSeries(seen, now);
        if (patched) return;
        this.recent.delete(dedupKey);
      }
      const namespace = ref.namespace ?? 'default';
      const name = `${(ref.name ?? 'object').slice(0, 200)}.${randomBytes(8).toString('hex')}`;
      await this.opts.client.create({
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace },
        eventTime: toMicroTime(now),
        reportingController: this.opts.reportingController ?? 'mce-maestro-operator',
        reportingInstance: this.opts.reportingInstance.slice(0, 128),
        action: input.action.slice(0, 128),
        reason: input.reason.slice(0, 128),
        type: input.type,
        note: input.note.slice(0, 1024),
        regarding: ref,
        ...(input.related ? { related: input.related } : {}),
      });
      this.recent.set(dedupKey, { namespace, name, count: 1, lastSeen: now });
    } catch (err) {
      this.log.info(
        { error: errorSummary(err), reason: input.reason, object: ref.name },
        'could not record event',
      );
    }
  }

  /** Updates the series of an existing Event; false when it is gone (expired by TTL). */
  private async patchSeries(seen: Recorded, now: number): Promise<boolean> {
    try {
      await this.opts.client.patch(
        { apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: seen.namespace, name: seen.name },
        { series: { count: seen.count, lastObservedTime: toMicroTime(now) } },
        'merge',
      );
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private prune(now: number): void {
    const window = this.opts.seriesWindowMs ?? 6 * 60_000;
    for (const [key, r] of this.recent) if (now - r.lastSeen > window) this.recent.delete(key);
  }
}

function regardingRef(obj: KubeObject): {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
} {
  const { name, namespace, uid, resourceVersion } = obj.metadata;
  return { apiVersion: obj.apiVersion, kind: obj.kind, name, namespace, uid, resourceVersion };
}
