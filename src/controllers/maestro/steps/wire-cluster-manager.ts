/** The ClusterManager: wire gRPC, or release our fields once no agent uses gRPC. */
import { releaseClusterManager, wireClusterManager } from '../cluster-manager.js';
import { CONTINUE, need, type Step } from './step.js';

export const wireClusterManagerStep: Step = {
  name: 'wire-cluster-manager',
  async run(state) {
    const { world, ctx } = state;
    const rendered = need(state.rendered, 'rendered');
    state.clusterManagerWired = false;
    if (rendered.clusterManager) {
      await wireClusterManager(
        rendered.clusterManager,
        world.clusterManager,
        world.clusterManagerOwnedByUs,
        ctx,
      );
      state.clusterManagerWired = true;
    } else if (need(state.plan, 'plan').drain.kind !== 'Waiting') {
      await releaseClusterManager(world.clusterManager, world.clusterManagerOwnedByUs, ctx);
    }
    return CONTINUE;
  },
};
