/**
 * The clusters a Placement selects, with their decision groups, read from its PlacementDecisions
 * by label as OCM's PlacementDecisionClustersTracker does (sdk-go `pkg/apis/cluster/v1beta1/placement.go`):
 * as many decision objects as the Placement has, group name and index from each object's labels.
 */
import type { PlacementDecision } from '../../api/upstream/ocm.js';
import { DECISION_GROUP_INDEX_LABEL, DECISION_GROUP_NAME_LABEL } from '../../api/upstream/ocm.js';
import type { GroupRef } from '../../rollout/index.js';

export interface PlacementClusters {
  /** Cluster name → its decision group. */
  groups: Map<string, GroupRef>;
  /** Decision objects whose group index label is not an integer (reported, skipped). */
  malformed: string[];
}

/** Collects decisions; a cluster in several decision objects keeps the lowest group index. */
export function placementClusters(decisions: readonly PlacementDecision[]): PlacementClusters {
  const groups = new Map<string, GroupRef>();
  const malformed: string[] = [];
  for (const pd of decisions) {
    const labels = pd.metadata.labels ?? {};
    const index = Number(labels[DECISION_GROUP_INDEX_LABEL] ?? '0');
    if (!Number.isInteger(index) || index < 0) {
      malformed.push(pd.metadata.name);
      continue;
    }
    const group: GroupRef = { name: labels[DECISION_GROUP_NAME_LABEL] ?? '', index };
    for (const d of pd.status?.decisions ?? []) {
      const seen = groups.get(d.clusterName);
      if (!seen || seen.index > index) groups.set(d.clusterName, group);
    }
  }
  return { groups, malformed };
}

/** Names in Go byte order (what OCM's handler and our planner sort by). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
