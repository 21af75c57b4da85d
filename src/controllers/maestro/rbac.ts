/**
 * What the Maestro controller reads and writes (see `src/rbac/types.ts`), from its code:
 *
 * - caches (`caches.ts`): list/watch of every kind render can produce, cluster-wide with our
 *   label selector; the MultiClusterEngines; Maestro `cluster`, ClusterManager `cluster-manager` and
 *   ClusterManagementAddOn `maestro-addon` by field selector (authorized by name);
 * - the operand namespace (`spec.namespace`, default `maestro`): its Secrets (read all of them:
 *   external ones the user names, generated ones that may predate us), and server-side apply and
 *   prune of every object render puts there; the database volume claims (read, delete); the
 *   Namespace object itself, through a Role in that namespace (a request for namespace `X` is
 *   authorized in namespace `X`);
 * - `open-cluster-management-hub`: the gRPC server's ConfigMap, NodePort Service, Route and
 *   egress NetworkPolicy, by name;
 * - the transport rollout (`apply-rollout.ts`, `global-set.ts`): Placement and AgentRollout
 *   `maestro-transport`, and, where missing, namespace `open-cluster-management-global-set` and its
 *   ManagedClusterSetBinding to `global`;
 * - status: Maestro `cluster` (apply on the status subresource) and the MCE's `status.components`
 *   (merge patch); the ClusterManager fields (apply); the OpenShift ingress domain (read).
 *
 * Server-side apply of an object that does not exist yet is authorized as `create` (with the
 * object's name) as well as `patch`.
 */
import { MAESTRO_SINGLETON_NAME, defaultMaestroSpec } from '../../api/maestro.js';
import { CLUSTER_MANAGER_NAME } from '../../api/upstream/clustermanager.js';
import { READ, type RbacTable, type Rule, type Verb } from '../../rbac/types.js';
import {
  GLOBAL_CLUSTER_SET,
  GLOBAL_SET_NAMESPACE,
  LEGACY_ADDON_NAME,
  TRANSPORT_ROLLOUT_NAME,
} from './constants.js';
import {
  CONDUCTOR_DB_EGRESS_POLICY,
  GRPC_SERVER_CONFIG,
  GRPC_SERVER_NODEPORT_SERVICE,
  GRPC_SERVER_ROUTE,
  OCM_HUB_NAMESPACE,
} from './render/names.js';

const WATCH: Verb[] = ['list', 'watch'];
const WRITE: Verb[] = ['create', 'patch', 'delete'];

/** The operand namespace RBAC is generated for; another `spec.namespace` needs a copy of its Role. */
export const DEFAULT_OPERAND_NAMESPACE = defaultMaestroSpec().namespace;

/** Kinds render produces in the operand namespace (apply and prune); their caches are cluster-wide. */
const OPERAND_KINDS: { group: string; resources: string[] }[] = [
  { group: '', resources: ['configmaps', 'serviceaccounts', 'services'] },
  { group: 'apps', resources: ['deployments', 'statefulsets'] },
  { group: 'policy', resources: ['poddisruptionbudgets'] },
  { group: 'networking.k8s.io', resources: ['networkpolicies'] },
  // Role/RoleBinding maestro-prometheus for openshift-monitoring (OpenShift with ServiceMonitors).
  { group: 'rbac.authorization.k8s.io', resources: ['roles', 'rolebindings'] },
  { group: 'route.openshift.io', resources: ['routes'] },
  { group: 'monitoring.coreos.com', resources: ['servicemonitors'] },
];

const byName = (apiGroups: string[], resources: string[], verbs: Verb[], name: string): Rule => ({
  apiGroups,
  resources,
  verbs,
  resourceNames: [name],
});

/** Rules in the operand namespace (`spec.namespace`). */
export const operandNamespaceRules: Rule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: [...READ, ...WRITE] },
  ...OPERAND_KINDS.map((k) => ({ apiGroups: [k.group], resources: k.resources, verbs: WRITE })),
  // Explicit cleanup of the database volume claims when retainDataOnDisable is off.
  { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'delete'] },
  // The namespace object itself (labels; deleted when retainDataOnDisable is off).
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'patch', 'delete'] },
  // What Role maestro-prometheus grants: RBAC lets us create a Role only with rules we hold.
  { apiGroups: [''], resources: ['endpoints', 'pods', 'services'], verbs: READ },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
];

export const maestroRbac: RbacTable = {
  component: 'maestro',
  cluster: [
    // Caches of what render produces (label-selected, all namespaces) and of Namespaces.
    ...OPERAND_KINDS.map((k) => ({ apiGroups: [k.group], resources: k.resources, verbs: WATCH })),
    { apiGroups: [''], resources: ['namespaces'], verbs: WATCH },
    // The operand namespace is created by apply, the global-set namespace by POST: neither can be
    // limited by name before it exists.
    { apiGroups: [''], resources: ['namespaces'], verbs: ['create'] },
    byName([''], ['namespaces'], ['get'], GLOBAL_SET_NAMESPACE),
    // The transport rollout's Placement (when ours) and AgentRollout.
    { apiGroups: ['cluster.open-cluster-management.io'], resources: ['placements'], verbs: WATCH },
    byName(['cluster.open-cluster-management.io'], ['placements'], WRITE, TRANSPORT_ROLLOUT_NAME),
    { apiGroups: ['maestro.multicluster.openshift.io'], resources: ['agentrollouts'], verbs: WATCH },
    byName(['maestro.multicluster.openshift.io'], ['agentrollouts'], WRITE, TRANSPORT_ROLLOUT_NAME),
    byName(
      ['cluster.open-cluster-management.io'],
      ['managedclustersetbindings'],
      ['get'],
      GLOBAL_CLUSTER_SET,
    ),
    {
      apiGroups: ['cluster.open-cluster-management.io'],
      resources: ['managedclustersetbindings'],
      verbs: ['create'],
    },
    // OCM's webhook admits a ManagedClusterSetBinding only from who may bind the set.
    byName(
      ['cluster.open-cluster-management.io'],
      ['managedclustersets/bind'],
      ['create'],
      GLOBAL_CLUSTER_SET,
    ),
    // Settings and status.
    byName(['maestro.multicluster.openshift.io'], ['maestros'], WATCH, MAESTRO_SINGLETON_NAME),
    byName(['maestro.multicluster.openshift.io'], ['maestros/status'], ['patch'], MAESTRO_SINGLETON_NAME),
    { apiGroups: ['multicluster.openshift.io'], resources: ['multiclusterengines'], verbs: READ },
    { apiGroups: ['multicluster.openshift.io'], resources: ['multiclusterengines/status'], verbs: ['patch'] },
    byName(
      ['operator.open-cluster-management.io'],
      ['clustermanagers'],
      [...WATCH, 'patch'],
      CLUSTER_MANAGER_NAME,
    ),
    byName(['addon.open-cluster-management.io'], ['clustermanagementaddons'], WATCH, LEGACY_ADDON_NAME),
    byName(['config.openshift.io'], ['ingresses'], ['get'], 'cluster'),
  ],
  namespaced: {
    [DEFAULT_OPERAND_NAMESPACE]: operandNamespaceRules,
    [OCM_HUB_NAMESPACE]: [
      byName([''], ['configmaps'], WRITE, GRPC_SERVER_CONFIG),
      // Only to prune the NodePort Service earlier versions rendered (exposure NodePort, removed).
      byName([''], ['services'], ['delete'], GRPC_SERVER_NODEPORT_SERVICE),
      byName(['route.openshift.io'], ['routes'], WRITE, GRPC_SERVER_ROUTE),
      byName(['networking.k8s.io'], ['networkpolicies'], WRITE, CONDUCTOR_DB_EGRESS_POLICY),
    ],
  },
};
