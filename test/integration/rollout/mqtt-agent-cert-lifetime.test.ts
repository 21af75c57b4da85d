/**
 * Agent certificate lifetime against a real Mosquitto running the rendered mosquitto.conf and ACL:
 * the certificate of a cluster that left the fleet (or moved back to kube) stops being renewed and
 * is refused at connect once its week is over, a current one connects, and the certificate the
 * renewal reconcile delivers (fake clock, two thirds into the old one's lifetime) connects while
 * the old one still does too, so the agent's switch-over has no gap.
 */
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAESTRO_KIND } from '../../../src/api/maestro.js';
import { mosquittoConf } from '../../../src/controllers/maestro/render/mqtt-broker.js';
import { ensureMqttTlsMaterial, issueMqttClientCertificate } from '../../../src/tls/index.js';
import { mosquittoAcl } from '../../../src/controllers/maestro/render/mosquitto-acl.js';
import type { TlsKeyPair } from '../../../src/controllers/maestro/render/index.js';
import { agentCertRenewalReconciler } from '../../../src/controllers/rollout/agent-cert-renewal.js';
import { AGENT_WORK_NAME, maestroAgentWork } from '../../../src/controllers/rollout/drivers/maestro-agent.js';
import type { RolloutInformers } from '../../../src/controllers/rollout/world.js';
import type { KubeClient, KubeObject, Logger } from '../../../src/runtime/index.js';
import { type Mosquitto, startMosquitto } from '../../harness/mosquitto.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.now();
let mq: Mosquitto;
let ca: TlsKeyPair;

beforeAll(async () => {
  const tls = await ensureMqttTlsMaterial({}, ['localhost'], { now: new Date(NOW - 30 * DAY) });
  ca = tls.material.ca;
  mq = await startMosquitto((port, dir) => {
    writeFileSync(join(dir, 'ca.crt'), ca.cert);
    writeFileSync(join(dir, 'tls.crt'), tls.material.server.cert);
    writeFileSync(join(dir, 'tls.key'), tls.material.server.key);
    writeFileSync(join(dir, 'acl.conf'), mosquittoAcl('maestro', 'maestro'));
    return mosquittoConf()
      .replaceAll('/mosquitto/certs/', `${dir}/`)
      .replaceAll('/mosquitto/config/', `${dir}/`)
      .replace(/^listener \d+$/m, `listener ${port}`);
  });
}, 60_000);

afterAll(async () => {
  await mq?.stop();
});

/** MQTT 3.1.1 CONNECT with a client certificate: 'connected' on CONNACK 0, else why not. */
function mqttConnect(pair: TlsKeyPair, clientId: string): Promise<string> {
  const id = Buffer.from(clientId);
  const body = Buffer.concat([
    Buffer.from([0, 4, ...Buffer.from('MQTT'), 4, 0x02, 0, 60, id.length >> 8, id.length & 0xff]),
    id,
  ]);
  const packet = Buffer.concat([Buffer.from([0x10, body.length]), body]);
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port: mq.port,
      servername: 'localhost',
      ca: ca.cert,
      cert: pair.cert,
      key: pair.key,
    });
    const done = (result: string) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(10_000, () => done('timeout'));
    socket.on('secureConnect', () => socket.write(packet));
    socket.on('data', (d: Buffer) =>
      done(d[0] === 0x20 && d[3] === 0 ? 'connected' : `CONNACK ${d.toString('hex')}`),
    );
    socket.on('error', (e) => done(`refused: ${e.message}`));
    socket.on('close', () => done('closed without CONNACK'));
  });
}

interface Manifest {
  kind: string;
  data?: Record<string, string>;
}
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

const log = { info: () => {}, debug: () => {} } as unknown as Logger;

describe('MQTT agent certificates are short-lived and renewed', () => {
  it('refuses a departed cluster whose last certificate is over a week old; a current one connects', async () => {
    const departed = await issueMqttClientCertificate(ca, 'gone-cluster', { now: new Date(NOW - 8 * DAY) });
    expect(new Date(new X509Certificate(departed.cert).validTo).getTime()).toBeLessThan(NOW);
    expect(await mqttConnect(departed, 'gone-cluster-maestro-agent')).not.toBe('connected');

    const current = await issueMqttClientCertificate(ca, 'cluster-1', { now: new Date(NOW - 60_000) });
    expect(await mqttConnect(current, 'cluster-1-maestro-agent')).toBe('connected');
  });

  it('renews two thirds into the lifetime; the renewed certificate connects, and so does the old one meanwhile', async () => {
    const cluster = 'cluster-2';
    const first = await issueMqttClientCertificate(ca, cluster, { now: new Date(NOW - 5 * DAY) });
    const work = maestroAgentWork(
      cluster,
      {
        image: 'quay.io/maestro/maestro:test',
        brokerHost: `localhost:${mq.port}`,
        caCert: ca.cert,
        clientCert: first.cert,
        clientKey: first.key,
        openshift: false,
      },
      {},
    ) as unknown as KubeObject;
    const applied: KubeObject[] = [];
    const data = {
      get: async (ref: { kind: string }) =>
        ref.kind === MAESTRO_KIND
          ? {
              metadata: { name: 'cluster' },
              spec: { images: { maestro: 'quay.io/maestro/maestro:test' } },
              status: {
                transport: 'mqtt',
                endpoints: { rest: 'http://127.0.0.1:1', agents: 'localhost:8883' },
              },
            }
          : work,
      apply: async (o: KubeObject) => (applied.push(o), o),
    } as unknown as KubeClient;
    const control = {
      get: async () => ({
        metadata: { name: 'maestro-mqtt-ca' },
        data: {
          'ca.crt': Buffer.from(ca.cert).toString('base64'),
          'ca.key': Buffer.from(ca.key).toString('base64'),
        },
      }),
    } as unknown as KubeClient;
    const world = { agentWork: () => work } as unknown as RolloutInformers;
    await agentCertRenewalReconciler({ world, data, control, logger: log, now: () => NOW, env: {} })(
      { namespace: cluster, name: AGENT_WORK_NAME },
      { log },
    );
    expect(applied).toHaveLength(1);
    const manifests = (applied[0] as unknown as { spec: { workload: { manifests: Manifest[] } } }).spec
      .workload.manifests;
    const secretData = manifests.find((m) => m.kind === 'Secret')?.data ?? {};
    const renewed = { cert: unb64(secretData['tls.crt']), key: unb64(secretData['tls.key']) };
    expect(renewed.cert).not.toBe(first.cert);
    expect(await mqttConnect(renewed, `${cluster}-maestro-agent`)).toBe('connected');
    expect(await mqttConnect(first, `${cluster}-maestro-agent`)).toBe('connected');
  });
});
