/**
 * The informers the Maestro controller reads instead of the API server: every kind render can
 * produce (on each plane it can land on, filtered by our labels), the transport rollout objects,
 * and the objects we react to: MultiClusterEngines, the Maestro singleton, the ClusterManager,
 * the legacy add-on's ClusterManagementAddOn and the Secrets of the operand namespace. Each cache
 * trims what it keeps.
 *
 * Kinds from CRDs that may be missing (MCE, OCM, our own, Route, ServiceMonitor) are *optional*:
 * the controller does not wait for them to sync (it would wait forever), and a reconcile treats
 * one as settled once it has synced or the API server said it does not serve the kind.
 */
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND } from '../../api/agentrollout.js';
import { MAESTRO_API_VERSION, MAESTRO_KIND, MAESTRO_SINGLETON_NAME } from '../../api/maestro.js';
import {
  CLUSTER_MANAGER_API_VERSION,
  CLUSTER_MANAGER_KIND,
  CLUSTER_MANAGER_NAME,
} from '../../api/upstream/clustermanager.js';
import { MCE_API_VERSION, MCE_KIND } from '../../api/upstream/mce.js';
import { ADDON_API_VERSION, PLACEMENT_API_VERSION } from '../../api/upstream/ocm.js';
import type { Planes } from '../../kube/index.js';
import {
  Informer,
  sharedInformer,
  trimObject,
  type KubeClient,
  type KubeObject,
  type Logger,
  type ManagedInformer,
} from '../../runtime/index.js';
import { LEGACY_ADDON_NAME } from './constants.js';
import { NamespaceSecrets } from './namespace-secrets.js';
import { keepOwnApplyEntries } from './trim.js';
import { PRUNABLE_KINDS, PRUNE_LABEL_SELECTOR, type Plane } from './render/index.js';

/** A kind of object we create and may have to delete. */
export interface OwnedKind {
  apiVersion: string;
  kind: string;
  planes: readonly Plane[];
  /** Served only where a CRD is installed. */
  optional: boolean;
}

/** Every kind we own: render's kinds, then the transport rollout's. Order is apply order. */
export const OWNED_KINDS: readonly OwnedKind[] = [
  ...PRUNABLE_KINDS.map((k) => ({
    apiVersion: k.apiVersion,
    kind: k.kind,
    planes: k.planes,
    optional: k.requires !== undefined,
  })),
  { apiVersion: PLACEMENT_API_VERSION, kind: 'Placement', planes: ['data'], optional: true },
  { apiVersion: AGENT_ROLLOUT_API_VERSION, kind: AGENT_ROLLOUT_KIND, planes: ['data'], optional: true },
];

/** True once an optional cache can be trusted: synced, or its kind is known not to be served. */
export function settled(informer: Informer): boolean {
  return informer.hasSynced() || !informer.served();
}

/** Lets the manager start and stop an optional informer without holding readiness on it. */
function optionalForManager(informer: Informer): ManagedInformer {
  return {
    apiVersion: informer.apiVersion,
    kind: informer.kind,
    start: () => informer.start(),
    stop: () => informer.stop(),
    hasSynced: () => settled(informer),
    served: () => informer.served(),
  };
}

/** One cache of owned objects. */
export interface OwnedCache {
  kind: OwnedKind;
  plane: Plane;
  informer: Informer;
}

/** All the controller's caches. */
export class MaestroCaches {
  readonly mce: Informer;
  readonly maestro: Informer;
  readonly clusterManager: Informer;
  readonly legacyAddon: Informer;
  readonly owned: OwnedCache[] = [];
  readonly secrets: NamespaceSecrets;

  constructor(
    readonly planes: Planes,
    log: Logger,
    onSecretChange: () => void,
  ) {
    const data = planes.data;
    const make = (client: KubeClient, o: Omit<ConstructorParameters<typeof Informer>[0], 'client'>) =>
      new Informer({ client, logger: log, ...o });
    // Shared with the rollout controllers, which read the hub version from it.
    this.mce = sharedInformer({
      client: data,
      logger: log,
      apiVersion: MCE_API_VERSION,
      kind: MCE_KIND,
      transform: trimObject,
    });
    this.maestro = make(data, {
      apiVersion: MAESTRO_API_VERSION,
      kind: MAESTRO_KIND,
      fieldSelector: `metadata.name=${MAESTRO_SINGLETON_NAME}`,
      transform: trimObject,
    });
    this.clusterManager = make(data, {
      apiVersion: CLUSTER_MANAGER_API_VERSION,
      kind: CLUSTER_MANAGER_KIND,
      fieldSelector: `metadata.name=${CLUSTER_MANAGER_NAME}`,
      transform: keepOwnApplyEntries,
    });
    this.legacyAddon = make(data, {
      apiVersion: ADDON_API_VERSION,
      kind: 'ClusterManagementAddOn',
      fieldSelector: `metadata.name=${LEGACY_ADDON_NAME}`,
      // Only whether it exists is read.
      metadataOnly: true,
    });
    for (const kind of OWNED_KINDS) {
      // Secrets are read only in the operand namespace (RBAC grants no more): see `secrets`.
      if (kind.kind === 'Secret') continue;
      for (const plane of this.cachePlanes(kind)) {
        const informer = make(plane === 'data' ? planes.data : planes.control, {
          apiVersion: kind.apiVersion,
          kind: kind.kind,
          labelSelector: PRUNE_LABEL_SELECTOR,
          transform: trimObject,
        });
        this.owned.push({ kind, plane, informer });
      }
    }
    this.secrets = new NamespaceSecrets(planes.control, log, onSecretChange);
  }

  /** The plane whose cache holds objects of `plane` (one API server: one cache for both). */
  cachePlane(plane: Plane): Plane {
    return this.planes.same ? 'control' : plane;
  }

  /** The cached copy of an owned object (Secrets: from the operand namespace's cache). */
  cachedOwned(plane: Plane, obj: KubeObject): KubeObject | undefined {
    const { namespace, name = '' } = obj.metadata;
    if (obj.apiVersion === 'v1' && obj.kind === 'Secret') return this.secrets.cached(namespace ?? '', name);
    return this.ownedCache(obj.apiVersion, obj.kind, plane)?.get(namespace, name);
  }

  /**
   * The informer that caches `obj` on `plane` (owned kinds, Secrets of their namespace, and the
   * singletons we write: Maestro status, MCE status, ClusterManager). Our writes are recorded
   * there (`Informer.recordWrite`), so reads show them before the watch does.
   */
  cacheOf(plane: Plane, obj: KubeObject): Informer | undefined {
    if (obj.apiVersion === 'v1' && obj.kind === 'Secret')
      return this.secrets.informerOf(obj.metadata.namespace ?? '');
    for (const singleton of [this.maestro, this.mce, this.clusterManager]) {
      if (obj.apiVersion === singleton.apiVersion && obj.kind === singleton.kind) return singleton;
    }
    return this.ownedCache(obj.apiVersion, obj.kind, plane);
  }

  /** Records what a write returned, so the next reconcile reads it (see `cacheOf`). */
  recordWrite(plane: Plane, written: KubeObject): void {
    this.cacheOf(plane, written)?.recordWrite(written);
  }

  /** Records that we deleted `obj` (see `cacheOf`). */
  recordDelete(plane: Plane, obj: KubeObject): void {
    this.cacheOf(plane, obj)?.recordDelete(obj.metadata.namespace, obj.metadata.name ?? '', obj.metadata.uid);
  }

  /** Every cached object with our labels, with the plane of its cache. */
  ownedObjects(): { plane: Plane; object: KubeObject }[] {
    return [
      ...this.owned.flatMap((c) => c.informer.list().map((object) => ({ plane: c.plane, object }))),
      ...this.secrets.owned().map((object) => ({ plane: this.cachePlane('control'), object })),
    ];
  }

  /** The cache of owned objects of a kind on a plane. */
  ownedCache(apiVersion: string, kind: string, plane: Plane): Informer | undefined {
    const p = this.cachePlane(plane);
    return this.owned.find((c) => c.kind.apiVersion === apiVersion && c.kind.kind === kind && c.plane === p)
      ?.informer;
  }

  /** Informers that are always served: the controller waits for them before its first reconcile. */
  required(): Informer[] {
    return this.owned.filter((c) => !c.kind.optional).map((c) => c.informer);
  }

  /** Informers of kinds that may not be served. */
  optional(): Informer[] {
    return [
      this.mce,
      this.maestro,
      this.clusterManager,
      this.legacyAddon,
      ...this.owned.filter((c) => c.kind.optional).map((c) => c.informer),
    ];
  }

  /** What the manager starts and stops (and reports in readiness). */
  forManager(): ManagedInformer[] {
    return [...this.required(), ...this.optional().map(optionalForManager), this.secrets];
  }

  /** Optional caches that have not settled yet, by kind; empty when every cache can be trusted. */
  unsettled(): string[] {
    return this.optional()
      .filter((i) => !settled(i))
      .map((i) => `${i.kind}.${i.apiVersion}`);
  }

  private cachePlanes(kind: OwnedKind): Plane[] {
    return [...new Set(kind.planes.map((p) => this.cachePlane(p)))];
  }
}
