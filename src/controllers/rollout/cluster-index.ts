/**
 * Which rollouts cover which clusters, as of each rollout's last reconcile: it maps a cluster's
 * events to the rollouts to reconcile, gives the conflict check the other rollouts' clusters, and
 * sizes how long a rollout's cluster events settle before it reconciles.
 */
import { KeySets } from '../../runtime/index.js';

export class ClusterIndex {
  private readonly byCluster = new KeySets();
  private readonly byRollout = new Map<string, readonly string[]>();

  /** Records the clusters `rollout` covers now (nothing changes when the list is the same). */
  set(rollout: string, clusters: readonly string[]): void {
    const old = this.byRollout.get(rollout) ?? [];
    if (old.length === clusters.length && old.every((c, i) => c === clusters[i])) return;
    for (const c of old) this.byCluster.delete(c, rollout);
    for (const c of clusters) this.byCluster.add(c, rollout);
    this.byRollout.set(rollout, [...clusters]);
  }

  /** Forgets a rollout that is gone. */
  delete(rollout: string): void {
    this.set(rollout, []);
    this.byRollout.delete(rollout);
  }

  rolloutsOf(cluster: string): string[] {
    return this.byCluster.get(cluster);
  }

  clustersOf(rollout: string): readonly string[] {
    return this.byRollout.get(rollout) ?? [];
  }
}
