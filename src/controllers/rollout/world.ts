/**
 * The rollout controllers' view of the data plane: one informer per kind they read, with trimming
 * transforms (`cache-trims.ts`: only the fields read are kept, so 200,000 ManagedClusters stay small),
 * indexes for the lookups a reconcile makes. Our own writes are recorded in these informers
 * (`cacheOf`, used by writer.ts), so a reconcile that runs before the watch has delivered them
 * never starts a cluster twice.
 */
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND } from '../../api/agentrollout.js';
import {
  AGENT_ROLLOUT_MEMBERSHIP_API_VERSION,
  AGENT_ROLLOUT_MEMBERSHIP_KIND,
} from '../../api/agentrollout-membership.js';
import { MCE_API_VERSION, MCE_KIND } from '../../api/upstream/mce.js';
import {
  ADDON_API_VERSION,
  CSR_API_VERSION,
  CSR_CLUSTER_LABEL,
  GRPC_SIGNER,
  KLUSTERLET_CONFIG_API_VERSION,
  MANAGED_CLUSTER_API_VERSION,
  MANIFEST_WORK_API_VERSION,
  PLACEMENT_API_VERSION,
  PLACEMENT_LABEL,
  type AgentCsr,
  type ClusterManagementAddOn,
  type KlusterletConfig,
  type ManagedCluster,
  type ManagedClusterAddOn,
  type ManifestWork,
  type Placement,
  type PlacementDecision,
} from '../../api/upstream/ocm.js';
import {
  Informer,
  sharedInformer,
  trimObject,
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

export const BY_PLACEMENT = 'placement';
export const BY_ROLLOUT_STATE = 'rollout-state';
export const BY_CLUSTER = 'cluster';

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
  readonly csrs: Informer;

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
    // Agents' CSRs (kube-controller-manager removes signed ones after an hour): a few per cluster
    // and hour at most, read to tell whether an agent switched to gRPC registered over gRPC.
    this.csrs = make(CSR_API_VERSION, 'CertificateSigningRequest', {
      labelSelector: CSR_CLUSTER_LABEL,
      transform: trims.csr,
    });
    this.csrs.addIndex(BY_CLUSTER, (o) => {
      const cluster = o.metadata.labels?.[CSR_CLUSTER_LABEL];
      return cluster ? [cluster] : [];
    });

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
      this.csrs,
    ];
  }

  /**
   * The informer of each kind the drivers write (ManifestWorks: ours, the observer and agent
   * works); the import controller's klusterlet works are only read.
   */
  cacheOf(kind: string): Informer | undefined {
    if (kind === 'ManagedCluster') return this.clusters;
    if (kind === 'ManagedClusterAddOn') return this.addOns;
    if (kind === 'ManifestWork') return this.observerWorks;
    if (kind === 'KlusterletConfig') return this.klusterletConfigs;
    return undefined;
  }

  managedCluster(name: string): ManagedCluster | undefined {
    return this.clusters.get(undefined, name) as ManagedCluster | undefined;
  }
  managedClusterAddOn(cluster: string, addOn: string): ManagedClusterAddOn | undefined {
    return this.addOns.get(cluster, addOn) as ManagedClusterAddOn | undefined;
  }
  klusterletWork(cluster: string): ManifestWork | undefined {
    return this.klusterletWorks.get(cluster, `${cluster}-klusterlet`) as ManifestWork | undefined;
  }
  observerWork(cluster: string): ManifestWork | undefined {
    return this.observerWorks.get(cluster, OBSERVER_WORK_NAME) as ManifestWork | undefined;
  }
  agentWork(cluster: string): ManifestWork | undefined {
    return this.observerWorks.get(cluster, AGENT_WORK_NAME) as ManifestWork | undefined;
  }
  klusterletConfig(name: string): KlusterletConfig | undefined {
    return name ? (this.klusterletConfigs.get(undefined, name) as KlusterletConfig | undefined) : undefined;
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
  lastGrpcRegistration(cluster: string): number | null {
    let last: number | null = null;
    for (const csr of this.csrs.byIndex(BY_CLUSTER, cluster) as unknown as AgentCsr[]) {
      if (csr.spec.signerName !== GRPC_SIGNER || !csr.status.issued) continue;
      const at = Date.parse(csr.metadata.creationTimestamp ?? '');
      if (Number.isFinite(at) && (last === null || at > last)) last = at;
    }
    return last;
  }
  /** Hub version from the MultiClusterEngine's status.currentVersion (the oldest MCE decides). */
  hubVersion(): string | undefined {
    const engines = this.engines.list() as (KubeObject & { status?: { currentVersion?: string } })[];
    engines.sort((a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
    );
    return engines[0]?.status?.currentVersion;
  }
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
