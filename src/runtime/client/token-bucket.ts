import { realClock, type Clock } from '../clock.js';

/**
 * A token bucket like client-go's `flowcontrol.NewTokenBucketRateLimiter(qps, burst)`: up to
 * `burst` requests pass at once, then `qps` per second. Waiters are served in arrival order
 * because each caller reserves its token up front (the count may go negative) and sleeps for
 * the time that reservation needs.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /** A non-positive or infinite `qps` disables limiting. */
  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = Math.max(1, burst);
    this.last = clock.now();
  }

  get unlimited(): boolean {
    return !(this.qps > 0) || !Number.isFinite(this.qps);
  }

  /** Takes a token and returns how long the caller must wait before using it (0 = now). */
  reserve(): number {
    if (this.unlimited) return 0;
    const now = this.clock.now();
    this.tokens = Math.min(Math.max(1, this.burst), this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  /** Takes a token only if one is available now. */
  tryTake(): boolean {
    if (this.unlimited) return true;
    const now = this.clock.now();
    this.tokens = Math.min(Math.max(1, this.burst), this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Waits for a token; resolves with the time waited in milliseconds. */
  async take(): Promise<number> {
    const wait = this.reserve();
    if (wait > 0) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, wait));
    return wait;
  }
}
