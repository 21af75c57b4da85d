/**
 * What should exist: render, and plan the fleet's transport (which decides whether gRPC may go
 * yet). While agents still move off gRPC, the database keeps admitting the gRPC server. Each
 * object's plane comes from the plane table, as for every write.
 */
import { placeObjects } from '../apply-objects.js';
import { conductorConfigured, withConductorDatabaseAccess } from '../conductor.js';
import { mceSettingsFrom, renderMaestro } from '../render/index.js';
import { planTransportRollout } from '../transport-rollout.js';
import { CONTINUE, need, type Step } from './step.js';

export const desiredState: Step = {
  name: 'desired-state',
  run(state) {
    const { world, rt } = state;
    const mce = need(state.mce, 'mce');
    const spec = need(state.spec, 'spec');
    const rendered = renderMaestro({
      mce: mceSettingsFrom(mce),
      spec,
      images: rt.images,
      generated: need(state.generated, 'generated'),
      external: need(state.external, 'external'),
      capabilities: world.hub.capabilities,
      clusterIngressDomain: world.hub.ingressDomain,
      clusterManager: world.clusterManager,
      sameApiServerAsMce: rt.planes.same,
      operatorNamespace: rt.operatorNamespace,
    });
    const plan = planTransportRollout({
      mce: { name: mce.metadata.name, uid: mce.metadata.uid ?? '' },
      enabled: true,
      spec,
      conductorConfigured: conductorConfigured(world),
      apiServed: world.rolloutApiServed,
      rollouts: world.owned.filter((o) => o.object.kind === 'AgentRollout').map((o) => o.object),
    });
    const draining = plan.drain.kind === 'Waiting';
    state.rendered = rendered;
    state.plan = plan;
    state.draining = draining;
    state.objects = placeObjects(
      draining ? withConductorDatabaseAccess(rendered.objects) : rendered.objects,
      rt.planes,
    );
    return CONTINUE;
  },
};
