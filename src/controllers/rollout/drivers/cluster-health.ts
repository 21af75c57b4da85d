/**
 * Health and reachability of a managed cluster from its ManagedCluster: the registration agent
 * keeps `ManagedClusterConditionAvailable` True by renewing its lease; Unknown means it stopped
 * answering (api `cluster/v1/types.go`).
 */
import {
  DISABLE_AUTO_IMPORT_ANNOTATION,
  findOcmCondition,
  KLUSTERLET_DEPLOY_MODE_ANNOTATION,
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
  /** Since when it has not been healthy (the condition's last transition; 0 without one), if not. */
  unhealthySince: number | null;
}

export function clusterHealth(mc: ManagedCluster | undefined): ClusterHealth {
  const available = findOcmCondition(mc?.status?.conditions, MANAGED_CLUSTER_AVAILABLE);
  if (!mc || !available) return { healthy: false, reachable: false, healthySince: null, unhealthySince: 0 };
  const healthy = available.status === 'True';
  return {
    healthy,
    reachable: available.status !== 'Unknown',
    healthySince: healthy ? transitionTime(available) : null,
    unhealthySince: healthy ? null : transitionTime(available),
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

/**
 * Why a klusterlet change (version or transport, both delivered through the import controller's
 * render of the cluster's KlusterletConfig) cannot reach this cluster, or null when it can. Such
 * clusters are skipped with this reason instead of waiting forever.
 */
export function klusterletSkipReason(mc: ManagedCluster | undefined): string | null {
  if (!mc) return 'ManagedCluster not found';
  const annotations = mc.metadata.annotations ?? {};
  if (DISABLE_AUTO_IMPORT_ANNOTATION in annotations)
    return `auto-import is disabled (${DISABLE_AUTO_IMPORT_ANNOTATION}): the import controller does not re-render its klusterlet`;
  const mode = annotations[KLUSTERLET_DEPLOY_MODE_ANNOTATION];
  if (mode === 'Hosted' || mode === 'SingletonHosted')
    return `the klusterlet runs in ${mode} mode, where the import controller ignores KlusterletConfigs`;
  return null;
}
