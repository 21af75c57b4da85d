/**
 * The planner's policy for a rollout: its own settings, with the rollout strategy taken, for an
 * add-on whose rollout names none, from the ClusterManagementAddOn's installStrategy entry for the
 * same Placement (as the addon-manager itself would roll it), and `All` otherwise.
 */
import type { AgentRolloutSpec } from '../../api/agentrollout.js';
import type { ClusterManagementAddOn } from '../../api/upstream/ocm.js';
import { formatSpecError, validateRolloutPolicy, type RolloutPolicy } from '../../rollout/index.js';

export type PolicyResult = { ok: true; policy: RolloutPolicy } | { ok: false; errors: string[] };

export function resolvePolicy(
  spec: AgentRolloutSpec,
  namespace: string,
  cma: ClusterManagementAddOn | undefined,
): PolicyResult {
  let strategy: unknown = spec.rolloutStrategy;
  if (strategy === undefined && spec.target.addOn) {
    strategy = cma?.spec?.installStrategy?.placements?.find(
      (p) => p.namespace === namespace && p.name === spec.placementRef.name,
    )?.rolloutStrategy;
  }
  const result = validateRolloutPolicy({
    rolloutStrategy: strategy ?? { type: 'All' },
    maintenanceWindows: spec.maintenanceWindows ?? [],
    maintenanceExclusions: spec.maintenanceExclusions ?? [],
    failurePolicy: spec.failurePolicy ?? {},
    approvals: spec.approvals ?? [],
    paused: spec.paused,
    lateJoiners: spec.lateJoiners,
  });
  return result.ok
    ? { ok: true, policy: result.policy }
    : { ok: false, errors: result.errors.map(formatSpecError) };
}
