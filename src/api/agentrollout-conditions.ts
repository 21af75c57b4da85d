/**
 * The condition types of the AgentRollout kind and their reasons, declared once as data. Event
 * reasons equal condition reasons.
 */

export const AgentRolloutConditionType = {
  /** The rollout reached its goal: Succeeded (or RolledBack, with status False and that reason). */
  Ready: 'Ready',
  /** Clusters are being started, watched or reverted. */
  Progressing: 'Progressing',
  /** The rollout can't move without a person: invalid spec, a failed pre-flight check, a missing Placement. */
  Stalled: 'Stalled',
  /** The pre-flight checks of the rollout and of its clusters. */
  PreflightChecksPassed: 'PreflightChecksPassed',
  /**
   * Started clusters that cannot reach the target until an admin takes a step on them (the
   * message names the step and the clusters); the rest of the rollout goes on.
   */
  ClustersNeedAction: 'ClustersNeedAction',
} as const;
export type AgentRolloutConditionType =
  (typeof AgentRolloutConditionType)[keyof typeof AgentRolloutConditionType];

export const AgentRolloutReason = {
  /** Ready=True. */
  Succeeded: 'Succeeded',
  /** Stalled: the spec can't be used; the message names the field. Nothing is written to any cluster. */
  InvalidSpec: 'InvalidSpec',
  /** Stalled: the Placement does not exist or selects no cluster. */
  PlacementNotReady: 'PlacementNotReady',
  /** Stalled / PreflightChecksPassed=False: a check failed; the message names the check and the clusters. */
  PreflightFailed: 'PreflightFailed',
  /** Stalled: another active rollout targets the same clusters and target. */
  ConflictingRollout: 'ConflictingRollout',
  /** PreflightChecksPassed=True. */
  ChecksPassed: 'ChecksPassed',
  /** Nothing stalls the rollout. */
  AsExpected: 'AsExpected',
  /** ClustersNeedAction=True: the message names the step and the clusters waiting for it. */
  AdminActionNeeded: 'AdminActionNeeded',
} as const;
