/** Rollout settings compiled for planning: milliseconds, parsed sizes, anchored recurrences. */
import type { Labels } from './label-selector.js';
import type { Recurrence } from './recurrence.js';
import type { RolloutSize } from './rollout-size.js';
import type { FailurePolicy, RolloutPolicy } from '../api/rollout-policy.js';

/** Which clusters a window or exclusion covers; `selector` indexes `CompiledPolicy.selectors`. */
export interface CompiledScope {
  groups: ReadonlySet<string> | null;
  selector: number;
}

export interface CompiledWindow {
  name: string;
  recurrence: Recurrence;
  durationMs: number;
  /** How long the window must still stay open for a cluster to start in it. */
  requiredMs: number;
  scope: CompiledScope;
}

export interface CompiledExclusion {
  name: string;
  start: number;
  end: number;
  scope: CompiledScope;
}

export interface CompiledStrategy {
  type: 'All' | 'Progressive' | 'ProgressivePerGroup';
  minSuccessTimeMs: number;
  /** `null` is `None`: no deadline. */
  progressDeadlineMs: number | null;
  maxFailures: RolloutSize;
  maxConcurrency: RolloutSize | null;
  mandatory: { groupName: string; groupIndex: number }[];
}

export interface CompiledFailurePolicy {
  maxFailures: RolloutSize | null;
  maxFailuresPerGroup: RolloutSize | null;
  maxUnreachable: RolloutSize | null;
  action: FailurePolicy['action'];
  rollbackMaxConcurrency: RolloutSize;
}

/** Settings ready for planning. */
export interface CompiledPolicy {
  strategy: CompiledStrategy;
  windows: CompiledWindow[];
  exclusions: CompiledExclusion[];
  selectors: ((labels: Labels | undefined) => boolean)[];
  /** Whether any window or exclusion is limited to named groups. */
  scopesUseGroups: boolean;
  failure: CompiledFailurePolicy;
  gates: string[];
  paused: boolean;
  lateJoiners: RolloutPolicy['lateJoiners'];
}
