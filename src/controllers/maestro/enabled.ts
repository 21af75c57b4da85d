/**
 * The enabled branch of the reconcile: validate against the hub, reuse or generate material,
 * render, apply, wire the ClusterManager, move the fleet, prune what the settings no longer want.
 */
import type { MaestroSpec } from '../../api/maestro.js';
import type { MultiClusterEngine } from '../../api/upstream/mce.js';
import type { ReconcileResult } from '../../runtime/index.js';
import { applyObjects, cachedObject, runtimeObject, type WriteContext } from './apply-objects.js';
import { applyTransportRollout } from './apply-rollout.js';
import { operandReadiness } from './availability.js';
import { releaseClusterManager, wireClusterManager } from './cluster-manager.js';
import { conductorConfigured, conductorKeys, withConductorDatabaseAccess } from './conductor.js';
import { CACHE_WAIT_MS, RESYNC_MS } from './constants.js';
import { externalSecrets, generatedMaterial } from './generated-material.js';
import { legacyAddonNamespaceConflict } from './legacy-addon.js';
import type { World } from './load-world.js';
import type { MaestroRuntime } from './maestro-runtime.js';
import type { Report } from './outcome.js';
import { planeKey, pruneObjects, selectForDeletion } from './prune.js';
import { mceSettingsFrom, names, renderMaestro, validateMaestroSettings } from './render/index.js';
import { retainedKeys } from './retained-data.js';
import { planTransportRollout } from './transport-rollout.js';

/** Converges an enabled Maestro; fills `report.outcome`. */
export async function convergeEnabled(
  world: World,
  mce: MultiClusterEngine,
  spec: MaestroSpec,
  rt: MaestroRuntime,
  ctx: WriteContext,
  report: Report,
): Promise<ReconcileResult> {
  // a. The operand namespace's Secrets (external ones, generated ones) must be cached first.
  const secrets = rt.caches.secrets.in(spec.namespace);
  if (!secrets) return { requeueAfter: CACHE_WAIT_MS };

  // b. Validate against the hub: Secrets the spec names, images, ClusterManager, the legacy add-on.
  const external = externalSecrets(spec, secrets);
  const { capabilities, ingressDomain } = world.hub;
  const errors = validateMaestroSettings({
    spec,
    images: rt.images,
    external,
    capabilities,
    clusterIngressDomain: ingressDomain,
    clusterManager: world.clusterManager,
  });
  const conflict = legacyAddonNamespaceConflict(spec, secrets.get(spec.namespace, names.dbSecret));
  if (conflict) errors.push(conflict);
  if (errors.length > 0) {
    report.outcome = { kind: 'InvalidSpec', enabled: true, errors };
    return {};
  }

  // c. Generated material: reuse what exists, generate only what is missing.
  const material = await generatedMaterial(spec, secrets, rt.memo, world.hub, new Date(rt.clock.now()));
  if (!material.ok) {
    report.outcome = { kind: 'Blocked', enabled: true, message: material.message };
    return {};
  }

  // d. Render, and plan the fleet's transport (which decides whether gRPC may go yet).
  const rendered = renderMaestro({
    mce: mceSettingsFrom(mce),
    spec,
    images: rt.images,
    generated: material.generated,
    external,
    capabilities,
    clusterIngressDomain: ingressDomain,
    clusterManager: world.clusterManager,
    sameApiServerAsMce: rt.planes.same,
  });
  const mceRef = { name: mce.metadata.name, uid: mce.metadata.uid ?? '' };
  const plan = planTransportRollout({
    mce: mceRef,
    enabled: true,
    spec,
    conductorConfigured: conductorConfigured(world, rt.caches, rt.expectations),
    apiServed: world.rolloutApiServed,
    rollouts: world.owned.filter((o) => o.object.kind === 'AgentRollout').map((o) => o.object),
  });
  const draining = plan.drain.kind === 'Waiting';
  const objects = draining ? withConductorDatabaseAccess(rendered.objects) : rendered.objects;

  // e. Apply, in render order.
  const applied = await applyObjects(objects, ctx);

  // f. ClusterManager: wire gRPC, or release our fields once no agent uses gRPC.
  let clusterManagerWired = false;
  if (rendered.clusterManager) {
    await wireClusterManager(
      rendered.clusterManager,
      world.clusterManager,
      world.clusterManagerOwnedByUs,
      ctx,
    );
    clusterManagerWired = true;
  } else if (plan.drain.kind !== 'Waiting') {
    await releaseClusterManager(world.clusterManager, world.clusterManagerOwnedByUs, ctx);
  }

  // g. Tell the fleet which transport to use.
  await applyTransportRollout(plan, mceRef, ctx);

  // h. Prune what the settings no longer want; the gRPC server configuration stays while agents move.
  const keep = new Set<string>([
    ...objects.map((o) => planeKey(rt.caches.cachePlane(o.plane), o.object)),
    ...plan.objects.map((o) => planeKey(rt.caches.cachePlane('data'), o)),
    ...retainedKeys(spec, (p) => rt.caches.cachePlane(p), world.owned),
    ...(draining ? conductorKeys(world.owned) : []),
  ]);
  await pruneObjects(selectForDeletion(world.owned, keep), ctx);

  report.outcome = {
    kind: 'Enabled',
    rendered: rendered.status,
    operands: operandReadiness(
      objects,
      (o) => cachedObject(rt.caches, o.plane, runtimeObject(o.object)),
      applied,
    ),
    clusterManagerWired,
    drain: plan.drain,
    ...(plan.note ? { note: plan.note } : {}),
  };
  return { requeueAfter: RESYNC_MS };
}
