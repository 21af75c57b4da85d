/**
 * The Maestro reconcile's steps, in the order the work happens. The gate decides whether anything
 * may change at all and with which settings; then the MCE's toggle picks one of the two lists.
 * Every list that runs to its end means "converged": look again after RESYNC_MS.
 */
import type { ReconcileResult } from '../../../runtime/index.js';
import { RESYNC_MS } from '../constants.js';
import { applyOperands } from './apply-operands.js';
import { coexistence } from './coexistence.js';
import { desiredState } from './desired-state.js';
import { drainToKube } from './drain-to-kube.js';
import { hubValidation } from './hub-validation.js';
import { material } from './material.js';
import { mceApi } from './mce-api.js';
import { operandReadiness } from './operand-readiness.js';
import { operandSecrets } from './operand-secrets.js';
import { pruneUnwanted } from './prune-unwanted.js';
import { releaseClusterManagerStep } from './release-cluster-manager.js';
import { removeInstallation } from './remove-installation.js';
import { setTransport } from './set-transport.js';
import { settings } from './settings.js';
import type { Step, StepState } from './step.js';
import { wireClusterManagerStep } from './wire-cluster-manager.js';

export type { Step, StepResult, StepState } from './step.js';

/** Before anything changes: the MCE API, an MCE that runs its own Maestro, the settings. */
export const GATE_STEPS: readonly Step[] = [mceApi, coexistence, settings];

/** The MCE enables Maestro. */
export const ENABLED_STEPS: readonly Step[] = [
  operandSecrets,
  hubValidation,
  material,
  desiredState,
  applyOperands,
  wireClusterManagerStep,
  setTransport,
  pruneUnwanted,
  operandReadiness,
];

/** The MCE disables Maestro, or no MultiClusterEngine is left. */
export const DISABLED_STEPS: readonly Step[] = [
  operandSecrets,
  drainToKube,
  releaseClusterManagerStep,
  removeInstallation,
];

/** Runs `steps` in order until one stops; undefined when all continued. */
async function runList(steps: readonly Step[], state: StepState): Promise<ReconcileResult | undefined> {
  for (const step of steps) {
    const r = await step.run(state);
    if ('stop' in r) {
      state.ctx.log.debug({ step: step.name, reason: r.stop }, 'reconcile stopped');
      return r.result;
    }
  }
  return undefined;
}

/** The gate, then the list the toggle picks; fills `state.report.outcome` on the way. */
export async function runSteps(state: StepState): Promise<ReconcileResult> {
  const gated = await runList(GATE_STEPS, state);
  if (gated) return gated;
  const enabled = state.mce !== undefined && state.toggle?.enabled === true;
  return (await runList(enabled ? ENABLED_STEPS : DISABLED_STEPS, state)) ?? { requeueAfter: RESYNC_MS };
}
