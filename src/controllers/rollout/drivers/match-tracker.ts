/**
 * When a cluster was first seen at its target, kept in memory. The klusterlet reports no
 * timestamp for "now running the new image", and writing one per cluster would double the writes
 * of a rollout; after a restart the soak of clusters already at target starts again from the
 * first observation (longer, never shorter: safe).
 */
import type { Direction } from '../../../rollout/index.js';
import type { MatchTracker } from './types.js';

export class InMemoryMatchTracker implements MatchTracker {
  /** First match by cluster, per `revision\0direction` (cluster names stay the cached strings). */
  private readonly seen = new Map<string, Map<string, number>>();

  since(
    cluster: string,
    revision: string,
    direction: Direction,
    matches: boolean,
    now: number,
  ): number | null {
    const key = `${revision}\u0000${direction}`;
    let byCluster = this.seen.get(key);
    if (!matches) {
      byCluster?.delete(cluster);
      return null;
    }
    const first = byCluster?.get(cluster);
    if (first !== undefined) return first;
    if (!byCluster) this.seen.set(key, (byCluster = new Map()));
    byCluster.set(cluster, now);
    return now;
  }

  /** Forgets clusters of a revision that is no longer current (bounded memory). */
  forgetExcept(revision: string): void {
    for (const key of this.seen.keys()) {
      if (key.split('\u0000')[0] !== revision) this.seen.delete(key);
    }
  }
}
