/**
 * Renews the MQTT client certificate of every delivered Maestro agent, level-triggered and
 * independent of rollouts (a finished rollout is never reconciled again, yet its agents keep
 * running): one key per agent ManifestWork; its validity record (AGENT_CERT_VALIDITY_ANNOTATION)
 * says when two thirds of the certificate's lifetime have passed, and then the work is
 * re-applied with a new certificate from the broker CA. A missing or malformed record (works
 * delivered before certificates were short-lived) counts as due.
 */
import { MANIFEST_WORK_API_VERSION } from '../../api/upstream/ocm.js';
import {
  Controller,
  type Clock,
  type KubeClient,
  type KubeObject,
  type Logger,
} from '../../runtime/index.js';
import { renewalTime } from '../../tls/certificates.js';
import {
  AGENT_CERT_VALIDITY_ANNOTATION,
  AGENT_WORK_NAME,
  parseCertValidityRecord,
  withRenewedClientCert,
} from './drivers/maestro-agent.js';
import { resolveMqttDelivery } from './mqtt-delivery.js';
import type { RolloutInformers } from './world.js';

/** Longest sleep between looks at one agent (a missed event or a clock jump is caught by then). */
const MAX_RECHECK_MS = 60 * 60_000;
/** Retry when the broker CA or Maestro isn't available to issue from. */
const UNAVAILABLE_RETRY_MS = 5 * 60_000;

/** When the certificate recorded in `annotations` is due for renewal (epoch ms; 0 = now). */
export function agentCertRenewalDueAt(annotations: Record<string, string> | undefined): number {
  const validity = parseCertValidityRecord(annotations?.[AGENT_CERT_VALIDITY_ANNOTATION]);
  return validity ? renewalTime(validity).getTime() : 0;
}

export interface AgentCertRenewalDeps {
  world: RolloutInformers;
  data: KubeClient;
  control: KubeClient;
  logger: Logger;
  now?: () => number;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

/** The reconcile of one agent work key (`<cluster>/mmo-maestro-agent`); exported for tests. */
export function agentCertRenewalReconciler(deps: AgentCertRenewalDeps) {
  const now = deps.now ?? Date.now;
  return async (req: { namespace: string | undefined; name: string }, { log }: { log: Logger }) => {
    if (req.name !== AGENT_WORK_NAME || !req.namespace) return;
    const cluster = req.namespace;
    const cached = deps.world.agentWork(cluster);
    if (!cached || cached.metadata.deletionTimestamp) return;
    const t = now();
    const dueAt = agentCertRenewalDueAt(cached.metadata.annotations);
    if (t < dueAt) return { requeueAfter: Math.min(MAX_RECHECK_MS, dueAt - t) };

    const mqtt = await resolveMqttDelivery(deps.data, deps.control, deps.env ?? process.env, now);
    if (!mqtt.delivery) {
      log.info({ cluster, problems: mqtt.problems }, 'agent certificate due but cannot be issued');
      return { requeueAfter: UNAVAILABLE_RETRY_MS };
    }
    // The informer trims specs: read the stored work to keep its manifests as they are.
    const stored = (await deps.data.get({
      apiVersion: MANIFEST_WORK_API_VERSION,
      kind: 'ManifestWork',
      namespace: cluster,
      name: AGENT_WORK_NAME,
    })) as (KubeObject & { spec?: unknown }) | undefined;
    if (!stored || stored.metadata.deletionTimestamp) return;
    // The cache may lag a renewal just written: the stored record decides.
    const storedDueAt = agentCertRenewalDueAt(stored.metadata.annotations);
    if (t < storedDueAt) return { requeueAfter: Math.min(MAX_RECHECK_MS, storedDueAt - t) };
    const pair = await mqtt.delivery.issueClientCertificate(mqtt.delivery.ca, cluster);
    const renewed = withRenewedClientCert(stored, pair);
    await deps.data.apply(renewed as never);
    const next = agentCertRenewalDueAt(renewed.metadata.annotations);
    log.info({ cluster }, 'renewed the agent MQTT client certificate');
    return { requeueAfter: Math.max(1_000, Math.min(MAX_RECHECK_MS, next - t)) };
  };
}

export function agentCertRenewalController(deps: AgentCertRenewalDeps): Controller {
  const controller = new Controller({
    name: 'agent-cert-renewal',
    logger: deps.logger,
    clock: deps.clock,
    reconcile: agentCertRenewalReconciler(deps),
  });
  controller.watch(deps.world.observerWorks, (w) =>
    w.metadata.name === AGENT_WORK_NAME && w.metadata.namespace
      ? [`${w.metadata.namespace}/${AGENT_WORK_NAME}`]
      : [],
  );
  return controller;
}
