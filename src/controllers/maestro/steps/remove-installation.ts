/**
 * Disabled, and no agent uses gRPC: delete everything we created but the retained data (with
 * retainDataOnDisable off, the database volume claims and the namespace go too) and the rollout,
 * which records that agents are on kube.
 */
import { describeObject } from '../outcome.js';
import { planeKey, pruneObjects, selectForDeletion } from '../prune.js';
import { deleteDatabaseClaims } from '../retained-data.js';
import { CONTINUE, need, type Step } from './step.js';

export const removeInstallation: Step = {
  name: 'remove-installation',
  async run(state) {
    const { world, rt, ctx } = state;
    const spec = need(state.spec, 'spec');
    const keep = new Set([
      ...need(state.keepRetained, 'keepRetained'),
      ...need(state.rolloutKeys, 'rolloutKeys'),
    ]);
    const doomed = selectForDeletion(world.owned, keep);
    const namespaceLive = world.owned.some(
      (o) =>
        o.object.kind === 'Namespace' &&
        o.object.metadata.name === spec.namespace &&
        !o.object.metadata.deletionTimestamp,
    );
    await pruneObjects(doomed, ctx, async () => {
      if (spec.retainDataOnDisable || spec.database.type !== 'Embedded' || !namespaceLive) return;
      await deleteDatabaseClaims(spec.namespace, 1, ctx);
    });
    if (!spec.retainDataOnDisable) rt.memo.forget(spec.namespace);

    // Objects already terminating (a namespace waiting for its contents) are still there.
    const remaining = world.owned
      .filter((o) => !keep.has(planeKey(o.plane, o.object)) && o.object.metadata.deletionTimestamp)
      .map((o) => describeObject(o.object));
    state.report.outcome = { ...need(state.disabled, 'disabled'), remaining };
    return CONTINUE;
  },
};
