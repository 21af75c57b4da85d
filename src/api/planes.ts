/**
 * The split-plane table. Some hubs keep API objects and workloads in different API servers to
 * relieve etcd: the *data plane* holds MCE, our CRs and everything OCM reads (ManagedClusters,
 * Placements, add-ons, ManifestWorks…); the *control plane* runs the operand workloads and what
 * their pods consume. This table is the one place that says which is which: every write goes
 * through `Planes.clientFor(obj)` or `planeFor` (`src/kube/planes.ts`), and Maestro's render asks it
 * too (for owner references), so it is pure data here, below both.
 *
 * Precedence, most specific first:
 * 1. the `maestro.multicluster.openshift.io/plane` annotation on the object itself (`data` or
 *    `control`), for one-off exceptions decided where the object is rendered;
 * 2. namespace rules: OCM's hub namespace belongs to cluster-manager, whose hub components read
 *    their configuration from the data plane (e.g. `open-cluster-management-hub/grpc-server-config`);
 * 3. the kind table.
 * A kind in none of them throws `UnknownPlaneError`: guessing would write to the wrong server.
 */

export type PlaneName = 'data' | 'control';

/** Annotation that pins one rendered object to a plane. */
export const PLANE_ANNOTATION = 'maestro.multicluster.openshift.io/plane';

/** Our own API group: every kind in it lives on the data plane. */
export const OWN_API_GROUP = 'maestro.multicluster.openshift.io';

interface KindRule {
  group: string;
  /** `*` for every kind of the group. */
  kind: string;
  plane: PlaneName;
}

const control = (group: string, ...kinds: string[]): KindRule[] =>
  kinds.map((kind) => ({ group, kind, plane: 'control' }));
const data = (group: string, ...kinds: string[]): KindRule[] =>
  kinds.map((kind) => ({ group, kind, plane: 'data' }));

/** Where each kind goes. */
export const KIND_PLANES: readonly KindRule[] = [
  // Operand workloads and what their pods consume.
  ...control('apps', 'Deployment', 'StatefulSet'),
  ...control(
    '',
    'Service',
    'Secret',
    'ConfigMap',
    'PersistentVolumeClaim',
    'ServiceAccount',
    'Pod',
    'Namespace',
  ),
  ...control('rbac.authorization.k8s.io', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'),
  ...control('policy', 'PodDisruptionBudget'),
  ...control('networking.k8s.io', 'NetworkPolicy'),
  ...control('monitoring.coreos.com', 'ServiceMonitor'),
  // A Route fronts an operand Service, so it lives where that Service does.
  ...control('route.openshift.io', 'Route'),
  // API objects: ours, MCE's and OCM's.
  ...data(OWN_API_GROUP, '*'),
  ...data('multicluster.openshift.io', 'MultiClusterEngine'),
  ...data(
    'cluster.open-cluster-management.io',
    'ManagedCluster',
    'ManagedClusterSet',
    'ManagedClusterSetBinding',
  ),
  ...data('cluster.open-cluster-management.io', 'Placement', 'PlacementDecision'),
  ...data(
    'addon.open-cluster-management.io',
    'ManagedClusterAddOn',
    'ClusterManagementAddOn',
    'AddOnDeploymentConfig',
  ),
  ...data('addon.open-cluster-management.io', 'AddOnTemplate'),
  ...data('work.open-cluster-management.io', 'ManifestWork'),
  ...data('config.open-cluster-management.io', 'KlusterletConfig'),
  ...data('operator.open-cluster-management.io', 'ClusterManager'),
  // Leader election and Events sit next to the objects the operator reconciles.
  ...data('coordination.k8s.io', 'Lease'),
  ...data('events.k8s.io', 'Event'),
  ...data('', 'Event'),
];

/** Namespaces whose objects (and the Namespace itself) belong to a plane whatever their kind. */
export const NAMESPACE_PLANES: ReadonlyMap<string, PlaneName> = new Map([
  ['open-cluster-management-hub', 'data'],
  // OCM's namespace for Placements over the `global` ManagedClusterSet: API objects only.
  ['open-cluster-management-global-set', 'data'],
]);

/** The object has a kind the table doesn't place. */
export class UnknownPlaneError extends Error {
  override readonly name = 'UnknownPlaneError';
}

/** The part of an object `planeFor` looks at. */
export interface PlacedObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
}

/** The plane an object belongs to (see the precedence above). */
export function planeFor(obj: PlacedObject): PlaneName {
  const pinned = obj.metadata?.annotations?.[PLANE_ANNOTATION];
  if (pinned !== undefined) {
    if (pinned === 'data' || pinned === 'control') return pinned;
    throw new UnknownPlaneError(
      `${PLANE_ANNOTATION} must be "data" or "control", not ${JSON.stringify(pinned)}`,
    );
  }
  const slash = obj.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
  const namespace = group === '' && obj.kind === 'Namespace' ? obj.metadata?.name : obj.metadata?.namespace;
  const byNamespace = namespace !== undefined ? NAMESPACE_PLANES.get(namespace) : undefined;
  if (byNamespace) return byNamespace;
  const rule =
    KIND_PLANES.find((r) => r.group === group && r.kind === obj.kind) ??
    KIND_PLANES.find((r) => r.group === group && r.kind === '*');
  if (!rule)
    throw new UnknownPlaneError(`no plane for ${obj.kind} in ${obj.apiVersion}; add it to KIND_PLANES`);
  return rule.plane;
}
