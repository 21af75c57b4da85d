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

/** True when the ManagedCluster is accepted, joined and Available. */
export function isAvailable(mc: KubeObject | undefined): boolean {
  const conditions = (mc as ManagedCluster | undefined)?.status?.conditions ?? [];
  const is = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  return isAccepted(mc) && is('ManagedClusterJoined') && is(MANAGED_CLUSTER_AVAILABLE);
}
