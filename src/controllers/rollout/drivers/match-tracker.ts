/**
 * When a cluster was first seen at its target, kept in memory. The klusterlet reports no
 * timestamp for "now running the new image", and writing one per cluster would double the writes
 * of a rollout; after a restart the soak of clusters already at target starts again from the
 * first observation (longer, never shorter: safe).
 */
import type { Direction } from '../../../rollout/index.js';
import type { MatchTracker } from './types.js';

export class InMemoryMatchTracker implements MatchTracker {
  private readonly seen = new Map<string, number>();

  since(
    cluster: string,
    revision: string,
    direction: Direction,
    matches: boolean,
    now: number,
  ): number | null {
    const key = `${cluster}\u0000${revision}\u0000${direction}`;
    if (!matches) {
      this.seen.delete(key);
      return null;
    }
    const first = this.seen.get(key);
    if (first !== undefined) return first;
    this.seen.set(key, now);
    return now;
  }

  /** Forgets clusters of a revision that is no longer current (bounded memory). */
  forgetExcept(revision: string): void {
    for (const key of this.seen.keys()) {
      if (key.split('\u0000')[1] !== revision) this.seen.delete(key);
    }
  }
}
