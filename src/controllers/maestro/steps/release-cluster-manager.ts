/** Disabled, and no agent uses gRPC: release our ClusterManager fields. */
import { releaseClusterManager } from '../cluster-manager.js';
import { CONTINUE, type Step } from './step.js';

export const releaseClusterManagerStep: Step = {
  name: 'release-cluster-manager',
  async run({ world, ctx }) {
    await releaseClusterManager(world.clusterManager, world.clusterManagerOwnedByUs, ctx);
    return CONTINUE;
  },
};
