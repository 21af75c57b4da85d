/**
 * The rollout controllers' view of the data plane: one informer per kind they read, with trimming
 * transforms (`cache-trims.ts`: only the fields read are kept, so 200,000 ManagedClusters stay small),
 * indexes for the lookups a reconcile makes, and a short-lived overlay of our own writes so a
 * reconcile that runs before the watch has delivered them never starts a cluster twice.
 */
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND } from '../../api/agentrollout.js';
import {
  AGENT_ROLLOUT_MEMBERSHIP_API_VERSION,
  AGENT_ROLLOUT_MEMBERSHIP_KIND,
} from '../../api/agentrollout-membership.js';
import { MCE_API_VERSION, MCE_KIND } from '../../api/upstream/mce.js';
import {
  ADDON_API_VERSION,
  KLUSTERLET_CONFIG_API_VERSION,
  MANAGED_CLUSTER_API_VERSION,
  MANIFEST_WORK_API_VERSION,
  PLACEMENT_API_VERSION,
  PLACEMENT_LABEL,
  type ClusterManagementAddOn,
  type KlusterletConfig,
  type ManagedCluster,
  type ManagedClusterAddOn,
  type ManifestWork,
  type Placement,
  type PlacementDecision,
} from '../../api/upstream/ocm.js';
import {
  compareResourceVersions,
  Informer,
  keyOf,
  sharedInformer,
  trimObject,
  objectKey,
  type KubeClient,
  type KubeObject,
  type Logger,
} from '../../runtime/index.js';
import { trims } from './cache-trims.js';
import { readClusterState } from './cluster-state.js';
import type { RolloutWorld } from './drivers/types.js';
import { OBSERVER_WORK_NAME } from './drivers/observer-work.js';
import { AGENT_WORK_NAME } from './drivers/maestro-agent.js';
import { MANAGED_BY_LABEL, MANAGED_BY } from './labels.js';

/**
 * Whether `a` is an older version of the object than `b`; unknown counts as older (the overlay
 * then waits for the watch, as before).
 */
function olderThan(a: KubeObject, b: KubeObject): boolean {
  return (compareResourceVersions(a.metadata.resourceVersion, b.metadata.resourceVersion) ?? -1) < 0;
}

export const BY_PLACEMENT = 'placement';
export const BY_ROLLOUT_STATE = 'rollout-state';

export class RolloutInformers implements RolloutWorld {
  readonly rollouts: Informer;
  readonly placements: Informer;
  readonly decisions: Informer;
  readonly clusters: Informer;
  readonly klusterletWorks: Informer;
  readonly observerWorks: Informer;
  readonly addOns: Informer;
  readonly clusterManagementAddOns: Informer;
  readonly klusterletConfigs: Informer;
  readonly engines: Informer;
  readonly members: Informer;
  /** Our writes not yet seen by the watch; `null` marks a deletion. */
  private readonly overlay = new Map<string, KubeObject | null>();

  constructor(client: KubeClient, logger: Logger) {
    const make = (
      apiVersion: string,
      kind: string,
      extra: Partial<ConstructorParameters<typeof Informer>[0]> = {},
    ) => new Informer({ client, apiVersion, kind, logger, ...extra });
    const managedByUs = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
    this.rollouts = make(AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND);
    this.placements = make(PLACEMENT_API_VERSION, 'Placement', { transform: trims.placement });
    this.decisions = make(PLACEMENT_API_VERSION, 'PlacementDecision', { transform: trims.decision });
    this.clusters = make(MANAGED_CLUSTER_API_VERSION, 'ManagedCluster', { transform: trims.cluster });
    this.klusterletWorks = make(MANIFEST_WORK_API_VERSION, 'ManifestWork', {
      labelSelector: 'import.open-cluster-management.io/klusterlet-works=true',
      transform: trims.klusterletWork,
    });
    this.observerWorks = make(MANIFEST_WORK_API_VERSION, 'ManifestWork', {
      labelSelector: managedByUs,
      transform: trims.work,
    });
    this.addOns = make(ADDON_API_VERSION, 'ManagedClusterAddOn', { transform: trims.addOn });
    this.clusterManagementAddOns = make(ADDON_API_VERSION, 'ClusterManagementAddOn', {
      transform: trims.clusterManagementAddOn,
    });
    this.klusterletConfigs = make(KLUSTERLET_CONFIG_API_VERSION, 'KlusterletConfig', {
      transform: trims.klusterletConfig,
    });
    // Shared with the Maestro controller, which reads its toggle from it.
    this.engines = sharedInformer({
      client,
      logger,
      apiVersion: MCE_API_VERSION,
      kind: MCE_KIND,
      transform: trimObject,
    });
    this.members = make(AGENT_ROLLOUT_MEMBERSHIP_API_VERSION, AGENT_ROLLOUT_MEMBERSHIP_KIND);

    this.decisions.addIndex(BY_PLACEMENT, (o) => {
      const placement = o.metadata.labels?.[PLACEMENT_LABEL];
      return placement ? [`${o.metadata.namespace}/${placement}`] : [];
    });
    const byRolloutState = (kind: 'klusterlet' | 'transport' | 'addOn') => (o: KubeObject) => {
      const s = readClusterState(o.metadata.annotations, kind);
      return s ? [`${kind}:${s.rollout}`] : [];
    };
    this.clusters.addIndex(BY_ROLLOUT_STATE, (o) => [
      ...byRolloutState('klusterlet')(o),
      ...byRolloutState('transport')(o),
    ]);
    this.addOns.addIndex(BY_ROLLOUT_STATE, byRolloutState('addOn'));

    // Our own writes are seen through the overlay until the watch delivers anything newer.
    for (const inf of [this.clusters, this.addOns, this.observerWorks, this.klusterletConfigs]) {
      const clear = (o: KubeObject) => this.overlay.delete(`${o.kind}/${objectKey(o)}`);
      inf.addHandler({ add: clear, update: (_old, o) => clear(o), delete: clear });
    }
  }

  /** Every informer, for the manager to start and wait on. */
  all(): Informer[] {
    return [
      this.rollouts,
      this.placements,
      this.decisions,
      this.clusters,
      this.klusterletWorks,
      this.observerWorks,
      this.addOns,
      this.clusterManagementAddOns,
      this.klusterletConfigs,
      this.engines,
      this.members,
    ];
  }

  /** Records an object we just wrote (the API server's response), until the watch catches up. */
  remember(obj: KubeObject, transform: (o: KubeObject) => KubeObject): void {
    this.overlay.set(`${obj.kind}/${objectKey(obj)}`, transform(structuredClone(obj)));
  }

  /** Records that we deleted an object, until the watch catches up. */
  forget(kind: string, namespace: string | undefined, name: string): void {
    this.overlay.set(`${kind}/${keyOf(namespace, name)}`, null);
  }

  private read<T>(inf: Informer, kind: string, ns: string | undefined, name: string): T | undefined {
    const key = `${kind}/${ns ? `${ns}/${name}` : name}`;
    const cached = inf.get(ns, name);
    const mine = this.overlay.get(key);
    if (mine === undefined) return cached as T | undefined;
    // The watch can deliver our write, and someone's next one, before our write's response is
    // back: then the cache is already newer than what we remembered, and must win.
    if (mine !== null && cached && !olderThan(cached, mine)) {
      this.overlay.delete(key);
      return cached as T | undefined;
    }
    return (mine ?? undefined) as T | undefined;
  }

  managedCluster(name: string): ManagedCluster | undefined {
    return this.read(this.clusters, 'ManagedCluster', undefined, name);
  }
  managedClusterAddOn(cluster: string, addOn: string): ManagedClusterAddOn | undefined {
    return this.read(this.addOns, 'ManagedClusterAddOn', cluster, addOn);
  }
  klusterletWork(cluster: string): ManifestWork | undefined {
    return this.klusterletWorks.get(cluster, `${cluster}-klusterlet`) as ManifestWork | undefined;
  }
  observerWork(cluster: string): ManifestWork | undefined {
    return this.read(this.observerWorks, 'ManifestWork', cluster, OBSERVER_WORK_NAME);
  }
  agentWork(cluster: string): ManifestWork | undefined {
    return this.read(this.observerWorks, 'ManifestWork', cluster, AGENT_WORK_NAME);
  }
  klusterletConfig(name: string): KlusterletConfig | undefined {
    return name ? this.read(this.klusterletConfigs, 'KlusterletConfig', undefined, name) : undefined;
  }
  clusterManagementAddOn(name: string): ClusterManagementAddOn | undefined {
    return this.clusterManagementAddOns.get(undefined, name) as ClusterManagementAddOn | undefined;
  }
  placement(namespace: string, name: string): Placement | undefined {
    return this.placements.get(namespace, name) as Placement | undefined;
  }
  decisionsOf(namespace: string, placement: string): PlacementDecision[] {
    return this.decisions.byIndex(BY_PLACEMENT, `${namespace}/${placement}`) as PlacementDecision[];
  }
  /** Hub version from the MultiClusterEngine's status.currentVersion (the oldest MCE decides). */
  hubVersion(): string | undefined {
    const engines = this.engines.list() as (KubeObject & { status?: { currentVersion?: string } })[];
    engines.sort((a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
    );
    return engines[0]?.status?.currentVersion;
  }

  /** Transforms for `remember`, matching each informer's. */
  readonly trims = trims;
}

/**
 * One RolloutInformers per data-plane client, shared by every factory that reads the fleet (the
 * rollout controllers and the console server): a second ManagedCluster informer would double the
 * largest cache and the watch load for the same data. Both registrations list the same informers;
 * `Informer.start` is idempotent, so the manager starting them twice is harmless.
 */
const sharedWorlds = new WeakMap<KubeClient, RolloutInformers>();

export function sharedRolloutInformers(client: KubeClient, logger: Logger): RolloutInformers {
  let world = sharedWorlds.get(client);
  if (!world) {
    world = new RolloutInformers(client, logger);
    sharedWorlds.set(client, world);
  }
  return world;
}
