/**
 * What the runtime itself needs (see `src/rbac/types.ts`): the leader-election Lease in the
 * operator's namespace (`LeaseLock`: get, create, update) and Events about any object we report on
 * (`EventRecorder`: create, and merge patches of an Event's series). Events about cluster-scoped
 * objects go to `default`, those about AgentRollouts to the rollout's namespace, so Events are
 * granted cluster-wide. The secure metrics server (`metrics-auth.ts`) creates TokenReviews and
 * SubjectAccessReviews to authenticate and authorize each scraper, like controller-runtime's
 * `filters.WithAuthenticationAndAuthorization`; neither is stored nor grants anything. At start the
 * operator applies its pods' NetworkPolicy (`own-network-policy.ts`) in its namespace: that one
 * object, by name (server-side apply creates it through a named patch). API discovery needs
 * nothing: every authenticated user may read it.
 */
import { OPERATOR_NETWORK_POLICY_NAME } from '../api/operator-network-policy.js';
import type { RbacTable } from '../rbac/types.js';

/** The Lease name of `--leader-election-id`'s default; another id needs its own rule. */
export const DEFAULT_LEADER_ELECTION_ID = 'mce-maestro-operator';

export const runtimeRbac: RbacTable = {
  component: 'runtime',
  cluster: [
    { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  ],
  namespaced: {
    $OPERATOR_NAMESPACE: [
      // A new Lease is created by POST, which can't be limited by name.
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'update'],
        resourceNames: [DEFAULT_LEADER_ELECTION_ID],
      },
      {
        apiGroups: ['networking.k8s.io'],
        resources: ['networkpolicies'],
        verbs: ['create', 'patch'],
        resourceNames: [OPERATOR_NETWORK_POLICY_NAME],
      },
    ],
  },
};
