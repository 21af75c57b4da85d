/**
 * Health and reachability of a managed cluster from its ManagedCluster: the registration agent
 * keeps `ManagedClusterConditionAvailable` True by renewing its lease; Unknown means it stopped
 * answering (api `cluster/v1/types.go`).
 */
import {
  findOcmCondition,
  MANAGED_CLUSTER_AVAILABLE,
  type ManagedCluster,
  type OcmCondition,
} from '../../../api/upstream/ocm.js';

export interface ClusterHealth {
  healthy: boolean;
  /** Not Unknown: the cluster still answers (it may be unhealthy). */
  reachable: boolean;
  /** Since when it has been healthy (the condition's last transition), if healthy. */
  healthySince: number | null;
}

export function clusterHealth(mc: ManagedCluster | undefined): ClusterHealth {
  const available = findOcmCondition(mc?.status?.conditions, MANAGED_CLUSTER_AVAILABLE);
  if (!mc || !available) return { healthy: false, reachable: false, healthySince: null };
  const healthy = available.status === 'True';
  return {
    healthy,
    reachable: available.status !== 'Unknown',
    healthySince: healthy ? transitionTime(available) : null,
  };
}

/** A condition's lastTransitionTime in epoch milliseconds (0 when absent, i.e. "long ago"). */
export function transitionTime(c: OcmCondition | undefined): number {
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isFinite(t) ? t : 0;
}

/** The later of two optional times. */
export function later(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
