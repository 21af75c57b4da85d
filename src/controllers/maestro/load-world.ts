/**
 * Step 1 of the reconcile: everything it decides from, read from the caches in one go. No API
 * calls except the (cached) platform discovery.
 */
import { AGENT_ROLLOUT_KIND } from '../../api/agentrollout.js';
import { clusterManagerSchema, type ClusterManager } from '../../api/upstream/clustermanager.js';
import { multiClusterEngineSchema, type MultiClusterEngine } from '../../api/upstream/mce.js';
import type { KubeObject } from '../../runtime/index.js';
import type { MaestroCaches } from './caches.js';
import type { CapabilityProbe, HubCapabilities } from './capabilities.js';
import type { Plane } from './render/index.js';

/** Which MultiClusterEngine decides, if any. */
export type MceState =
  | { kind: 'NotServed' }
  | { kind: 'Absent'; message: string }
  | { kind: 'Present'; mce: MultiClusterEngine; status: unknown };

/** An owned object as cached, with the plane whose cache holds it. */
export interface OwnedObject {
  plane: Plane;
  object: KubeObject;
}

/** The Maestro singleton as cached (its spec is parsed later, so invalid specs can be reported). */
export interface MaestroObject extends KubeObject {
  spec?: unknown;
  status?: Record<string, unknown>;
}

export interface World {
  mce: MceState;
  maestroServed: boolean;
  maestro: MaestroObject | undefined;
  clusterManagerServed: boolean;
  clusterManager: ClusterManager | undefined;
  /** Our field manager owns fields of the ClusterManager's spec (we wired gRPC). */
  clusterManagerOwnedByUs: boolean;
  legacyAddon: { served: boolean; present: boolean };
  /** Placement and AgentRollout are both served: the transport rollout can run. */
  rolloutApiServed: boolean;
  hub: HubCapabilities;
  owned: OwnedObject[];
}

export type LoadResult = { ready: true; world: World } | { ready: false; waitingFor: string[] };

/**
 * The MultiClusterEngine that decides: the oldest one not being deleted (hubs have one; if there
 * are several, the choice is stable). With only terminating ones, Maestro counts as disabled.
 */
export function selectMce(objects: readonly KubeObject[]): MceState {
  const parsed = objects
    .map((o) => ({ raw: o, parsed: multiClusterEngineSchema.safeParse(o) }))
    .filter((p) => p.parsed.success)
    .map((p) => ({
      raw: p.raw as KubeObject & { status?: unknown },
      mce: p.parsed.data as MultiClusterEngine,
    }))
    .sort(
      (a, b) =>
        (a.raw.metadata.creationTimestamp ?? '').localeCompare(b.raw.metadata.creationTimestamp ?? '') ||
        a.mce.metadata.name.localeCompare(b.mce.metadata.name),
    );
  const live = parsed.find((p) => !p.mce.metadata.deletionTimestamp);
  if (live) return { kind: 'Present', mce: live.mce, status: live.raw.status };
  const deleting = parsed[0];
  return deleting
    ? { kind: 'Absent', message: `MultiClusterEngine ${deleting.mce.metadata.name} is being deleted` }
    : { kind: 'Absent', message: 'no MultiClusterEngine exists' };
}

/** True when our field manager's apply entry covers part of the ClusterManager spec. */
export function ownsSpecFields(cm: KubeObject | undefined): boolean {
  return (cm?.metadata.managedFields ?? []).some((e) => {
    const fields = (e as { fieldsV1?: Record<string, unknown> }).fieldsV1;
    const spec = fields?.['f:spec'];
    return typeof spec === 'object' && spec !== null && Object.keys(spec).length > 0;
  });
}

/** Reads the caches; not ready while an optional cache has not settled (served or not). */
export async function loadWorld(
  caches: MaestroCaches,
  probe: CapabilityProbe,
  signal?: AbortSignal,
): Promise<LoadResult> {
  const waitingFor = caches.unsettled();
  if (waitingFor.length > 0) return { ready: false, waitingFor };

  const mce: MceState = caches.mce.served() ? selectMce(caches.mce.list()) : { kind: 'NotServed' };
  const cmRaw = caches.clusterManager.list()[0];
  const cm = cmRaw ? clusterManagerSchema.safeParse(cmRaw) : undefined;
  const rolloutCaches = caches.owned.filter(
    (c) => c.kind.kind === 'Placement' || c.kind.kind === AGENT_ROLLOUT_KIND,
  );
  const owned: OwnedObject[] = caches.ownedObjects();
  return {
    ready: true,
    world: {
      mce,
      maestroServed: caches.maestro.served(),
      maestro: caches.maestro.list()[0] as MaestroObject | undefined,
      clusterManagerServed: caches.clusterManager.served(),
      clusterManager: cm?.success ? cm.data : undefined,
      clusterManagerOwnedByUs: ownsSpecFields(cmRaw),
      legacyAddon: { served: caches.legacyAddon.served(), present: caches.legacyAddon.list().length > 0 },
      rolloutApiServed: rolloutCaches.every((c) => c.informer.served()),
      hub: await probe.current(signal),
      owned,
    },
  };
}
