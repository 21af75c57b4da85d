export { planRollout } from './plan.js';
export type {
  AppliedRevision,
  ApprovalGrant,
  BudgetBreach,
  ClusterObservation,
  ClusterRef,
  ClusterStart,
  Direction,
  FailureBudgetReport,
  ForgivenFailures,
  FrozenGroup,
  GroupRef,
  GroupSummary,
  Halt,
  Membership,
  MembershipUpdate,
  RemovedCluster,
  RolloutInput,
  RolloutMemo,
  RolloutPhase,
  RolloutPlan,
  RolloutSummary,
  StateCounts,
  WaitReason,
} from './types.js';
export {
  approvalGateSchema,
  failurePolicySchema,
  labelSelectorSchema,
  maintenanceExclusionSchema,
  maintenanceWindowSchema,
  rolloutPolicySchema,
  rolloutStrategySchema,
  scheduleScopeSchema,
} from '../api/rollout-policy.js';
export type {
  ApprovalGate,
  FailurePolicy,
  LabelSelector,
  MaintenanceExclusion,
  MaintenanceWindow,
  RolloutPolicy,
  RolloutPolicyInput,
  RolloutStrategy,
  ScheduleScope,
} from '../api/rollout-policy.js';
export { InvalidRolloutPolicyError, formatSpecError, validateRolloutPolicy } from './validate.js';
export type { SpecError } from './validate.js';
export { LATE_JOINERS_GROUP } from './fleet.js';
