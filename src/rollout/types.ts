/**
 * The planner's input and output. Plain data with epoch-millisecond times, so the controller can
 * build it from informer caches and persist `RolloutPlan.memo` as it is.
 */
import type { Labels } from './label-selector.js';
import type { RolloutPolicy } from '../api/rollout-policy.js';

/** A decision group: the Placement's `decision-group-name` and `decision-group-index`. */
export interface GroupRef {
  name: string;
  index: number;
}

/** Forward to the rollout's revision, or back to the last known good one. */
export type Direction = 'forward' | 'rollback';

/** What the rollout last wrote to a cluster, read back from the annotations it wrote with it. */
export interface AppliedRevision {
  revision: string;
  direction: Direction;
  /** When the planner told the controller to start it. */
  startedAt: number;
}

/**
 * A cluster's place in the frozen plan of a revision, persisted by the controller (e.g. as an
 * annotation) when the planner lists it in `membershipUpdates`. Only the current revision's counts.
 */
export interface Membership {
  revision: string;
  group: GroupRef;
  /** Joined the Placement after the revision started. */
  joinedLate: boolean;
}

/** One cluster as the controller observes it. */
export interface ClusterObservation {
  name: string;
  /** The decision group the Placement gives it now; `null` when no longer selected. */
  placement: GroupRef | null;
  labels?: Labels;
  membership?: Membership | null;
  applied?: AppliedRevision | null;
  /** The revision the cluster reports it runs. */
  observedRevision?: string | null;
  healthy: boolean;
  /**
   * Since when the cluster has, without interruption, reported `observedRevision` and been healthy
   * (the later of the two transitions). Soak time counts from here (or from the start if later).
   */
  healthySince?: number | null;
  /** An explicit failure signal (e.g. a Degraded condition): the cluster has failed, not just not yet succeeded. */
  degraded?: boolean;
  reachable: boolean;
  /** Left out of the rollout (OCM's `Skip`). */
  skip?: boolean;
}

/** A person's approval of a gated group for one revision. */
export interface ApprovalGrant {
  groupName: string;
  revision: string;
}

/** What stopped the rollout after a failure budget was exceeded. */
export interface Halt {
  action: 'Pause' | 'Abort' | 'Rollback';
  since: number;
  reason: string;
}

/** Failures forgiven when a person resumed a paused rollout: only failures beyond these count. */
export interface ForgivenFailures {
  failures: number;
  unreachable: number;
  groups: { index: number; failures: number }[];
}

/** A group as frozen when the revision started. */
export interface FrozenGroup {
  name: string;
  index: number;
  size: number;
}

/**
 * The plan's memory between steps, small enough for the rollout's status: the frozen group order
 * and sizes, and a halt decided on an exceeded budget. A new revision starts a new memo.
 */
export interface RolloutMemo {
  revision: string;
  startedAt: number;
  groups: FrozenGroup[];
  halt: Halt | null;
  forgiven: ForgivenFailures | null;
}

export interface RolloutInput {
  now: number;
  /** The revision this rollout delivers. */
  revision: string;
  /** Where a rollback goes; without it the Rollback action pauses instead. */
  lastKnownGoodRevision?: string | null;
  policy: RolloutPolicy;
  clusters: readonly ClusterObservation[];
  approvals?: readonly ApprovalGrant[];
  memo?: RolloutMemo | null;
  /** When a person asked to resume after a Pause on an exceeded budget. */
  resumeRequestedAt?: number | null;
}

/** A cluster and its group. */
export interface ClusterRef {
  name: string;
  group: GroupRef;
}

/** A cluster the Placement no longer selects; `group` is its frozen group, if it had one. */
export interface RemovedCluster {
  name: string;
  group: GroupRef | null;
}

/** A cluster to write now: its target revision, direction and membership. */
export interface ClusterStart extends ClusterRef {
  revision: string;
  direction: Direction;
  joinedLate: boolean;
}

/** A membership annotation to write before persisting the memo. */
export interface MembershipUpdate extends ClusterRef {
  revision: string;
  joinedLate: boolean;
}

/** Cluster counts by state. */
export interface StateCounts {
  pending: number;
  progressing: number;
  soaking: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  unreachable: number;
  skipped: number;
  rollbackPending: number;
  reverting: number;
  reverted: number;
  revertFailed: number;
}

export interface GroupSummary {
  name: string;
  index: number;
  mandatory: boolean;
  /** The final wave of clusters that joined after the revision started. */
  lateJoiners: boolean;
  approval: 'NotRequired' | 'Waiting' | 'Approved';
  total: number;
  counts: StateCounts;
  firstStartedAt: string | null;
  lastFinishedAt: string | null;
}

export interface RolloutSummary {
  total: number;
  counts: StateCounts;
  removed: number;
  groups: GroupSummary[];
}

/** Which budget gave way. */
export interface BudgetBreach {
  scope: 'MandatoryGroup' | 'Rollout' | 'Group' | 'Unreachable';
  group: GroupRef | null;
  count: number;
  limit: number;
  message: string;
}

export interface FailureBudgetReport {
  failures: number;
  unreachable: number;
  /** The rollout-wide failure limit in force (the tighter of strategy and policy), if any. */
  limit: number | null;
  breach: BudgetBreach | null;
  action: Halt['action'] | null;
}

/** What the rollout is waiting for, besides clusters in flight. */
export type WaitReason =
  | { kind: 'Window'; opensAt: number | null; windows: string[] }
  | { kind: 'Approval'; group: string }
  | { kind: 'Soak'; until: number }
  | { kind: 'Concurrency'; inFlight: number; limit: number }
  | { kind: 'Unreachable'; clusters: number }
  | { kind: 'FailureBudget'; breach: BudgetBreach };

/** The rollout's phase, as the controller writes it to status, with a human message. */
export type RolloutPhase =
  | { phase: 'Pending'; reason: 'NoClusters' | 'WaitingForClusters'; message: string }
  | { phase: 'Progressing'; message: string }
  | { phase: 'WaitingForWindow'; opensAt: number | null; message: string }
  | { phase: 'WaitingForApproval'; group: string; message: string }
  | { phase: 'Paused'; reason: 'Requested' | 'FailureBudgetExceeded'; message: string }
  | { phase: 'RollingBack'; message: string }
  | { phase: 'Succeeded'; message: string }
  | { phase: 'Failed'; message: string }
  | { phase: 'Aborted'; message: string }
  | { phase: 'RolledBack'; message: string };

export interface RolloutPlan {
  phase: RolloutPhase;
  /** Clusters to write now (forward to the revision, or back to the last known good one). */
  start: ClusterStart[];
  timedOut: ClusterRef[];
  failed: ClusterRef[];
  removed: RemovedCluster[];
  membershipUpdates: MembershipUpdate[];
  budget: FailureBudgetReport;
  waits: WaitReason[];
  /** When to plan again at the latest; `null` when only a change of input can move things. */
  recheckAt: number | null;
  summary: RolloutSummary;
  /** To persist (after `membershipUpdates` are written) and pass back next step. */
  memo: RolloutMemo;
}
