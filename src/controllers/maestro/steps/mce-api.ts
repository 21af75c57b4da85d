/**
 * Without the MultiClusterEngine API there is no toggle to read: wait, change nothing. Otherwise
 * note the MCE (the oldest live one) and what it says about Maestro.
 */
import { maestroToggle } from '../../../api/upstream/mce.js';
import { MCE_API_POLL_MS } from '../constants.js';
import { CONTINUE, stop, type Step } from './step.js';

export const mceApi: Step = {
  name: 'mce-api',
  run(state) {
    const { world, report } = state;
    if (world.mce.kind === 'NotServed') {
      report.outcome = { kind: 'WaitingForMceApi' };
      return stop('the MultiClusterEngine API is not served', { requeueAfter: MCE_API_POLL_MS });
    }
    if (world.mce.kind === 'Present') {
      state.mce = world.mce.mce;
      state.toggle = maestroToggle(world.mce.mce);
    } else {
      state.toggle = { enabled: false, decidedBy: 'absent' };
    }
    return CONTINUE;
  },
};
