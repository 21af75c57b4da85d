/**
 * Prunes what the settings no longer want. Retained data stays, and so does the gRPC server's
 * configuration while agents still move off gRPC.
 */
import { conductorKeys } from '../conductor.js';
import { planeKey, pruneObjects, selectForDeletion } from '../prune.js';
import { retainedKeys } from '../retained-data.js';
import { CONTINUE, need, type Step } from './step.js';

export const pruneUnwanted: Step = {
  name: 'prune-unwanted',
  async run(state) {
    const { world, rt, ctx } = state;
    const cachePlane = (p: 'control' | 'data') => rt.caches.cachePlane(p);
    const keep = new Set<string>([
      ...need(state.objects, 'objects').map((o) => planeKey(cachePlane(o.plane), o.object)),
      ...need(state.plan, 'plan').objects.map((o) => planeKey(cachePlane(rt.planes.planeFor(o)), o)),
      ...retainedKeys(need(state.spec, 'spec'), cachePlane, world.owned),
      ...(state.draining ? conductorKeys(world.owned) : []),
    ]);
    await pruneObjects(selectForDeletion(world.owned, keep), ctx);
    return CONTINUE;
  },
};
