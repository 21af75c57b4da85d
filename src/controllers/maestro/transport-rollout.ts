/**
 * The fleet follows the transport through a progressive rollout: we write what the AgentRollout
 * controller reads (an AgentRollout `maestro-transport` with `target.transport.type`, and by
 * default a Placement of every managed cluster) and it moves each cluster's agents.
 *
 * Moving away from grpc is ordered: agents registered over gRPC talk to the cluster-manager gRPC
 * server, so it must outlive them. The rollout first targets `kube`, and only once it reports
 * `Succeeded` (or `Pending` with no clusters) are the ClusterManager fields released and the
 * gRPC server configuration removed; then, when switching to mqtt, it targets mqtt.
 */
import {
  AGENT_ROLLOUT_API_VERSION,
  AGENT_ROLLOUT_KIND,
  type TransportTarget,
} from '../../api/agentrollout.js';
import type { MaestroSpec, Transport } from '../../api/maestro.js';
import { PLACEMENT_API_VERSION } from '../../api/upstream/ocm.js';
import type { KubeObject } from '../../runtime/index.js';
import { GLOBAL_CLUSTER_SET, GLOBAL_SET_NAMESPACE, TRANSPORT_ROLLOUT_NAME } from './constants.js';
import { mceOwnerReference, NAME_LABEL, COMPONENT_LABEL } from './render/labels.js';
import { ownershipLabels, type MceRef } from './render/index.js';

/** Where the transport rollout lives and which Placement it follows. */
export interface RolloutLocation {
  namespace: string;
  placement: string;
  /** True when the Placement is ours (no `spec.transportRollout.placementRef`). */
  ownPlacement: boolean;
}

export type DrainState = { kind: 'NotNeeded' } | { kind: 'Done' } | { kind: 'Waiting'; message: string };

export interface RolloutPlan {
  location: RolloutLocation;
  /** Placement (when ours) and AgentRollout to apply; empty when no rollout is wanted. */
  objects: KubeObject[];
  target?: TransportTarget;
  drain: DrainState;
  /** Said in status when the rollout part is skipped. */
  note?: string;
}

export interface RolloutInput {
  /** The deciding MultiClusterEngine; absent means everything of ours goes. */
  mce: MceRef | undefined;
  enabled: boolean;
  spec: MaestroSpec;
  /** The cluster-manager gRPC server is configured by us (ClusterManager fields or its ConfigMap). */
  conductorConfigured: boolean;
  /** Placement and AgentRollout are served. */
  apiServed: boolean;
  /** Our cached AgentRollouts. */
  rollouts: readonly KubeObject[];
}

interface RolloutObject extends KubeObject {
  spec?: { target?: { transport?: { type?: string } } };
  status?: {
    observedGeneration?: number;
    phase?: string;
    target?: string;
    total?: number;
    counts?: { succeeded?: number };
  };
}

/** Where the rollout of `spec` lives. */
export function rolloutLocation(spec: MaestroSpec): RolloutLocation {
  const ref = spec.transportRollout.placementRef;
  return ref
    ? { namespace: ref.namespace, placement: ref.name, ownPlacement: false }
    : { namespace: GLOBAL_SET_NAMESPACE, placement: TRANSPORT_ROLLOUT_NAME, ownPlacement: true };
}

/** Whether the status describes the current spec (the rollout controller has seen it). */
function statusCurrent(r: RolloutObject, target: TransportTarget): boolean {
  const s = r.status;
  if (!s) return false;
  if (s.observedGeneration !== undefined) return s.observedGeneration >= (r.metadata.generation ?? 0);
  return s.target === `transport ${target}`;
}

/**
 * True when the rollout targets `target` and reports it done: phase `Succeeded`, or `Pending`
 * with no clusters selected (nobody to move).
 */
export function rolloutReached(rollout: KubeObject | undefined, target: TransportTarget): boolean {
  const r = rollout as RolloutObject | undefined;
  if (!r || r.spec?.target?.transport?.type !== target || !statusCurrent(r, target)) return false;
  const phase = r.status?.phase;
  return phase === 'Succeeded' || (phase === 'Pending' && (r.status?.total ?? 0) === 0);
}

/** The status phrase while agents move back to kube. */
export function drainMessage(rollout: KubeObject | undefined, location: RolloutLocation): string {
  const r = rollout as RolloutObject | undefined;
  const where = `AgentRollout ${location.namespace}/${TRANSPORT_ROLLOUT_NAME}`;
  if (!r || r.spec?.target?.transport?.type !== 'kube' || !statusCurrent(r, 'kube')) {
    return `waiting for ${where} to start moving clusters back to kube`;
  }
  const total = r.status?.total ?? 0;
  const left = Math.max(0, total - (r.status?.counts?.succeeded ?? 0));
  return `waiting for ${left} cluster${left === 1 ? '' : 's'} to move back to kube (${where}, phase ${r.status?.phase ?? 'unknown'})`;
}

/** The pure decision: which transport the fleet should move to, and whether gRPC can go yet. */
export function planTransportRollout(input: RolloutInput): RolloutPlan {
  const location = rolloutLocation(input.spec);
  const wantGrpc = input.enabled && input.spec.transport === 'grpc';
  const drainNeeded = input.conductorConfigured && !wantGrpc;
  if (!input.apiServed) {
    return {
      location,
      objects: [],
      drain: drainNeeded ? { kind: 'Done' } : { kind: 'NotNeeded' },
      note:
        'transport rollout skipped: the AgentRollout or Placement API is not served, so managed clusters ' +
        'are not moved between transports by this operator',
    };
  }
  if (!input.mce)
    return { location, objects: [], drain: drainNeeded ? { kind: 'Done' } : { kind: 'NotNeeded' } };

  const observed = input.rollouts.find(
    (r) => r.metadata.namespace === location.namespace && r.metadata.name === TRANSPORT_ROLLOUT_NAME,
  );
  const drained = drainNeeded && rolloutReached(observed, 'kube');
  let target: TransportTarget | undefined;
  if (wantGrpc) target = 'grpc';
  else if (drainNeeded && !drained) target = 'kube';
  else if (input.enabled) target = input.spec.transport satisfies Transport;
  else if (observed) target = 'kube';

  const drain: DrainState = !drainNeeded
    ? { kind: 'NotNeeded' }
    : drained
      ? { kind: 'Done' }
      : { kind: 'Waiting', message: drainMessage(observed, location) };
  if (!target) return { location, objects: [], drain };
  return { location, objects: rolloutObjects(input.mce, input.spec, location, target), drain, target };
}

/** The Placement (when ours) and the AgentRollout for `target`. */
export function rolloutObjects(
  mce: MceRef,
  spec: MaestroSpec,
  location: RolloutLocation,
  target: TransportTarget,
): KubeObject[] {
  const metadata = (name: string) => ({
    name,
    namespace: location.namespace,
    labels: { ...ownershipLabels, [NAME_LABEL]: name, [COMPONENT_LABEL]: 'transport-rollout' },
    ownerReferences: [mceOwnerReference(mce)],
  });
  const objects: KubeObject[] = [];
  if (location.ownPlacement) {
    objects.push({
      apiVersion: PLACEMENT_API_VERSION,
      kind: 'Placement',
      metadata: metadata(location.placement),
      spec: { clusterSets: [GLOBAL_CLUSTER_SET] },
    } as KubeObject);
  }
  objects.push({
    apiVersion: AGENT_ROLLOUT_API_VERSION,
    kind: AGENT_ROLLOUT_KIND,
    metadata: metadata(TRANSPORT_ROLLOUT_NAME),
    spec: {
      target: { transport: { type: target } },
      placementRef: { name: location.placement },
      rolloutStrategy: {
        type: 'Progressive',
        progressive: { maxConcurrency: spec.transportRollout.maxConcurrency },
      },
    },
  } as KubeObject);
  return objects;
}
