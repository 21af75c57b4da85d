/**
 * What the controller needs to find and prune our objects: the label selector, every kind render
 * can produce (and on which plane), the retained-data rule, and the set difference itself.
 */
import type { MaestroSpec } from '../../../api/maestro.js';
import type { ClusterManager } from '../../../api/upstream/clustermanager.js';
import { clusterManagerRelease } from './grpc-conductor.js';
import { PRUNE_LABEL_SELECTOR } from './labels.js';
import { names } from './names.js';
import type { ClusterManagerApply, ObjectRef, Plane, RenderResult } from './types.js';

export { PRUNE_LABEL_SELECTOR };

/** A kind render may produce; the controller lists it with `PRUNE_LABEL_SELECTOR` on each plane. */
export interface PrunableKind {
  apiVersion: string;
  kind: string;
  /** Resource name for list/delete URLs. */
  plural: string;
  namespaced: boolean;
  planes: readonly Plane[];
  /** Only listed where this optional API is served. */
  requires?: 'routes' | 'serviceMonitors';
}

/** Every kind render can produce. A test keeps this in step with the render output. */
export const PRUNABLE_KINDS: readonly PrunableKind[] = [
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, planes: ['control'] },
  {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    namespaced: true,
    planes: ['control'],
  },
  { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, planes: ['control'] },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    namespaced: true,
    planes: ['control', 'data'],
  },
  { apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true, planes: ['control', 'data'] },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true, planes: ['control'] },
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    namespaced: true,
    planes: ['control'],
  },
  {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    namespaced: true,
    planes: ['control'],
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    namespaced: true,
    planes: ['control', 'data'],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    plural: 'roles',
    namespaced: true,
    planes: ['control'],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    plural: 'rolebindings',
    namespaced: true,
    planes: ['control'],
  },
  {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    plural: 'routes',
    namespaced: true,
    planes: ['control', 'data'],
    requires: 'routes',
  },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    plural: 'servicemonitors',
    namespaced: true,
    planes: ['control'],
    requires: 'serviceMonitors',
  },
];

/** Secrets that are data: the database credentials and the generated CAs clients trust. */
const RETAINED_SECRETS: readonly string[] = [names.dbSecret, names.dbCaSecret, names.mqttCaSecret];

/**
 * Retained data for a spec: the namespace, the database Secret and the generated CAs, when
 * retainDataOnDisable is true; nothing otherwise. The database volume is kept by the StatefulSet's
 * persistentVolumeClaimRetentionPolicy instead.
 */
export function retainedObjects(spec: MaestroSpec): ObjectRef[] {
  // The namespace holds the operator's own Role (installed with it): it is never deleted.
  const namespace = { apiVersion: 'v1', kind: 'Namespace', name: spec.namespace };
  if (!spec.retainDataOnDisable) return [namespace];
  return [
    namespace,
    ...RETAINED_SECRETS.map((name) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: spec.namespace,
      name,
    })),
  ];
}

/**
 * Whether `ref` is retained data whatever the settings say now: every namespace (it holds the
 * operator's Role and the data), and the database Secret and the CAs in any namespace, except in
 * `spec.namespace` when the admin turned retainDataOnDisable off there (the one explicit choice that
 * lets data go). Settings that name another namespace, or defaults after the Maestro object was
 * deleted, never make an earlier install's data prunable.
 */
export function isRetainedData(
  spec: MaestroSpec,
  ref: Pick<ObjectRef, 'kind' | 'name' | 'namespace'>,
): boolean {
  if (ref.kind === 'Namespace') return true;
  if (ref.kind !== 'Secret' || !RETAINED_SECRETS.includes(ref.name)) return false;
  return spec.retainDataOnDisable || ref.namespace !== spec.namespace;
}

/** What to do when the MCE turns Maestro off. */
export interface DisabledPlan {
  /** Objects that must not be deleted. */
  retained: ObjectRef[];
  /**
   * The SSA body releasing our ClusterManager fields. Apply it only when no managed cluster still
   * uses gRPC delivery (the rollout controller knows), or registrations over gRPC break.
   */
  clusterManagerRelease: ClusterManagerApply;
}

/** The plan for the disabled state: prune every labelled object except `retained`. */
export function renderDisabled(spec: MaestroSpec, clusterManager: ClusterManager | undefined): DisabledPlan {
  return { retained: retainedObjects(spec), clusterManagerRelease: clusterManagerRelease(clusterManager) };
}

/** `kind/namespace/name`, unique per object on one plane (apiVersion groups don't overlap here). */
export function refKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/**
 * Objects to delete: those found by the prune selector that are neither desired nor retained.
 * `desired` is null when Maestro is disabled. Pure set difference; the caller deletes in reverse
 * apply order and never when validation failed.
 */
export function selectPrunable(
  existing: readonly ObjectRef[],
  desired: RenderResult | null,
  spec: MaestroSpec,
): ObjectRef[] {
  const keep = new Set<string>(retainedObjects(spec).map(refKey));
  for (const r of desired?.retained ?? []) keep.add(refKey(r));
  for (const { object } of desired?.objects ?? []) {
    keep.add(
      refKey({
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
      }),
    );
  }
  return existing.filter((ref) => !keep.has(refKey(ref)) && !isRetainedData(spec, ref));
}
