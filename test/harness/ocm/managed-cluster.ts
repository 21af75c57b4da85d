/** A ManagedCluster as the real hub reports it, read the way the end-to-end tests wait on it. */
import {
  MANAGED_CLUSTER_API_VERSION,
  MANAGED_CLUSTER_AVAILABLE,
  type ManagedCluster,
} from '../../../src/api/upstream/ocm.js';
import type { KubeObject } from '../../../src/runtime/index.js';

export const managedClusterRef = (name: string) => ({
  apiVersion: MANAGED_CLUSTER_API_VERSION,
  kind: 'ManagedCluster',
  name,
});

/** True when the hub has accepted the cluster (`spec.hubAcceptsClient`). */
export function isAccepted(mc: KubeObject | undefined): boolean {
  return (mc as ManagedCluster | undefined)?.spec?.hubAcceptsClient === true;
}

const conditionIs = (mc: KubeObject | undefined, type: string) =>
  ((mc as ManagedCluster | undefined)?.status?.conditions ?? []).some(
    (c) => c.type === type && c.status === 'True',
  );

/**
 * True when the registration controller has acted on the acceptance: the cluster's namespace and
 * RBAC are in place (`HubAcceptedManagedCluster`).
 */
export function isHubAccepted(mc: KubeObject | undefined): boolean {
  return conditionIs(mc, 'HubAcceptedManagedCluster');
}

/** True when the ManagedCluster is accepted, joined and Available. */
export function isAvailable(mc: KubeObject | undefined): boolean {
  return (
    isAccepted(mc) && conditionIs(mc, 'ManagedClusterJoined') && conditionIs(mc, MANAGED_CLUSTER_AVAILABLE)
  );
}
