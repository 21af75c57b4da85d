/**
 * The RBAC each controller needs, declared as data next to the controller. `make manifests`
 * merges the tables into the ClusterRole/Roles of `config/rbac/` and the OLM bundle, and a test
 * checks that no rule uses `*`. Every write path of a controller must be covered here: the
 * end-to-end tests run the operator with a token bound only to the generated RBAC.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: Verb[];
  resourceNames?: string[];
}

/** Rules granted cluster-wide (ClusterRole) or in named namespaces (Role per namespace). */
export interface RbacTable {
  /** Who needs this, for comments in the generated YAML. */
  component: string;
  cluster: Rule[];
  /** Namespace → rules. `$OPERATOR_NAMESPACE` stands for the namespace the operator runs in. */
  namespaced?: Record<string, Rule[]>;
}

export const READ: Verb[] = ['get', 'list', 'watch'];
