/**
 * The rendered mqtt-mode configuration (embedded PostgreSQL, embedded Mosquitto, two replicas)
 * runs with the real programs: Mosquitto from Debian with the rendered mosquitto.conf, ACL and
 * certificates; two Maestro server replicas with the rendered flags, broker config.yaml and client
 * certificate, verifying Mosquitto's certificate against the rendered Service name; and real MQTT
 * clients (mosquitto_sub/mosquitto_pub) checking that the rendered ACL confines a cluster to its
 * own topics.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RenderInput } from '../../../src/controllers/maestro/render/index.js';
import { issueMqttClientCertificate } from '../../../src/tls/index.js';
import { consistently, eventually } from '../../harness/eventually.js';
import {
  findObject,
  maestroBinary,
  type PlainObject,
  type PreparedPod,
  withHosts,
} from '../../harness/maestro-process.js';
import type { Mosquitto } from '../../harness/mosquitto.js';
import type { Postgres } from '../../harness/postgres.js';
import { expectOnlyTlsConnections, startEmbeddedPostgres } from './embedded-postgres.js';
import { spawnManaged } from '../../harness/processes.js';
import { render } from './inputs.js';
import {
  createAndListConsumer,
  createEmbeddedDatabase,
  DB_FILE_FLAGS,
  expectStatusListener,
  prepareMaestroPod,
  rewrittenFlags,
  runMigration,
  SERVER_PORT_FLAGS,
  API_TLS_FILE_FLAGS,
  insecureFetch,
  startServerAndWaitReady,
  upstreamRestPort,
  startRenderedMosquitto,
} from './process-checks.js';

const run = promisify(execFile);
const NS = 'maestro';

let pg: Postgres;
let mq: Mosquitto | undefined;
let binary: string;
let objects: PlainObject[];
let input: RenderInput;
let brokerName: string;
let confRewrites: { from: string; to: string }[] = [];
const pods: PreparedPod[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'mmo-mqtt-clients-'));

beforeAll(async () => {
  [binary, { objects, input }] = await Promise.all([
    maestroBinary(),
    render({ spec: { transport: 'mqtt' }, availability: 'High' }),
  ]);
  // PostgreSQL as the rendered StatefulSet runs it: TLS with the generated serving certificate.
  ({ pg } = await startEmbeddedPostgres(objects, NS));
  createEmbeddedDatabase(pg, objects, NS);

  ({ mq, confRewrites, brokerName } = await startRenderedMosquitto(objects, NS));
}, 300_000);

afterAll(async () => {
  await Promise.allSettled(pods.map((p) => p.stop()));
  await mq?.stop();
  await pg?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function secretValue(name: string, key: string): string {
  const data = (findObject(objects, 'Secret', name, NS).data ?? {}) as Record<string, string>;
  return Buffer.from(data[key] ?? '', 'base64').toString('utf8');
}

describe('mqtt transport, embedded broker and database, two replicas', () => {
  it('runs Mosquitto with the rendered config, rewriting only the listener port and file paths', () => {
    expect(confRewrites.map((r) => r.from)).toEqual([
      'acl_file /mosquitto/config/acl.conf',
      'listener 8883',
      'cafile /mosquitto/certs/ca.crt',
      'certfile /mosquitto/certs/tls.crt',
      'keyfile /mosquitto/certs/tls.key',
    ]);
  });

  it('connects Maestro to the broker by the rendered Service name, which the server certificate carries', () => {
    expect(brokerName).toBe(`maestro-mqtt.${NS}.svc`);
    const server = new X509Certificate(secretValue('maestro-mqtt-certs', 'tls.crt'));
    expect(server.subjectAltName?.split(', ')).toContain(`DNS:${brokerName}`);
  });

  it('prepares two replicas with only the documented rewrites', async () => {
    for (const podName of ['maestro-6b8f9c7d5-4kq2n', 'maestro-6b8f9c7d5-zl8tw']) {
      const { pod, migration, server } = await prepareMaestroPod(objects, {
        binary,
        namespace: NS,
        podName,
        // The DB host name is kept and resolved to loopback, so verify-full checks the rendered name.
        database: { port: pg.port },
        mqttBroker: { port: mq?.port ?? 0 },
        hosts: { [brokerName]: '127.0.0.1', [`maestro-db.${NS}`]: '127.0.0.1' },
      });
      pods.push(pod);
      expect(rewrittenFlags(migration)).toEqual(['<binary>', ...DB_FILE_FLAGS, '--db-rootcert'].sort());
      expect(rewrittenFlags(server)).toEqual(
        [
          '<binary>',
          '--client-id',
          ...DB_FILE_FLAGS,
          '--db-rootcert',
          ...SERVER_PORT_FLAGS,
          ...API_TLS_FILE_FLAGS,
          '--message-broker-config-file',
        ].sort(),
      );
      expect(server.rendered).toEqual(
        expect.arrayContaining(['--message-broker-type=mqtt', '--subscription-type=shared']),
      );
      expect(pod.valueRewrites.map((r) => `${r.source}: ${r.from} -> ${r.to}`)).toEqual([
        `Secret maestro-db-config key port: 5432 -> ${pg.port}`,
        `Secret maestro-mqtt key config.yaml: brokerHost: ${brokerName}:8883 -> brokerHost: ${brokerName}:${mq?.port}`,
        ...[
          ['caFile', 'ca.crt'],
          ['clientCertFile', 'tls.crt'],
          ['clientKeyFile', 'tls.key'],
        ].map(
          ([key, file]) =>
            `Secret maestro-mqtt key config.yaml: ${key}: /secrets/mqtt-certs/${file} -> ${key}: ${server.mounts['/secrets/mqtt-certs']}/${file}`,
        ),
      ]);
    }
  });

  it('runs maestro migration in each replica (the second finds the schema in place)', async () => {
    for (const pod of pods) await runMigration(pod);
  });

  it('serves /healthcheck with 200 on both replicas, each listening for status events in PostgreSQL', async () => {
    await Promise.all(pods.map((pod) => startServerAndWaitReady(pod)));
    await expectStatusListener(pg, 'maestro', 'maestro', pods.length);
    expectOnlyTlsConnections(pg, 'maestro');
  });

  it('creates a consumer through one replica and lists it through the other', async () => {
    const [a, b] = pods;
    if (!a || !b) throw new Error('two replicas expected');
    await createAndListConsumer(a, 'cluster1');
    const list = await insecureFetch(`https://127.0.0.1:${upstreamRestPort(b)}/api/maestro/v1/consumers`);
    const items = ((await list.json()) as { items?: { name?: string }[] }).items ?? [];
    expect(items.map((i) => i.name)).toContain('cluster1');
  });

  it("delivers a cluster's status events over TLS to the shared subscription: each to exactly one replica", async () => {
    const events = 4;
    for (let i = 0; i < events; i++) {
      const [cmd, args] = mqttClient('mosquitto_pub', await clusterIdentity('cluster1'), [
        '-V',
        'mqttv5',
        '-q',
        '1',
        '-D',
        'publish',
        'content-type',
        'application/cloudevents+json',
        '-t',
        'sources/maestro/consumers/cluster1/agentevents',
        '-m',
        JSON.stringify(statusEvent('cluster1', `status-${i}`)),
      ]);
      await run(cmd, args);
    }
    const received = () => Promise.all(pods.map((p) => receivedStatusEvents(p, 'cluster1')));
    await eventually(
      async () => {
        const counts = await received();
        if (counts.reduce((a, b) => a + b, 0) !== events)
          throw new Error(`per replica: ${counts.join(', ')}`);
      },
      { timeout: 30_000, message: `${events} status events counted by the replicas` },
    );
    // Round robin over the group: both replicas subscribed, and no event was handled twice.
    await consistently(async () => (await received()).reduce((a, b) => a + b, 0) === events, {
      duration: 2_000,
      message: 'no status event delivered twice',
    });
    expect((await received()).every((n) => n > 0)).toBe(true);
  });
});

describe('the rendered ACL with real MQTT clients', () => {
  const base = 'sources/maestro/consumers';

  /**
   * Starts the subscribers, waits for their SUBACKs, publishes in order, and returns the first
   * `count` messages each subscriber received. The broker handles the publishes in order, so a
   * message published before one that arrived, but not received itself, was denied.
   */
  async function deliveries(
    subscribers: { who: Identity; topics: string[]; count: number }[],
    publishes: { who: Identity; topic: string; payload: string }[],
  ): Promise<string[][]> {
    const subs = subscribers.map((s, i) => {
      const id = `acl-${Date.now()}-${i}`;
      const log = join(scratch, `${id}.log`);
      const [cmd, args] = mqttClient('mosquitto_sub', s.who, [
        '-d',
        '-i',
        id,
        ...s.topics.flatMap((t) => ['-t', t]),
        '-C',
        String(s.count),
        '-W',
        '60',
        '-F',
        'MSG %t %p',
      ]);
      return { log, proc: spawnManaged('mosquitto_sub', cmd, args, { logFile: log }) };
    });
    for (const { log } of subs) {
      await eventually(() => readFileSync(log, 'utf8').includes('received SUBACK'), {
        timeout: 20_000,
        message: `mosquitto_sub SUBACK (log ${log})`,
      });
    }
    for (const p of publishes) {
      const [cmd, args] = mqttClient('mosquitto_pub', p.who, ['-q', '1', '-t', p.topic, '-m', p.payload]);
      await run(cmd, args);
    }
    const out: string[][] = [];
    for (const { log, proc } of subs) {
      expect(await proc.exited).toBe(0);
      out.push(
        readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('MSG '))
          .map((l) => l.slice(4)),
      );
    }
    return out;
  }

  it("lets cluster1 read its own sourceevents and not cluster2's", async () => {
    const [cluster1, cluster2] = [await clusterIdentity('cluster1'), await clusterIdentity('cluster2')];
    const got = await deliveries(
      [
        // cluster1 subscribes to both topics: Mosquitto grants the SUBSCRIBE and filters on delivery.
        {
          who: cluster1,
          topics: [`${base}/cluster2/sourceevents`, `${base}/cluster1/sourceevents`],
          count: 1,
        },
        // Control: cluster2 does receive what was published to its topic.
        { who: cluster2, topics: [`${base}/cluster2/sourceevents`], count: 1 },
      ],
      [
        { who: maestroIdentity(), topic: `${base}/cluster2/sourceevents`, payload: 'spec-for-cluster2' },
        { who: maestroIdentity(), topic: `${base}/cluster1/sourceevents`, payload: 'spec-for-cluster1' },
      ],
    );
    expect(got).toEqual([
      [`${base}/cluster1/sourceevents spec-for-cluster1`],
      [`${base}/cluster2/sourceevents spec-for-cluster2`],
    ]);
  });

  it("lets cluster1 write its own agentevents and not cluster2's", async () => {
    const [cluster1, cluster2] = [await clusterIdentity('cluster1'), await clusterIdentity('cluster2')];
    const got = await deliveries(
      [{ who: maestroIdentity(), topics: [`${base}/+/agentevents`], count: 2 }],
      [
        { who: cluster1, topic: `${base}/cluster2/agentevents`, payload: 'status-from-cluster1' },
        { who: cluster1, topic: `${base}/cluster1/agentevents`, payload: 'status-from-cluster1' },
        // Control: the cluster2 topic is writable by cluster2.
        { who: cluster2, topic: `${base}/cluster2/agentevents`, payload: 'status-from-cluster2' },
      ],
    );
    expect(got).toEqual([
      [
        `${base}/cluster1/agentevents status-from-cluster1`,
        `${base}/cluster2/agentevents status-from-cluster2`,
      ],
    ]);
  });
});

/** Files of an MQTT client identity: the rendered CA, a certificate and its key. */
interface Identity {
  ca: string;
  cert: string;
  key: string;
}

function writeScratch(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

/** The Maestro server's identity, as rendered into Secret maestro-server-certs. */
function maestroIdentity(): Identity {
  return {
    ca: writeScratch('ca.crt', secretValue('maestro-server-certs', 'ca.crt')),
    cert: writeScratch('maestro.crt', secretValue('maestro-server-certs', 'tls.crt')),
    key: writeScratch('maestro.key', secretValue('maestro-server-certs', 'tls.key')),
  };
}

/** An agent identity (CN = cluster name) issued from the rendered CA by issueMqttClientCertificate. */
async function clusterIdentity(cluster: string): Promise<Identity> {
  const ca = input.generated.mqtt?.ca;
  if (!ca) throw new Error('no MQTT CA rendered');
  const pair = await issueMqttClientCertificate(ca, cluster, { now: new Date() });
  return {
    ca: writeScratch('ca.crt', secretValue('maestro-mqtt-certs', 'ca.crt')),
    cert: writeScratch(`${cluster}.crt`, pair.cert),
    key: writeScratch(`${cluster}.key`, pair.key),
  };
}

/**
 * A mosquitto_pub/mosquitto_sub command line that connects to the broker by its rendered Service
 * name (resolved to 127.0.0.1 for this process only) and verifies its certificate against the
 * rendered CA. stdbuf: mosquitto_sub's output goes to a file, which stdio would buffer.
 */
function mqttClient(bin: string, who: Identity, args: string[]): [string, string[]] {
  return withHosts({ [brokerName]: '127.0.0.1' }, join(scratch, `hosts-${bin}`), 'stdbuf', [
    '-oL',
    bin,
    '-h',
    brokerName,
    '-p',
    String(mq?.port),
    '--cafile',
    who.ca,
    '--cert',
    who.cert,
    '--key',
    who.key,
    ...args,
  ]);
}

/** A structured-mode CloudEvent as a work agent sends a manifest bundle status. */
function statusEvent(cluster: string, id: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: `${cluster}-work-agent`,
    type: 'io.open-cluster-management.works.v1alpha1.manifestbundles.status.update_request',
    datacontenttype: 'application/json',
    clustername: cluster,
    resourceid: '00000000-0000-4000-8000-000000000001',
    resourceversion: 1,
    data: {},
  };
}

/** Status events from `cluster` a replica has received (sdk-go cloudevents_received_total). */
async function receivedStatusEvents(pod: PreparedPod, cluster: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${pod.ports.metrics}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('cloudevents_received_total{') &&
        l.includes(`consumer="${cluster}"`) &&
        l.includes('subresource="status"'),
    )
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
