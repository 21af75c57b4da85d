/**
 * Transport rollouts for the klusterlet: the derived KlusterletConfig carries
 * `registrationDriver.authType: grpc` (grpc) or `csr` (kube); the import controller renders the
 * Klusterlet with it and the agents re-register over the chosen transport (ocm `klusterlet-work-
 * deployment.yaml`: grpc registration implies the grpc work source). mqtt moves the klusterlet back
 * to kube here; its Maestro agent is delivered separately. Success: `<cluster>-klusterlet` Applied
 * and Available at a newer generation than before the switch (the import controller re-rendered
 * it), the observer's feedback showing the driver where an observer exists, and the cluster
 * Available through minSuccessTime.
 */
import type { TransportTarget } from '../../../api/agentrollout.js';
import type { ClusterStart } from '../../../rollout/index.js';
import type { ConfigTransport } from '../derived-config.js';
import { PREVIOUS_REVISION } from '../revision.js';
import { clusterHealth, later } from './cluster-health.js';
import {
  compositionNow,
  ensureDerivedConfigs,
  previousValue,
  recordsOn,
  writeSlot,
} from './klusterlet-slot.js';
import { feedbackValues } from './observer-work.js';
import type { ClusterFacts, DriverContext, TargetDriver } from './types.js';
import { workReadiness } from './work-status.js';

/** The klusterlet-config transport part for a transport target. */
export function configTransportFor(t: TransportTarget): ConfigTransport {
  return t === 'grpc' ? 'grpc' : 'kube';
}

/** The registration driver the Klusterlet reports for a config transport part ("" = not set). */
function expectedAuthType(value: string): string[] {
  if (value === 'grpc') return ['grpc'];
  if (value === 'kube') return ['csr', ''];
  return ['', 'csr'];
}

export interface TransportDriverInput {
  target: TransportTarget;
  /** Problems with the hub side of the transport (e.g. the gRPC server isn't configured). */
  hubProblems: () => Promise<string[]>;
}

export function transportDriver(input: TransportDriverInput): TargetDriver {
  const wanted = configTransportFor(input.target);
  const nextPart = (start: ClusterStart, facts: ClusterFacts | undefined): ConfigTransport | null => {
    if (start.direction === 'forward') return wanted;
    const prev = facts?.state?.previous ?? '';
    return prev === 'grpc' || prev === 'kube' ? prev : null;
  };

  return {
    kind: 'transport',

    preflight: () => input.hubProblems(),

    observe(cluster, ctx, tracker) {
      const { state, foreign } = recordsOn(cluster, 'transport', ctx);
      const mc = ctx.world.managedCluster(cluster);
      const health = clusterHealth(mc);
      const base: ClusterFacts = {
        state,
        foreign,
        observedRevision: null,
        healthy: health.healthy,
        healthySince: health.healthySince,
        degraded: false,
        reachable: health.reachable,
        skipReason: mc ? null : 'ManagedCluster not found',
        message: null,
      };
      if (!state) return { ...base, reachable: health.healthy };
      const value = state.direction === 'forward' ? state.value : state.previous;
      const work = workReadiness(ctx.world.klusterletWork(cluster));
      const rerendered = state.workGeneration === undefined || (work.generation ?? 0) > state.workGeneration;
      const observer = ctx.world.observerWork(cluster);
      const authType = observer ? feedbackValues(observer).get('authType') : undefined;
      const driverMatches = authType === undefined || expectedAuthType(value).includes(authType);
      const atTarget = work.current && rerendered && driverMatches;
      const since = tracker.since(
        cluster,
        state.revision,
        state.direction,
        atTarget && health.healthy,
        ctx.now,
      );
      return {
        ...base,
        observedRevision: atTarget
          ? state.direction === 'forward'
            ? state.revision
            : PREVIOUS_REVISION
          : null,
        healthySince: later(since, health.healthySince),
        degraded: work.failed,
        message: work.message,
      };
    },

    async prepare(starts, facts, ctx: DriverContext) {
      await ensureDerivedConfigs(
        starts.map((s) => ({ ...compositionNow(s.name, ctx), transport: nextPart(s, facts.get(s.name)) })),
        ctx,
      );
    },

    async start(start, facts, ctx) {
      const comp = compositionNow(start.name, ctx);
      const part = nextPart(start, facts);
      return writeSlot(
        start,
        'transport',
        { ...comp, transport: part },
        part ?? '',
        previousValue(facts, comp.transport ?? ''),
        ctx,
      );
    },
  };
}
