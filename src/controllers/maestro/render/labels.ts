/**
 * Labels and owner references on everything we create. The managed-by/part-of pair is the prune
 * selector; name/component identify the piece. Selector labels of workloads are MCE's
 * (`app: maestro`, `name: maestro-db`) because a Deployment/StatefulSet selector is immutable and a
 * hub that ran maestro-preview already has them.
 */
import type { V1OwnerReference } from '@kubernetes/client-node';
import type { KubeObject, MceRef, Plane } from './types.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const MANAGED_BY = 'mce-maestro-operator';
export const PART_OF = 'maestro';

/** The labels that mark an object as ours; also the prune selector. */
export const ownershipLabels = { [MANAGED_BY_LABEL]: MANAGED_BY, [PART_OF_LABEL]: PART_OF } as const;

/** `app.kubernetes.io/managed-by=mce-maestro-operator,app.kubernetes.io/part-of=maestro`. */
export const PRUNE_LABEL_SELECTOR = Object.entries(ownershipLabels)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

export type Component = 'server' | 'database' | 'broker' | 'conductor' | 'namespace' | 'monitoring';

/** All labels for an object of the given component. */
export function labelsFor(name: string, component: Component): Record<string, string> {
  return { ...ownershipLabels, [NAME_LABEL]: name, [COMPONENT_LABEL]: component };
}

/** Pod selector labels (immutable once a workload exists). */
export const selectors = {
  server: { app: 'maestro' },
  database: { name: 'maestro-db' },
  broker: { name: 'maestro-mqtt' },
} as const;

/**
 * The owner reference to the MultiClusterEngine. Not `controller`: MCE's own operator is not the
 * controller of these objects and tools that follow the controller reference (`kubectl describe`,
 * adoption logic) would point at the wrong reconciler. `blockOwnerDeletion: false`: setting it to
 * true needs update permission on multiclusterengines/finalizers (OwnerReferencesPermissionEnforcement)
 * and would make MCE deletion wait on our objects.
 */
export function mceOwnerReference(mce: MceRef): V1OwnerReference {
  return {
    apiVersion: 'multicluster.openshift.io/v1',
    kind: 'MultiClusterEngine',
    name: mce.name,
    uid: mce.uid,
    controller: false,
    blockOwnerDeletion: false,
  };
}

/** Whether an object on `plane` may carry an owner reference to the MCE. */
export function mayOwn(plane: Plane, sameApiServerAsMce: boolean): boolean {
  return plane === 'data' || sameApiServerAsMce;
}

/** Adds the owner reference unless the object is retained data or lives on another API server. */
export function withOwner<T extends KubeObject>(obj: T, owner: V1OwnerReference | undefined): T {
  if (!owner) return obj;
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: [{ ...owner }] } };
}
