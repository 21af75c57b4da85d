/** Labels on everything the rollout controllers create (same convention as the Maestro operands). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'mce-maestro-operator';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const ROLLOUT_LABEL = 'rollout.maestro.multicluster.openshift.io/rollout';

/** Labels for an object that belongs to agent lifecycle (derived configs, observers). */
export function rolloutLabels(): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [PART_OF_LABEL]: 'agent-lifecycle' };
}
