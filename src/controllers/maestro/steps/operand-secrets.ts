/**
 * Our Secrets are cached per namespace: the operand namespace's (external ones, generated ones)
 * must be listed before anything is validated, generated or pruned.
 */
import { CACHE_WAIT_MS } from '../constants.js';
import { CONTINUE, need, stop, type Step } from './step.js';

export const operandSecrets: Step = {
  name: 'operand-secrets',
  run(state) {
    const secrets = state.rt.caches.secrets.in(need(state.spec, 'spec').namespace);
    if (!secrets)
      return stop('the operand namespace Secrets are still listing', { requeueAfter: CACHE_WAIT_MS });
    state.secrets = secrets;
    return CONTINUE;
  },
};
