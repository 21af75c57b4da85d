/**
 * The klusterlet-config slot of a ManagedCluster, shared by the klusterlet-version and transport
 * drivers: both change one part of the cluster's composition (pin or transport) and write the
 * resulting selection with one merge patch of the ManagedCluster's annotations. A merge patch
 * touches only the keys it names, so the two kinds of rollout never erase each other's records,
 * and the import controller, which owns the rendering, stays the only writer of the klusterlet.
 */
import type { TargetKind } from '../../../api/agentrollout.js';
import { KLUSTERLET_CONFIG_ANNOTATION, MANAGED_CLUSTER_API_VERSION } from '../../../api/upstream/ocm.js';
import type { ClusterStart } from '../../../rollout/index.js';
import {
  ORIGINAL_CONFIG_ANNOTATION,
  readClusterState,
  stateAnnotation,
  writeClusterState,
  type ClusterRolloutState,
} from '../cluster-state.js';
import {
  currentComposition,
  DERIVED_CONFIG_LABEL,
  isPlain,
  renderDerivedConfig,
  selectionFor,
  type Composition,
} from '../derived-config.js';
import { canonicalJson } from '../revision.js';
import { startRecord, type ClusterFacts, type DriverContext } from './types.js';

/** The cluster's composition now, with the user's original config as its base. */
export function compositionNow(cluster: string, ctx: DriverContext): Composition {
  const mc = ctx.world.managedCluster(cluster);
  const selection = mc?.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION] ?? '';
  const comp = currentComposition(selection, ctx.world.klusterletConfig(selection));
  const original = mc?.metadata.annotations?.[ORIGINAL_CONFIG_ANNOTATION];
  return original === undefined ? comp : { ...comp, base: original };
}

/** This rollout's record and any other record of the same kind on the cluster. */
export function recordsOn(
  cluster: string,
  kind: TargetKind,
  ctx: DriverContext,
): { state: ClusterRolloutState | null; foreign: ClusterRolloutState | null } {
  const record = readClusterState(ctx.world.managedCluster(cluster)?.metadata.annotations, kind);
  if (!record) return { state: null, foreign: null };
  return record.rollout === ctx.rollout.key && record.revision === ctx.rollout.revision
    ? { state: record, foreign: null }
    : { state: null, foreign: record };
}

/**
 * The value a rollback restores: what was in effect before this revision first changed the
 * cluster. Kept from this revision's record once it exists.
 */
export function previousValue(facts: ClusterFacts, current: string): string {
  return facts.state ? facts.state.previous : current;
}

/**
 * Applies the derived KlusterletConfigs that `compositions` need, skipping those whose cached
 * copy already matches (a reconcile with nothing to change writes nothing).
 */
export async function ensureDerivedConfigs(
  compositions: Iterable<Composition>,
  ctx: DriverContext,
): Promise<void> {
  const seen = new Set<string>();
  for (const c of compositions) {
    if (isPlain(c)) continue;
    const name = selectionFor(c);
    if (seen.has(name)) continue;
    seen.add(name);
    const desired = renderDerivedConfig(
      c,
      c.base ? ctx.world.klusterletConfig(c.base) : undefined,
      ctx.world.klusterletConfig('global'),
      ctx.labels,
      ctx.hubImages,
    );
    const cached = ctx.world.klusterletConfig(name);
    if (cached && canonicalJson(cached.spec ?? {}) === canonicalJson(desired.spec ?? {})) continue;
    await ctx.client.apply(desired);
  }
}

export { DERIVED_CONFIG_LABEL };

/**
 * Writes a cluster's new composition and this rollout's record in one merge patch of the
 * ManagedCluster's annotations; records the user's original selection the first time.
 */
export async function writeSlot(
  start: ClusterStart,
  kind: TargetKind,
  next: Composition,
  value: string,
  previous: string,
  ctx: DriverContext,
): Promise<ClusterRolloutState> {
  const mc = ctx.world.managedCluster(start.name);
  const annotations = mc?.metadata.annotations ?? {};
  const selection = selectionFor(next);
  const work = ctx.world.klusterletWork(start.name);
  const state: ClusterRolloutState = {
    ...startRecord(ctx, start, value, previous),
    // Only a changed selection makes the import controller re-render the work: then success
    // needs a newer generation than this one.
    ...(work?.metadata.generation !== undefined &&
    selection !== (annotations[KLUSTERLET_CONFIG_ANNOTATION] ?? '')
      ? { workGeneration: work.metadata.generation }
      : {}),
  };
  const patch: Record<string, string | null> = {
    [KLUSTERLET_CONFIG_ANNOTATION]: selection === '' ? null : selection,
    [stateAnnotation(kind)]: writeClusterState(state),
  };
  if (annotations[ORIGINAL_CONFIG_ANNOTATION] === undefined) {
    patch[ORIGINAL_CONFIG_ANNOTATION] = next.base;
  }
  await ctx.client.patch(
    { apiVersion: MANAGED_CLUSTER_API_VERSION, kind: 'ManagedCluster', name: start.name },
    { metadata: { annotations: patch } },
    'merge',
  );
  return state;
}
