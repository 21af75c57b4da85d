/**
 * How the simulated agents behave: the delay from a change to the agent reporting it, which
 * clusters fail and how, and which clusters are reachable. Everything random is derived from the
 * seed and a stable key, so a run is reproducible whatever order events arrive in.
 *
 * Failures apply only to changes made after setup (the fleet starts healthy), and a change that
 * returns a target to its setup content (a rollback) is never failed.
 */
import type { AgentOptions, FailureMode, FailureRule, FailureTarget } from './types.js';

/** FNV-1a of `text`, as a number in [0, 1). */
export function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
}

export type ReachabilityListener = (cluster: string, reachable: boolean) => void;

export class AgentPolicy {
  /** False during setup: no delays, no failures. */
  settled = false;
  private readonly seed: number;
  private readonly delayRange: [number, number];
  private rules: FailureRule[];
  private readonly unreachableSince = new Map<string, number>();
  private readonly listeners = new Set<ReachabilityListener>();

  constructor(opts: AgentOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.delayRange = opts.delayMs ?? [0, 0];
    this.rules = opts.failures ?? [];
  }

  /** The agent delay for one change (`key` names the object, `version` the change). */
  delay(key: string, version: string | number): number {
    if (!this.settled) return 0;
    const [min, max] = this.delayRange;
    return Math.round(min + unitHash(`${this.seed}|delay|${key}|${version}`) * Math.max(0, max - min));
  }

  /** The smallest delay: how soon agents refresh feedback after a spoke object changed. */
  minDelay(): number {
    return this.settled ? this.delayRange[0] : 0;
  }

  /** How a change to `target` on `cluster` fails, if it does (first matching rule wins). */
  failure(cluster: string, target: Exclude<FailureTarget, 'any'>): FailureMode | undefined {
    if (!this.settled) return undefined;
    for (const [i, rule] of this.rules.entries()) {
      if (rule.target !== target && rule.target !== 'any') continue;
      const matches = typeof rule.match === 'function' ? rule.match(cluster) : rule.match.test(cluster);
      if (!matches) continue;
      if (unitHash(`${this.seed}|failure|${i}|${cluster}`) < (rule.rate ?? 1)) return rule.mode;
    }
    return undefined;
  }

  /** Replaces the failure rules (they apply to changes from now on). */
  setFailures(rules: FailureRule[]): void {
    this.rules = rules;
  }

  reachable(cluster: string): boolean {
    return !this.unreachableSince.has(cluster);
  }

  /** When the cluster stopped answering, if it did. */
  unreachableAt(cluster: string): number | undefined {
    return this.unreachableSince.get(cluster);
  }

  unreachableCount(): number {
    return this.unreachableSince.size;
  }

  setReachable(cluster: string, reachable: boolean): void {
    if (reachable === this.reachable(cluster)) return;
    if (reachable) this.unreachableSince.delete(cluster);
    else this.unreachableSince.set(cluster, Date.now());
    for (const l of this.listeners) l(cluster, reachable);
  }

  onReachability(listener: ReachabilityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
