/**
 * What each kind of target (klusterlet version, add-on version, transport) plugs into the rollout
 * reconcile: how to read a cluster's state and health back from the objects it writes, and how to
 * start (or revert) one cluster with a single write.
 */
import type { AgentRolloutSpec, KlusterletImages, TargetKind } from '../../../api/agentrollout.js';
import type {
  ClusterManagementAddOn,
  KlusterletConfig,
  ManagedCluster,
  ManagedClusterAddOn,
  ManifestWork,
} from '../../../api/upstream/ocm.js';
import type { RolloutWriter } from '../writer.js';
import type { ClusterStart, Direction } from '../../../rollout/index.js';
import type { ClusterRolloutState } from '../cluster-state.js';

/** Read access to the informer caches, by name. */
export interface RolloutWorld {
  managedCluster(name: string): ManagedCluster | undefined;
  managedClusterAddOn(cluster: string, addOn: string): ManagedClusterAddOn | undefined;
  klusterletWork(cluster: string): ManifestWork | undefined;
  observerWork(cluster: string): ManifestWork | undefined;
  /** The Maestro agent's ManifestWork on a cluster switched to mqtt. */
  agentWork(cluster: string): ManifestWork | undefined;
  klusterletConfig(name: string): KlusterletConfig | undefined;
  clusterManagementAddOn(name: string): ClusterManagementAddOn | undefined;
  /**
   * When the cluster's agent last got a client certificate for the hub's gRPC server signed (the
   * creation of its newest issued CSR of OCM's gRPC signer), or null when no such CSR is cached.
   */
  lastGrpcRegistration(cluster: string): number | null;
}

/** The rollout being reconciled, as drivers need it. */
export interface RolloutRef {
  namespace: string;
  name: string;
  /** `namespace/name`, recorded in cluster state annotations. */
  key: string;
  revision: string;
  spec: AgentRolloutSpec;
}

/** One cluster's state and health, read back from what the rollout wrote and what agents report. */
export interface ClusterFacts {
  /** This rollout's record on the cluster, if it started it. */
  state: ClusterRolloutState | null;
  /** Another record (other rollout or revision) on the same cluster: its value is what "before" means. */
  foreign: ClusterRolloutState | null;
  /** The revision the cluster reports it runs (`PREVIOUS_REVISION` once reverted), if known. */
  observedRevision: string | null;
  healthy: boolean;
  healthySince: number | null;
  degraded: boolean;
  reachable: boolean;
  /** Can't be rolled at all (e.g. the add-on isn't installed there): left out, with a reason. */
  skipReason: string | null;
  /** What the cluster reported, for status (failures). */
  message: string | null;
  /**
   * A step only an admin can take on the managed cluster, without which it cannot reach the
   * target: one text for every cluster it applies to (`ClustersNeedAction` groups them by it).
   */
  needsAction?: string;
}

export interface DriverContext {
  rollout: RolloutRef;
  world: RolloutWorld;
  /** Writes through this are remembered until the watch delivers them. */
  client: RolloutWriter;
  now: number;
  /** Labels for objects the driver creates (our managed-by labels). */
  labels: Record<string, string>;
  /** The clusters of the rollout's Placement, in name order. */
  clusters: readonly string[];
  /** The klusterlet images the hub renders now, when known: pins also match these, so they survive a hub upgrade. */
  hubImages: KlusterletImages | null;
}

export interface TargetDriver {
  readonly kind: TargetKind;
  /** Rollout-level pre-flight: problems that stop the rollout before any cluster starts. */
  preflight(ctx: DriverContext): Promise<string[]>;
  /** Reads one cluster back. `matchedSince` tracks when a cluster was first seen at its target. */
  observe(cluster: string, ctx: DriverContext, matchedSince: MatchTracker): ClusterFacts;
  /** Writes shared objects the starts need (e.g. derived KlusterletConfigs), once per reconcile. */
  prepare(
    starts: readonly ClusterStart[],
    facts: ReadonlyMap<string, ClusterFacts>,
    ctx: DriverContext,
  ): Promise<void>;
  /** Starts or reverts one cluster: one write carrying the new value and the state annotation. */
  start(start: ClusterStart, facts: ClusterFacts, ctx: DriverContext): Promise<ClusterRolloutState>;
}

/** Remembers since when a cluster has been observed at its target (soak start), per direction. */
export interface MatchTracker {
  /** Returns since when `matches` has held for (cluster, revision, direction), or null if it doesn't. */
  since(
    cluster: string,
    revision: string,
    direction: Direction,
    matches: boolean,
    now: number,
  ): number | null;
}

/** The record a cluster's write carries: this rollout, revision and direction, started now. */
export function startRecord(
  ctx: DriverContext,
  start: ClusterStart,
  value: string,
  previous: string,
): ClusterRolloutState {
  return {
    rollout: ctx.rollout.key,
    revision: ctx.rollout.revision,
    direction: start.direction,
    startedAt: ctx.now,
    value,
    previous,
  };
}
