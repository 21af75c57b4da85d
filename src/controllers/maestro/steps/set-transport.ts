/** Tells the fleet which transport to use (the AgentRollout and its Placement). */
import { applyTransportRollout } from '../apply-rollout.js';
import { CONTINUE, need, type Step } from './step.js';

export const setTransport: Step = {
  name: 'set-transport',
  async run(state) {
    const mce = need(state.mce, 'mce');
    await applyTransportRollout(
      need(state.plan, 'plan'),
      { name: mce.metadata.name, uid: mce.metadata.uid ?? '' },
      state.ctx,
    );
    return CONTINUE;
  },
};
