/**
 * The operands (namespace, database, broker, API TLS, network policies, server, monitoring, the
 * conductor's hub configuration), applied in render order: namespace first, workloads after what
 * they mount. One step, not one per component: the network policies sit between components in
 * that order, and splitting by component would move them.
 */
import { applyObjects } from '../apply-objects.js';
import { CONTINUE, need, type Step } from './step.js';

export const applyOperands: Step = {
  name: 'apply-operands',
  async run(state) {
    state.applied = await applyObjects(need(state.objects, 'objects'), state.ctx);
    return CONTINUE;
  },
};
