/**
 * Our fields of ClusterManager `cluster-manager`: in grpc mode, the registration driver, the gRPC
 * endpoint and the conductor image (render's `clusterManager` body), applied with our field manager
 * so that releasing them later (`clusterManagerRelease`, an apply without them) removes exactly
 * what we set and nothing MCE set.
 */
import {
  CLUSTER_MANAGER_KIND,
  CLUSTER_MANAGER_NAME,
  registrationAuthTypes,
  type ClusterManager,
} from '../../api/upstream/clustermanager.js';
import { ObjectWriteError, type WriteContext } from './apply-objects.js';
import { isSubset } from './object-diff.js';
import { clusterManagerRelease, type ClusterManagerApply } from './render/index.js';

const CM_REF = `${CLUSTER_MANAGER_KIND}/${CLUSTER_MANAGER_NAME}`;

/**
 * True when the cached ClusterManager already has our apply body and we own those fields.
 * `registrationDrivers` is a list-map (others may add entries), so each of our drivers must be
 * present; `endpointsExposure` is atomic, so it must match as a whole.
 */
export function clusterManagerSatisfied(
  body: ClusterManagerApply,
  cm: ClusterManager | undefined,
  ownedByUs: boolean,
): boolean {
  if (!cm || !ownedByUs) return false;
  const have = new Set(registrationAuthTypes(cm));
  const drivers = body.spec?.registrationConfiguration?.registrationDrivers ?? [];
  if (!drivers.every((d) => have.has(d.authType))) return false;
  const want = body.spec?.serverConfiguration;
  const got = cm.spec?.serverConfiguration;
  if (want?.imagePullSpec !== undefined && want.imagePullSpec !== got?.imagePullSpec) return false;
  return want?.endpointsExposure === undefined || isSubset(want.endpointsExposure, got?.endpointsExposure);
}

async function applyBody(body: ClusterManagerApply, ctx: WriteContext) {
  try {
    const written = await ctx.planes.clientFor(body).apply(body, { signal: ctx.signal });
    ctx.caches.clusterManager.recordWrite(written);
    ctx.writes.count++;
    return true;
  } catch (err) {
    throw new ObjectWriteError('apply', CM_REF, err);
  }
}

/** Applies our grpc fields unless the cache shows them already. Returns whether it wrote. */
export async function wireClusterManager(
  body: ClusterManagerApply,
  cm: ClusterManager | undefined,
  ownedByUs: boolean,
  ctx: WriteContext,
): Promise<boolean> {
  if (clusterManagerSatisfied(body, cm, ownedByUs)) return false;
  const wrote = await applyBody(body, ctx);
  if (wrote) ctx.log.info({ clusterManager: CLUSTER_MANAGER_NAME }, 'wired ClusterManager for grpc');
  return wrote;
}

/** Releases our fields (an apply without them) when we own any. Returns whether it wrote. */
export async function releaseClusterManager(
  cm: ClusterManager | undefined,
  ownedByUs: boolean,
  ctx: WriteContext,
): Promise<boolean> {
  if (!cm || !ownedByUs) return false;
  const wrote = await applyBody(clusterManagerRelease(cm), ctx);
  if (wrote) ctx.log.info({ clusterManager: CLUSTER_MANAGER_NAME }, 'released ClusterManager grpc fields');
  return wrote;
}
