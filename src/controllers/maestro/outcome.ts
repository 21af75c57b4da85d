/**
 * What a reconcile found and did, as data: the status writers turn it into conditions, the
 * MultiClusterEngine component entry and events. One case per way a reconcile can end.
 */
import type { DrainState } from './transport-rollout.js';
import type { OperandReadiness } from './availability.js';
import type { FieldError, RenderedStatus } from './render/index.js';

export type Outcome =
  /** The MultiClusterEngine API is not served: nothing is installed or removed. */
  | { kind: 'WaitingForMceApi' }
  /** The settings can't be used; nothing was changed or removed. */
  | { kind: 'InvalidSpec'; enabled: boolean; errors: FieldError[] }
  /** Generated material exists but is unusable (we never regenerate it); nothing was changed. */
  | { kind: 'Blocked'; enabled: boolean; message: string; reason?: 'MceManagesMaestro' }
  | {
      kind: 'Enabled';
      rendered: RenderedStatus;
      operands: OperandReadiness;
      /** In grpc mode: the ClusterManager carries our fields. */
      clusterManagerWired: boolean;
      drain: DrainState;
      note?: string;
    }
  | {
      kind: 'Disabled';
      reason: 'ComponentDisabled' | 'MultiClusterEngineNotFound';
      message: string;
      /** Objects of ours still present (not retained), as `Kind namespace/name`. */
      remaining: string[];
      /** Retained data, as `Kind namespace/name`. */
      retained: string[];
      drain: DrainState;
      note?: string;
    };

/** A reconcile's report: its outcome (none while waiting for a cache) and, if a write failed, why. */
export interface Report {
  outcome?: Outcome;
  failure?: string;
}

/** A report with an outcome: what the status writers take. */
export interface FinishedReport {
  outcome: Outcome;
  failure?: string;
}

/** `Kind namespace/name` (or `Kind name`) for messages. */
export function describeObject(o: { kind: string; metadata: { namespace?: string; name?: string } }): string {
  const ns = o.metadata.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name ?? ''}`;
}
