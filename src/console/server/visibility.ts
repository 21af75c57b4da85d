/**
 * Which clusters a user sees, with the ManagedClusterSet semantics ACM users know: everything
 * with `list managedclusters`, otherwise the clusters of the sets they may `get`. The set of a
 * cluster is its `cluster.open-cluster-management.io/clusterset` label (the one OCM maintains), so
 * no ManagedClusterSet informer is needed.
 */
import { CLUSTER_SET_LABEL } from './summaries.js';

export type ClusterAccess = { all: true } | { all: false; sets: ReadonlySet<string> };

export function maySee(access: ClusterAccess, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (access.all) return true;
  const set = labels?.[CLUSTER_SET_LABEL];
  return set !== undefined && access.sets.has(set);
}
