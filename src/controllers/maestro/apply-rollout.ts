/**
 * Writes the transport rollout's objects (see `transport-rollout.ts` for what and why): the
 * default Placement's namespace and cluster-set binding first when the Placement is new, then the
 * Placement and the AgentRollout.
 */
import { applyOwned, cachedObject, type WriteContext } from './apply-objects.js';
import { GLOBAL_SET_NAMESPACE } from './constants.js';
import { ensureGlobalSet } from './global-set.js';
import type { MceRef } from './render/index.js';
import type { RolloutPlan } from './transport-rollout.js';

/** Applies the plan's objects; returns how many it wrote. */
export async function applyTransportRollout(
  plan: RolloutPlan,
  mce: MceRef | undefined,
  ctx: WriteContext,
): Promise<number> {
  let written = 0;
  for (const obj of plan.objects) {
    const plane = ctx.planes.planeFor(obj);
    const isNewPlacement = obj.kind === 'Placement' && !cachedObject(ctx.caches, plane, obj);
    if (isNewPlacement && mce && plan.location.namespace === GLOBAL_SET_NAMESPACE)
      await ensureGlobalSet(mce, ctx);
    if (await applyOwned(obj, plane, ctx)) written++;
  }
  return written;
}
