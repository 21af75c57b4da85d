/**
 * Transport rollouts.
 *
 * - grpc / kube: the derived KlusterletConfig carries `registrationDriver.authType: grpc` or
 *   `csr`; the import controller renders the Klusterlet with it and the agents re-register over
 *   the chosen transport (ocm `klusterlet-work-deployment.yaml`: grpc registration implies the
 *   grpc work source). Success: `<cluster>-klusterlet` Applied and Available at a newer generation
 *   than before the switch, the observer's feedback showing the driver where an observer exists,
 *   and the cluster Available through minSuccessTime.
 * - mqtt: the cluster is registered as a Maestro consumer and gets a Maestro agent with its own
 *   MQTT client certificate by ManifestWork; a klusterlet on gRPC goes back to kube. Success: the
 *   agent work Applied and Available with a ready agent Deployment.
 *
 * Rollback restores the recorded value: the slot's previous transport part, and for mqtt removes
 * the agent work.
 */
import type { TransportTarget } from '../../../api/agentrollout.js';
import { MANIFEST_WORK_API_VERSION } from '../../../api/upstream/ocm.js';
import type { ClusterStart } from '../../../rollout/index.js';
import type { TlsKeyPair } from '../../maestro/render/index.js';
import type { ConsumerClient } from '../maestro-consumers.js';
import type { Composition, ConfigTransport } from '../derived-config.js';
import { revisionOf } from '../revision.js';
import { clusterHealth, klusterletSkipReason, later } from './cluster-health.js';
import {
  compositionNow,
  ensureDerivedConfigs,
  previousValue,
  recordsOn,
  writeSlot,
} from './klusterlet-slot.js';
import { AGENT_WORK_NAME, maestroAgentWork, OPENSHIFT_VENDOR, VENDOR_LABEL } from './maestro-agent.js';
import { feedbackValues } from './observer-work.js';
import type { ClusterFacts, DriverContext, TargetDriver } from './types.js';
import { workReadiness } from './work-status.js';

/** What delivering Maestro agents over MQTT needs, resolved once per reconcile. */
export interface MqttDelivery {
  image: string;
  brokerHost: string;
  ca: TlsKeyPair;
  consumers: ConsumerClient;
  issueClientCertificate: (ca: TlsKeyPair, cluster: string) => Promise<TlsKeyPair>;
}

/** The registration driver the Klusterlet reports for a config transport part ("" = not set). */
function expectedAuthType(value: string): string[] {
  if (value === 'grpc') return ['grpc'];
  return ['csr', ''];
}

/** Where the agent of an imported cluster keeps its hub credential (ocm klusterlet manifests). */
const HUB_KUBECONFIG_SECRET = 'open-cluster-management-agent/hub-kubeconfig-secret';

/**
 * What an admin must do on a cluster whose agent, re-deployed with the gRPC driver, has not
 * registered over gRPC: OCM v1.2.1's agent still finds the client certificate it got over CSR,
 * counts itself registered and exits looking for the gRPC config, until that Secret and its pod are
 * removed on the managed cluster, which nothing on the hub can do (docs/agentrollout.md).
 */
export const GRPC_REREGISTRATION_STEP =
  `delete Secret ${HUB_KUBECONFIG_SECRET} and then the klusterlet-agent pod on the cluster ` +
  '(its agent, re-deployed with the gRPC driver, has not registered over gRPC: OCM v1.2.1 keeps its CSR-era credential)';

/** CSR creation and condition transition times are whole seconds: compare with a start at that grain. */
const wholeSecond = (t: number) => Math.floor(t / 1000) * 1000;

/**
 * Why a cluster whose klusterlet was re-rendered with the gRPC driver is not available: its agent
 * has not had a gRPC client certificate signed since the switch began (`startedAt`). Null when one
 * was (the agent is on its way).
 */
export function notRegisteredOverGrpc(lastRegistration: number | null, startedAt: number): string | null {
  if (lastRegistration !== null && lastRegistration >= wholeSecond(startedAt)) return null;
  return `not registered over gRPC since ${new Date(startedAt).toISOString()}: ${GRPC_REREGISTRATION_STEP}`;
}

/**
 * Whether a cluster whose klusterlet the import controller re-rendered with the gRPC driver waits
 * for the admin step, and why (null when it does not): it is not healthy and its agent has not
 * registered over gRPC since the switch. The agent's own report that it applied the re-render (the
 * klusterlet work Applied and Available) is not needed once the cluster went down after the switch:
 * the agent that applies the Klusterlet is the one the klusterlet operator then replaces, and it can
 * be stopped before it reports (seen in CI: one of three clusters never reported, so was never named).
 */
export function awaitsGrpcStep(s: {
  /** The klusterlet work Applied and Available at its re-rendered generation. */
  applied: boolean;
  /** Since when the cluster is not healthy; null while it is. */
  unhealthySince: number | null;
  startedAt: number;
  lastRegistration: number | null;
}): string | null {
  if (s.unhealthySince === null) return null;
  if (!s.applied && s.unhealthySince < wholeSecond(s.startedAt)) return null;
  return notRegisteredOverGrpc(s.lastRegistration, s.startedAt);
}

const asPart = (value: string): ConfigTransport | null =>
  value === 'grpc' || value === 'kube' ? value : null;

export interface TransportDriverInput {
  target: TransportTarget;
  /** Problems with the hub side of the transport (e.g. the gRPC server isn't configured). */
  hubProblems: () => Promise<string[]>;
  /** For target mqtt; null when it could not be resolved (then hubProblems says why). */
  mqtt?: MqttDelivery | null;
}

export function transportDriver(input: TransportDriverInput): TargetDriver {
  /** The klusterlet slot's transport part after this start. */
  const nextPart = (
    start: ClusterStart,
    facts: ClusterFacts | undefined,
    now: Composition,
  ): ConfigTransport | null => {
    if (start.direction === 'rollback') return asPart(facts?.state?.previous ?? '');
    if (input.target === 'grpc') return 'grpc';
    if (input.target === 'kube') return 'kube';
    // mqtt: the Maestro agent carries the work; a klusterlet on gRPC goes back to kube.
    return now.transport === 'grpc' ? 'kube' : now.transport;
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
        skipReason: klusterletSkipReason(mc),
        message: null,
      };
      if (!state) return { ...base, reachable: health.healthy };
      const value = state.direction === 'forward' ? state.value : state.previous;
      const klusterlet = workReadiness(ctx.world.klusterletWork(cluster));
      const rerendered =
        state.workGeneration === undefined || (klusterlet.generation ?? 0) > state.workGeneration;
      let atTarget: boolean;
      let failed = klusterlet.failed;
      let message = klusterlet.message;
      let needsAction: string | undefined;
      const agentWork = ctx.world.agentWork(cluster);
      if (value === 'mqtt') {
        const agent = workReadiness(agentWork);
        const ready = Number(feedbackValues(agentWork).get('agentReadyReplicas') ?? 0) >= 1;
        atTarget =
          agent.current && ready && rerendered && (state.workGeneration === undefined || klusterlet.current);
        failed = failed || agent.failed;
        message = agent.message ?? message;
      } else {
        const observer = ctx.world.observerWork(cluster);
        const authType = observer ? feedbackValues(observer).get('authType') : undefined;
        const driverMatches = authType === undefined || expectedAuthType(value).includes(authType);
        atTarget = klusterlet.current && rerendered && driverMatches && agentWork === undefined;
        const stuck =
          value === 'grpc' && rerendered && driverMatches
            ? awaitsGrpcStep({
                applied: klusterlet.current,
                unhealthySince: health.unhealthySince,
                startedAt: state.startedAt,
                lastRegistration: ctx.world.lastGrpcRegistration(cluster),
              })
            : null;
        if (stuck) {
          message = stuck;
          needsAction = GRPC_REREGISTRATION_STEP;
        }
      }
      const since = tracker.since(
        cluster,
        state.revision,
        state.direction,
        atTarget && health.healthy,
        ctx.now,
      );
      return {
        ...base,
        observedRevision: atTarget ? revisionOf(state) : null,
        healthySince: later(since, health.healthySince),
        degraded: failed,
        message,
        ...(needsAction ? { needsAction } : {}),
      };
    },

    async prepare(starts, facts, ctx: DriverContext) {
      await ensureDerivedConfigs(
        starts.map((s) => {
          const now = compositionNow(s.name, ctx);
          return { ...now, transport: nextPart(s, facts.get(s.name), now) };
        }),
        ctx,
      );
    },

    async start(start, facts, ctx) {
      const now = compositionNow(start.name, ctx);
      const part = nextPart(start, facts, now);
      const current = ctx.world.agentWork(start.name) ? 'mqtt' : (now.transport ?? '');
      const value = start.direction === 'forward' ? input.target : (facts.state?.previous ?? '');
      if (value === 'mqtt') {
        const mqtt = input.mqtt;
        if (!mqtt) throw new Error('mqtt delivery is not configured (see the rollout pre-flight checks)');
        await mqtt.consumers.ensure(start.name);
        const client = await mqtt.issueClientCertificate(mqtt.ca, start.name);
        await ctx.client.apply(
          maestroAgentWork(
            start.name,
            {
              image: mqtt.image,
              brokerHost: mqtt.brokerHost,
              caCert: mqtt.ca.cert,
              clientCert: client.cert,
              clientKey: client.key,
              openshift:
                ctx.world.managedCluster(start.name)?.metadata.labels?.[VENDOR_LABEL] === OPENSHIFT_VENDOR,
            },
            ctx.labels,
          ) as never,
        );
      } else if (ctx.world.agentWork(start.name)) {
        await ctx.client.delete({
          apiVersion: MANIFEST_WORK_API_VERSION,
          kind: 'ManifestWork',
          namespace: start.name,
          name: AGENT_WORK_NAME,
        });
      }
      return writeSlot(
        start,
        'transport',
        { ...now, transport: part },
        value,
        previousValue(facts, current),
        ctx,
      );
    },
  };
}
