/**
 * What every simulated controller shares: the client, the write pool, one informer per kind
 * (all namespaces, trimmed by a transform so 10,000 clusters stay small), the agent policy and
 * the audit. One informer per kind serves every controller: no controller lists on its own.
 */
import { isAlreadyExists } from '../../../src/runtime/client/errors.js';
import { refOf } from '../../../src/runtime/client/paths.js';
import type { KubeClient } from '../../../src/runtime/client/kube-client.js';
import type { KubeObject, ObjectRef } from '../../../src/runtime/client/types.js';
import { Controller } from '../../../src/runtime/controller.js';
import { Informer } from '../../../src/runtime/informer.js';
import type { Logger } from '../../../src/runtime/logger.js';
import type { Reconciler } from '../../../src/runtime/reconcile.js';
import type { AgentPolicy } from './agents.js';
import type { Audit } from './audit.js';
import type { WritePool, WrittenCache } from './pool.js';
import type { SpokeFleet } from './spoke.js';
import {
  trimMeta,
  type SimAddOn,
  type SimBinding,
  type SimCluster,
  type SimClusterManagementAddOn,
  type SimClusterSet,
  type SimConfig,
  type SimDecision,
  type SimDeployment,
  type SimKlusterletConfig,
  type SimPlacement,
  type SimWork,
} from './types.js';

export const CLUSTERSET_LABEL = 'cluster.open-cluster-management.io/clusterset';
export const KLUSTERLET_CONFIG_ANNOTATION = 'agent.open-cluster-management.io/klusterlet-config';
export const IMPORT_CONTROLLER_NAME = 'managedcluster-import-controller-v2';
export const ADDON_GROUP = 'addon.open-cluster-management.io';

/** Config kinds the simulated addon-manager can hash, by plural resource. */
export const CONFIG_KINDS: Record<string, { apiVersion: string; kind: string }> = {
  addondeploymentconfigs: { apiVersion: `${ADDON_GROUP}/v1alpha1`, kind: 'AddOnDeploymentConfig' },
  addontemplates: { apiVersion: `${ADDON_GROUP}/v1alpha1`, kind: 'AddOnTemplate' },
};

export interface FleetInformers {
  clusters: Informer<SimCluster>;
  clusterSets: Informer<SimClusterSet>;
  bindings: Informer<SimBinding>;
  placements: Informer<SimPlacement>;
  decisions: Informer<SimDecision>;
  klusterletConfigs: Informer<SimKlusterletConfig>;
  importDeployment: Informer<SimDeployment>;
  works: Informer<SimWork>;
  addOns: Informer<SimAddOn>;
  clusterManagementAddOns: Informer<SimClusterManagementAddOn>;
  /** By plural resource (see CONFIG_KINDS). */
  configs: Map<string, Informer<SimConfig>>;
}

export interface FleetContext {
  client: KubeClient;
  pool: WritePool;
  written: WrittenCache;
  informers: FleetInformers;
  policy: AgentPolicy;
  spokes: SpokeFleet;
  audit: Audit;
  log: Logger;
  hubNamespace: string;
}

/** `group/resource/namespace/name` of a config reference. */
export function configKey(ref: {
  group?: string;
  resource: string;
  namespace?: string;
  name: string;
}): string {
  return `${ref.group ?? ''}/${ref.resource}/${ref.namespace ?? ''}/${ref.name}`;
}

const keep =
  <T extends KubeObject>(fields: string[]) =>
  (obj: T): T => {
    const out: Record<string, unknown> = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      metadata: trimMeta(obj.metadata),
    };
    for (const f of fields) {
      const v = (obj as unknown as Record<string, unknown>)[f];
      if (v !== undefined) out[f] = v;
    }
    return out as unknown as T;
  };

function trimCluster(mc: SimCluster): SimCluster {
  return {
    apiVersion: mc.apiVersion,
    kind: mc.kind,
    metadata: trimMeta(mc.metadata),
    spec: { hubAcceptsClient: mc.spec?.hubAcceptsClient, taints: mc.spec?.taints },
    status: { conditions: mc.status?.conditions, clusterClaims: mc.status?.clusterClaims },
  };
}

/** Builds (but does not start) the informers; `start` them, then `waitForSync`. */
export function createInformers(client: KubeClient, hubNamespace: string, log: Logger): FleetInformers {
  const make = <T extends KubeObject>(apiVersion: string, kind: string, transform: (o: T) => T, extra = {}) =>
    new Informer<T>({ client, apiVersion, kind, transform, logger: log, pageSize: 1000, ...extra });
  const informers: FleetInformers = {
    clusters: make<SimCluster>('cluster.open-cluster-management.io/v1', 'ManagedCluster', trimCluster),
    clusterSets: make<SimClusterSet>(
      'cluster.open-cluster-management.io/v1beta2',
      'ManagedClusterSet',
      keep(['spec']),
    ),
    bindings: make<SimBinding>(
      'cluster.open-cluster-management.io/v1beta2',
      'ManagedClusterSetBinding',
      keep(['spec', 'status']),
    ),
    placements: make<SimPlacement>(
      'cluster.open-cluster-management.io/v1beta1',
      'Placement',
      keep(['spec', 'status']),
    ),
    decisions: make<SimDecision>(
      'cluster.open-cluster-management.io/v1beta1',
      'PlacementDecision',
      keep(['status']),
    ),
    klusterletConfigs: make<SimKlusterletConfig>(
      'config.open-cluster-management.io/v1alpha1',
      'KlusterletConfig',
      keep(['spec']),
    ),
    importDeployment: make<SimDeployment>('apps/v1', 'Deployment', keep(['spec']), {
      namespace: hubNamespace,
      fieldSelector: `metadata.name=${IMPORT_CONTROLLER_NAME}`,
    }),
    works: make<SimWork>('work.open-cluster-management.io/v1', 'ManifestWork', keep(['spec', 'status'])),
    addOns: make<SimAddOn>(`${ADDON_GROUP}/v1alpha1`, 'ManagedClusterAddOn', keep(['spec', 'status'])),
    clusterManagementAddOns: make<SimClusterManagementAddOn>(
      `${ADDON_GROUP}/v1alpha1`,
      'ClusterManagementAddOn',
      keep(['spec']),
    ),
    configs: new Map(
      Object.entries(CONFIG_KINDS).map(([resource, k]) => [
        resource,
        make<SimConfig>(k.apiVersion, k.kind, (o) => ({ ...o, metadata: trimMeta(o.metadata) })),
      ]),
    ),
  };
  informers.clusters.addIndex('clusterset', (mc) => {
    const set = mc.metadata.labels?.[CLUSTERSET_LABEL];
    return set ? [set] : [];
  });
  informers.clusters.addIndex('klusterlet-config', (mc) => {
    const name = mc.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION];
    return name ? [name] : [];
  });
  informers.decisions.addIndex('placement', (pd) => {
    const p = pd.metadata.labels?.['cluster.open-cluster-management.io/placement'];
    return p ? [`${pd.metadata.namespace ?? ''}/${p}`] : [];
  });
  informers.addOns.addIndex('name', (mca) => [mca.metadata.name ?? '']);
  informers.addOns.addIndex('config', (mca) => [
    ...(mca.spec?.configs ?? []).map(configKey),
    ...(mca.status?.configReferences ?? []).flatMap((r) =>
      r.desiredConfig
        ? [configKey({ ...r, namespace: r.desiredConfig.namespace, name: r.desiredConfig.name })]
        : [],
    ),
  ]);
  return informers;
}

/** Every informer, for start/stop/sync. */
export function allInformers(i: FleetInformers): Informer<KubeObject>[] {
  const list: Informer<KubeObject>[] = [
    i.clusters,
    i.clusterSets,
    i.bindings,
    i.placements,
    i.decisions,
    i.klusterletConfigs,
    i.importDeployment,
    i.works,
    i.addOns,
    i.clusterManagementAddOns,
  ] as unknown as Informer<KubeObject>[];
  return [...list, ...(i.configs.values() as Iterable<Informer<KubeObject>>)];
}

/** A simulated controller: informer events in, `reconcile` per key, errors retried with backoff. */
export function simController(
  ctx: FleetContext,
  name: string,
  workers: number,
  reconcile: Reconciler,
): Controller {
  return new Controller({ name: `fleet-${name}`, workers, reconcile, logger: ctx.log, backoffMaxMs: 10_000 });
}

/** The field manager of a write counted as `component:what` is the component (`work-agent`, …). */
const manager = (what: string): string => what.split(':')[0] ?? what;

/** A JSON merge patch through the write pool; `subresource: 'status'` for status. */
export function mergePatch<T extends KubeObject>(
  ctx: FleetContext,
  what: string,
  ref: ObjectRef,
  body: Record<string, unknown>,
  subresource?: 'status',
): Promise<T> {
  return ctx.pool.run(what, () =>
    ctx.client.patch<T>(ref, body, 'merge', {
      fieldManager: manager(what),
      ...(subresource ? { subresource } : {}),
    }),
  );
}

/** Creates an object through the write pool; an object that already exists is read back instead. */
export async function createOrGet<T extends KubeObject>(ctx: FleetContext, what: string, obj: T): Promise<T> {
  try {
    return await ctx.pool.run(what, () => ctx.client.create(obj, { fieldManager: manager(what) }));
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const existing = await ctx.client.get<T>(refOf(obj));
    if (!existing) throw err;
    return existing;
  }
}

/** The key the informers use for a namespaced object. */
export const nsKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/** A merge patch sent only when the object doesn't already hold what it writes. */
export interface ChangePatch {
  /** What is counted and who the field manager is (`component:what`). */
  what: string;
  ref: ObjectRef;
  body: Record<string, unknown>;
  subresource?: 'status';
  /** Names the written part for the written cache, e.g. `work-status/<namespace>/<name>`. */
  key: string;
  /** The cached object: its resourceVersion tells whether the cache has seen our last write. */
  cached: KubeObject | undefined;
  /** Fingerprint of what the patch writes, and (lazily) of what the cached object holds. */
  desired: string;
  actual: () => string;
}

/** Sends the patch unless the object already holds it (or our last write did); true when sent. */
export async function patchIfChanged(ctx: FleetContext, p: ChangePatch): Promise<boolean> {
  if (ctx.written.upToDate(p.key, p.cached?.metadata.resourceVersion, p.desired, p.actual)) return false;
  const out = await mergePatch(ctx, p.what, p.ref, p.body, p.subresource);
  ctx.written.note(p.key, out.metadata.resourceVersion, p.desired);
  return true;
}
