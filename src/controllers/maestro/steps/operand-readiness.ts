/** The enabled outcome: what was rendered, how far the operands are, where the fleet is. */
import { cachedObject, runtimeObject } from '../apply-objects.js';
import { operandReadiness as readiness } from '../availability.js';
import { CONTINUE, need, type Step } from './step.js';

export const operandReadiness: Step = {
  name: 'operand-readiness',
  run(state) {
    const { rt, report } = state;
    const plan = need(state.plan, 'plan');
    report.outcome = {
      kind: 'Enabled',
      rendered: need(state.rendered, 'rendered').status,
      operands: readiness(
        need(state.objects, 'objects'),
        (o) => cachedObject(rt.caches, o.plane, runtimeObject(o.object)),
        need(state.applied, 'applied'),
      ),
      clusterManagerWired: need(state.clusterManagerWired, 'clusterManagerWired'),
      drain: plan.drain,
      ...(plan.note ? { note: plan.note } : {}),
    };
    return CONTINUE;
  },
};
