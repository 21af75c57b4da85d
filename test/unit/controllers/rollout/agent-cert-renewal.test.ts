import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { MAESTRO_KIND } from '../../../../src/api/maestro.js';
import {
  agentCertRenewalDueAt,
  agentCertRenewalReconciler,
} from '../../../../src/controllers/rollout/agent-cert-renewal.js';
import {
  AGENT_CERT_VALIDITY_ANNOTATION,
  AGENT_WORK_NAME,
  maestroAgentWork,
  parseCertValidityRecord,
} from '../../../../src/controllers/rollout/drivers/maestro-agent.js';
import { createCa, renewalTime } from '../../../../src/tls/certificates.js';
import { issueMqttClientCertificate } from '../../../../src/tls/index.js';
import type { KubeClient, KubeObject, Logger } from '../../../../src/runtime/index.js';
import type { RolloutInformers } from '../../../../src/controllers/rollout/world.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-09-01T12:00:00Z').getTime();
const CLUSTER = 'cluster-1';
const ca = await createCa({ now: new Date(T0 - 100 * DAY) });
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

interface Manifest {
  kind: string;
  data: Record<string, string>;
}
type Work = KubeObject & { spec: { workload: { manifests: Manifest[] } } };

async function deliveredAt(t: number): Promise<Work> {
  const pair = await issueMqttClientCertificate(ca, CLUSTER, { now: new Date(t) });
  return maestroAgentWork(
    CLUSTER,
    {
      image: 'quay.io/example/maestro:1',
      brokerHost: 'mqtt.example.com:8883',
      caCert: ca.cert,
      clientCert: pair.cert,
      clientKey: pair.key,
      openshift: false,
    },
    { 'app.kubernetes.io/managed-by': 'mce-maestro-operator' },
  ) as unknown as Work;
}

function secretOf(w: Work): Manifest {
  const secret = w.spec.workload.manifests.find((m) => m.kind === 'Secret');
  if (!secret) throw new Error('no Secret in the agent work');
  return secret;
}
const certOf = (w: Work) => new X509Certificate(unb64(secretOf(w).data['tls.crt'] ?? ''));

/** A hub with Maestro on mqtt and the broker CA, holding `work` (the informer sees the same). */
function hub(work: Work | undefined, stored: Work | undefined = work) {
  const applied: Work[] = [];
  const data = {
    get: async (ref: { kind: string }) => {
      if (ref.kind === MAESTRO_KIND)
        return {
          metadata: { name: 'cluster' },
          spec: { images: { maestro: 'quay.io/example/maestro:2' } },
          status: { transport: 'mqtt', endpoints: { rest: 'http://maestro:8000', agents: 'mqtt:8883' } },
        };
      return stored;
    },
    apply: async (obj: Work) => {
      applied.push(obj);
      return obj;
    },
  } as unknown as KubeClient;
  const control = {
    get: async () => ({
      metadata: { name: 'maestro-mqtt-ca' },
      data: { 'ca.crt': b64(ca.cert), 'ca.key': b64(ca.key) },
    }),
  } as unknown as KubeClient;
  const world = { agentWork: () => work } as unknown as RolloutInformers;
  return { data, control, world, applied };
}

const log = { info: () => {}, debug: () => {} } as unknown as Logger;
const req = { namespace: CLUSTER, name: AGENT_WORK_NAME };

describe('agent certificate renewal', () => {
  it('issues week-long agent certificates, due after two thirds of their lifetime', async () => {
    const work = await deliveredAt(T0);
    const cert = certOf(work);
    const lifetime = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    expect(lifetime).toBeGreaterThan(7 * DAY - 1);
    expect(lifetime).toBeLessThan(7 * DAY + 10 * 60_000);
    const record = parseCertValidityRecord(work.metadata.annotations?.[AGENT_CERT_VALIDITY_ANNOTATION]);
    expect(record?.notAfter.getTime()).toBe(Date.parse(cert.validTo));
    const due = agentCertRenewalDueAt(work.metadata.annotations);
    expect(due).toBe(Date.parse(cert.validFrom) + (lifetime * 2) / 3);
    if (!record) throw new Error('no validity record');
    expect(due).toBe(renewalTime(record).getTime());
  });

  it('treats a missing or malformed record as due now', () => {
    expect(agentCertRenewalDueAt(undefined)).toBe(0);
    expect(agentCertRenewalDueAt({ [AGENT_CERT_VALIDITY_ANNOTATION]: 'garbage' })).toBe(0);
    expect(
      agentCertRenewalDueAt({
        [AGENT_CERT_VALIDITY_ANNOTATION]: '2026-09-08T00:00:00Z/2026-09-01T00:00:00Z',
      }),
    ).toBe(0);
  });

  it('leaves a certificate alone before two thirds of its lifetime and waits until then', async () => {
    const work = await deliveredAt(T0);
    const h = hub(work);
    let t = T0 + 4 * DAY;
    const reconcile = agentCertRenewalReconciler({ ...h, logger: log, now: () => t, env: {} });
    const result = await reconcile(req, { log });
    expect(h.applied).toEqual([]);
    // Capped at an hour; the due time is ~16 h away.
    expect(result).toEqual({ requeueAfter: 60 * 60_000 });
    t = agentCertRenewalDueAt(work.metadata.annotations) - 1_000;
    expect(await reconcile(req, { log })).toEqual({ requeueAfter: 1_000 });
    expect(h.applied).toEqual([]);
  });

  it('re-delivers the work with a new certificate once due, changing nothing else', async () => {
    const work = await deliveredAt(T0);
    const h = hub(work);
    const t = T0 + 5 * DAY;
    const reconcile = agentCertRenewalReconciler({ ...h, logger: log, now: () => t, env: {} });
    await reconcile(req, { log });
    expect(h.applied).toHaveLength(1);
    const [renewed] = h.applied as [Work];
    const cert = certOf(renewed);
    expect(cert.subject).toBe(`CN=${CLUSTER}`);
    expect(cert.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
    expect(Date.parse(cert.validFrom)).toBeGreaterThan(T0 + 4 * DAY);
    expect(Date.parse(cert.validTo)).toBeGreaterThan(T0 + 11 * DAY);
    expect(cert.serialNumber).not.toBe(certOf(work).serialNumber);
    // Same image (not Maestro's current one), same Deployment, same config: only the pair changed.
    expect(renewed.spec.workload.manifests[1]).toEqual(work.spec.workload.manifests[1]);
    expect(secretOf(renewed).data['config.yaml']).toBe(secretOf(work).data['config.yaml']);
    expect(secretOf(renewed).data['tls.key']).not.toBe(secretOf(work).data['tls.key']);
    expect(renewed.metadata.labels).toEqual(work.metadata.labels);
    expect(agentCertRenewalDueAt(renewed.metadata.annotations)).toBeGreaterThan(t + 4 * DAY);
  });

  it('renews a work without a record (delivered with a year-long certificate) at once', async () => {
    const work = await deliveredAt(T0);
    delete work.metadata.annotations;
    const h = hub(work);
    await agentCertRenewalReconciler({ ...h, logger: log, now: () => T0 + 60_000, env: {} })(req, { log });
    expect(h.applied).toHaveLength(1);
  });

  it('does not renew twice when the cache lags a renewal already stored', async () => {
    const stale = await deliveredAt(T0);
    const fresh = await deliveredAt(T0 + 5 * DAY);
    const h = hub(stale, fresh);
    const result = await agentCertRenewalReconciler({
      ...h,
      logger: log,
      now: () => T0 + 5 * DAY + 60_000,
      env: {},
    })(req, { log });
    expect(h.applied).toEqual([]);
    expect(result).toEqual({ requeueAfter: 60 * 60_000 });
  });

  it('does nothing for a work that is gone or not the agent work', async () => {
    const h = hub(undefined);
    const reconcile = agentCertRenewalReconciler({ ...h, logger: log, now: () => T0, env: {} });
    expect(await reconcile(req, { log })).toBeUndefined();
    expect(await reconcile({ namespace: CLUSTER, name: 'other' }, { log })).toBeUndefined();
    expect(h.applied).toEqual([]);
  });
});
