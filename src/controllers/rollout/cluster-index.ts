/**
 * Which rollouts cover which clusters, as of each rollout's last reconcile: it maps a cluster's
 * events to the rollouts to reconcile, gives the conflict check the other rollouts' clusters, and
 * sizes how long a rollout's cluster events settle before it reconciles.
 */
export class ClusterIndex {
  private readonly byCluster = new Map<string, Set<string>>();
  private readonly byRollout = new Map<string, readonly string[]>();

  /** Records the clusters `rollout` covers now (nothing changes when the list is the same). */
  set(rollout: string, clusters: readonly string[]): void {
    const old = this.byRollout.get(rollout) ?? [];
    if (old.length === clusters.length && old.every((c, i) => c === clusters[i])) return;
    for (const c of old) {
      const keys = this.byCluster.get(c);
      keys?.delete(rollout);
      if (keys?.size === 0) this.byCluster.delete(c);
    }
    for (const c of clusters) {
      let keys = this.byCluster.get(c);
      if (!keys) this.byCluster.set(c, (keys = new Set()));
      keys.add(rollout);
    }
    this.byRollout.set(rollout, [...clusters]);
  }

  /** Forgets a rollout that is gone. */
  delete(rollout: string): void {
    this.set(rollout, []);
    this.byRollout.delete(rollout);
  }

  rolloutsOf(cluster: string): string[] {
    return [...(this.byCluster.get(cluster) ?? [])];
  }

  clustersOf(rollout: string): readonly string[] {
    return this.byRollout.get(rollout) ?? [];
  }
}
