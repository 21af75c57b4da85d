/**
 * An MCE that reconciles its own maestro-preview would delete our namespace and reset the
 * ClusterManager on every pass: touch nothing until the admin hands the component over.
 */
import { coexistence as mceCoexistence } from '../../../api/upstream/mce-coexistence.js';
import { CONTINUE, need, stop, type Step } from './step.js';

export const coexistence: Step = {
  name: 'coexistence',
  run({ mce, toggle, report }) {
    const together = mce ? mceCoexistence(mce) : { ok: true as const };
    if (together.ok) return CONTINUE;
    report.outcome = {
      kind: 'Blocked',
      enabled: need(toggle, 'toggle').enabled,
      message: together.message,
      reason: 'MceManagesMaestro',
    };
    return stop('the MultiClusterEngine manages its own Maestro');
  },
};
