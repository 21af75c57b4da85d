/**
 * Disabled (the MCE turns Maestro off, or no MultiClusterEngine is left): agents back to kube
 * first, since the gRPC server must outlive every agent that uses it. While some still use gRPC,
 * nothing is removed yet.
 */
import { MAESTRO_ENABLED_ANNOTATION } from '../../../api/upstream/mce.js';
import { applyTransportRollout } from '../apply-rollout.js';
import { conductorConfigured } from '../conductor.js';
import type { OwnedObject } from '../load-world.js';
import { describeObject } from '../outcome.js';
import { planeKey } from '../prune.js';
import { retainedKeys } from '../retained-data.js';
import { planTransportRollout } from '../transport-rollout.js';
import { CONTINUE, need, stop, type Step, type StepState } from './step.js';

/** Why Maestro is off, for the Available condition. */
function disabledBecause({ world, mce, toggle }: StepState): {
  reason: 'ComponentDisabled' | 'MultiClusterEngineNotFound';
  message: string;
} {
  if (!mce) {
    return {
      reason: 'MultiClusterEngineNotFound',
      message: world.mce.kind === 'Absent' ? world.mce.message : 'no MultiClusterEngine exists',
    };
  }
  const decidedBy = need(toggle, 'toggle').decidedBy;
  return {
    reason: 'ComponentDisabled',
    message:
      decidedBy === 'absent'
        ? `MultiClusterEngine ${mce.metadata.name} does not enable the maestro component (spec.overrides.components)`
        : decidedBy === 'annotation'
          ? `MultiClusterEngine ${mce.metadata.name} disables Maestro (annotation ${MAESTRO_ENABLED_ANNOTATION})`
          : `MultiClusterEngine ${mce.metadata.name} disables the ${decidedBy} component`,
  };
}

export const drainToKube: Step = {
  name: 'drain-to-kube',
  async run(state) {
    const { world, rt, ctx, mce } = state;
    const spec = need(state.spec, 'spec');
    const because = disabledBecause(state);
    const keepRetained = retainedKeys(spec, (p) => rt.caches.cachePlane(p), world.owned);
    const isRetained = (o: OwnedObject) => keepRetained.has(planeKey(o.plane, o.object));
    const retained = world.owned.filter(isRetained).map((o) => describeObject(o.object));
    if (spec.retainDataOnDisable && spec.database.type === 'Embedded')
      retained.push('the database volume claims');

    const mceRef = mce ? { name: mce.metadata.name, uid: mce.metadata.uid ?? '' } : undefined;
    const plan = planTransportRollout({
      mce: mceRef,
      enabled: false,
      spec,
      conductorConfigured: conductorConfigured(world),
      apiServed: world.rolloutApiServed,
      rollouts: world.owned.filter((o) => o.object.kind === 'AgentRollout').map((o) => o.object),
    });
    if ((await applyTransportRollout(plan, mceRef, ctx)) > 0) rt.drainWrittenAt = rt.clock.now();
    const rolloutKeys = plan.objects.map((o) => planeKey(rt.caches.cachePlane(rt.planes.planeFor(o)), o));
    const outcome = {
      kind: 'Disabled' as const,
      ...because,
      retained,
      drain: plan.drain,
      ...(plan.note ? { note: plan.note } : {}),
    };
    if (plan.drain.kind === 'Waiting') {
      const remaining = world.owned
        .filter((o) => !isRetained(o) && !rolloutKeys.includes(planeKey(o.plane, o.object)))
        .map((o) => describeObject(o.object));
      state.report.outcome = { ...outcome, remaining };
      return stop('agents still use gRPC');
    }
    state.keepRetained = keepRetained;
    state.rolloutKeys = rolloutKeys;
    state.disabled = outcome;
    return CONTINUE;
  },
};
