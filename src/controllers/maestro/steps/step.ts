/**
 * The Maestro reconcile as an ordered list of steps, the way OCM's cluster-manager operator runs
 * its `reconcilers []clusterManagerReconcile`: each step does one piece of the work and says whether
 * the next may run. A step that stops gives its reason and the reconcile's result (when to look
 * again); the status publisher (`publish-status.ts`) then writes what `state.report` says.
 */
import type { MaestroSpec } from '../../../api/maestro.js';
import type { MaestroToggle, MultiClusterEngine } from '../../../api/upstream/mce.js';
import type { Informer, ReconcileResult } from '../../../runtime/index.js';
import type { DesiredObject, WriteContext } from '../apply-objects.js';
import type { World } from '../load-world.js';
import type { MaestroRuntime } from '../maestro-runtime.js';
import type { SecretObject } from '../namespace-secrets.js';
import type { Outcome, Report } from '../outcome.js';
import type { ExternalSecrets, GeneratedMaterial, RenderResult } from '../render/index.js';
import type { RolloutPlan } from '../transport-rollout.js';

/**
 * What the steps share. The inputs are set before the first step; each later field is set by the
 * step named beside it and read by the ones after it (`need` says which ran out of order).
 */
export interface StepState {
  world: World;
  rt: MaestroRuntime;
  ctx: WriteContext;
  /** The outcome for the status publisher; a step that ends the reconcile fills it. */
  report: Report;
  /** mce-api: the MCE (none when no live one exists) and its word on Maestro. */
  mce?: MultiClusterEngine;
  toggle?: MaestroToggle | { enabled: false; decidedBy: 'absent' };
  /** settings */
  spec?: MaestroSpec;
  /** operand-secrets */
  secrets?: Informer<SecretObject>;
  /** hub-validation */
  external?: ExternalSecrets;
  /** material */
  generated?: GeneratedMaterial;
  /** desired-state */
  rendered?: RenderResult;
  plan?: RolloutPlan;
  draining?: boolean;
  objects?: DesiredObject[];
  /** apply-operands: keys of the objects written by this reconcile. */
  applied?: Set<string>;
  /** wire-cluster-manager */
  clusterManagerWired?: boolean;
  /** drain-to-kube (disabled): what stays, the keys that must survive removal, the outcome so far. */
  keepRetained?: Set<string>;
  rolloutKeys?: string[];
  disabled?: Omit<Extract<Outcome, { kind: 'Disabled' }>, 'remaining'>;
}

/** Go on with the next step, or stop the reconcile here. */
export type StepResult = { continue: true } | { stop: string; result: ReconcileResult };

export interface Step {
  name: string;
  run(state: StepState): Promise<StepResult> | StepResult;
}

export const CONTINUE: StepResult = { continue: true };

/** Stops the reconcile: `reason` for the log, `result` for the queue. */
export function stop(reason: string, result: ReconcileResult = {}): StepResult {
  return { stop: reason, result };
}

/** A field an earlier step sets; its absence is a bug in the step order, not in the cluster. */
export function need<T>(value: T | undefined, field: keyof StepState): T {
  if (value === undefined) throw new Error(`reconcile step order: ${String(field)} is not set yet`);
  return value;
}
