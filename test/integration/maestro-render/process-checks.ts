/**
 * Checks shared by the tests that run the rendered Maestro pod as local processes.
 */
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { expect } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { type Mosquitto, startMosquitto } from '../../harness/mosquitto.js';
import { createCa, issueClientCertificate } from '../../../src/tls/certificates.js';
import { eventually } from '../../harness/eventually.js';
import { REST_PROXY_BINARY } from '../../../src/controllers/maestro/render/rest-proxy.js';
import type { Postgres } from '../../harness/postgres.js';
import {
  findObject,
  type PlainObject,
  podSpecOf,
  PORT_FLAGS,
  restProxyBinary,
  type PreparedContainer,
  type PreparedPod,
  preparePod,
  type PreparePodOptions,
  resolveEnv,
  tail,
  materializeVolumes,
  rewriteMountPath,
} from '../../harness/maestro-process.js';

/** The image path of the Maestro binary in the rendered command. */
export const MAESTRO_IMAGE_BINARY = '/usr/local/bin/maestro';

/**
 * Every argument is the rendered one, except the recorded rewrites, which are only: the binary
 * path, `$(VAR)` expansion, the value of a port flag, and a mount path prefix.
 */
export function expectVerbatimExceptRewrites(c: PreparedContainer): void {
  expect(c.argv).toHaveLength(c.rendered.length);
  const rewritten = new Set(c.rewrites.map((r) => r.index));
  c.rendered.forEach((arg, i) => {
    if (!rewritten.has(i)) expect(c.argv[i]).toBe(arg);
  });
  for (const r of c.rewrites) {
    const rendered = c.rendered[r.index] ?? '';
    switch (r.reason) {
      case 'binary':
        expect(r.index).toBe(0);
        expect([MAESTRO_IMAGE_BINARY, REST_PROXY_BINARY]).toContain(rendered);
        break;
      case 'env':
        expect(rendered).toMatch(/\$\([A-Z_]+\)/);
        break;
      case 'port':
        // A port flag's port (`--x=8000`, `--x=:8000`), or the port of a loopback URL.
        if (PORT_FLAGS.some((f) => rendered.startsWith(`${f}=`))) expect(r.to).toMatch(/^--[a-z-]+=:?\d+$/);
        else
          expect(r.to).toBe(
            r.from.replace(/(\/\/localhost:)\d+/, `$1${/\/\/localhost:(\d+)/.exec(r.to)?.[1]}`),
          );
        break;
      case 'mount-path':
        expect(Object.keys(c.mounts).some((m) => r.from.includes(`=${m}/`) || r.from === m)).toBe(true);
        break;
    }
  }
}

/** What the PostgreSQL container does with its env: create the role and database it names. */
export function createEmbeddedDatabase(pg: Postgres, objects: PlainObject[], namespace: string): void {
  const container = podSpecOf(findObject(objects, 'StatefulSet', 'maestro-db', namespace)).containers[0];
  if (!container) throw new Error('maestro-db has no container');
  const env = resolveEnv(container, objects, { name: 'maestro-db-0', namespace });
  // The sclorg (POSTGRESQL_*) and official (POSTGRES_*) images must get the same identity.
  expect([env.POSTGRES_USER, env.POSTGRES_PASSWORD, env.POSTGRES_DB]).toEqual([
    env.POSTGRESQL_USER,
    env.POSTGRESQL_PASSWORD,
    env.POSTGRESQL_DATABASE,
  ]);
  pg.createDatabase(env.POSTGRESQL_DATABASE ?? '', env.POSTGRESQL_USER ?? '', env.POSTGRESQL_PASSWORD ?? '');
}

/**
 * Prepares Deployment `maestro` of `objects` as pod `podName` and checks that both containers run
 * their rendered command lines verbatim apart from the recorded rewrites.
 */
export async function prepareMaestroPod(
  objects: PlainObject[],
  opts: Omit<PreparePodOptions, 'workload' | 'objects' | 'binaries'> & { binary: string; namespace: string },
): Promise<{ pod: PreparedPod; migration: PreparedContainer; server: PreparedContainer }> {
  const { binary, namespace, ...rest } = opts;
  const pod = await preparePod({
    ...rest,
    workload: findObject(objects, 'Deployment', 'maestro', namespace),
    objects,
    binaries: { [MAESTRO_IMAGE_BINARY]: binary, [REST_PROXY_BINARY]: await restProxyBinary() },
    // Unless the caller gives a real API server: nothing in the process tests makes Maestro call
    // it (no gRPC publish/subscribe), so an address that refuses connections stands in for it.
    serviceAccount: rest.serviceAccount ?? { host: '127.0.0.1', port: 1, token: 'test-token', caCert: '' },
  });
  const migration = pod.initContainers.find((c) => c.name === 'migration');
  const server = pod.containers.find((c) => c.name === 'service');
  const proxy = pod.containers.find((c) => c.name === 'rest-proxy');
  if (!migration || !server || !proxy) {
    await pod.stop();
    throw new Error('rendered pod lacks the migration, service or rest-proxy container');
  }
  expectVerbatimExceptRewrites(migration);
  expectVerbatimExceptRewrites(server);
  expectVerbatimExceptRewrites(proxy);
  expect(server.argv).toContain(`--client-id=maestro-${pod.podName}`);
  return { pod, migration, server };
}

/** The `--db-*-file` flags: their values are mount paths, rewritten to the materialized volume. */
export const DB_FILE_FLAGS = [
  '--db-host-file',
  '--db-name-file',
  '--db-password-file',
  '--db-port-file',
  '--db-user-file',
];

/** The TLS file flags of REST and gRPC: mount paths, rewritten to the materialized volumes. */
export const API_TLS_FILE_FLAGS = [
  '--grpc-client-ca-file',
  '--grpc-tls-cert-file',
  '--grpc-tls-key-file',
  '--https-cert-file',
  '--https-key-file',
];

/** The port flags the rendered server sets, rewritten to free ports. */
export const SERVER_PORT_FLAGS = [
  '--grpc-server-bindport',
  '--health-check-server-bindport',
  '--http-server-bindport',
  '--metrics-server-bindport',
];

/** The flags (names only) that were rewritten, for exact expectations. */
export function rewrittenFlags(c: PreparedContainer): string[] {
  const names = c.rewrites.map((r) =>
    r.index === 0 ? '<binary>' : ((c.rendered[r.index] ?? '').split('=')[0] ?? ''),
  );
  return [...new Set(names)].sort();
}

/** Runs the init containers (maestro migration) and expects success (exit code 0). */
export async function runMigration(pod: PreparedPod): Promise<void> {
  await pod.runInitContainers();
}

/**
 * Waits until `user` holds a LISTEN connection on `database`: Maestro's status-event listener
 * opens it with its own connection string (lib/pq), separately from the pgx pool the REST API
 * and /healthcheck use, so it is checked on its own.
 */
export async function expectStatusListener(
  pg: Postgres,
  user: string,
  database: string,
  replicas = 1,
): Promise<void> {
  await eventually(
    () =>
      Number(
        pg.psql(
          `select count(*) from pg_stat_activity where usename = '${user}' and datname = '${database}' and query ilike 'listen %'`,
        ),
      ) >= replicas,
    { timeout: 30_000, message: `${replicas} LISTEN connection(s) of ${user} on ${database}` },
  );
}

/** Starts the server container and waits until its readiness probe URL answers 200. */
export async function startServerAndWaitReady(pod: PreparedPod): Promise<string> {
  const proc = pod.start('service');
  const url = pod.probeUrl('service', 'readinessProbe');
  expect(url).toMatch(/\/healthcheck$/);
  await eventually(
    async () => {
      if (!proc.running()) throw new Error(`maestro server exited:\n${tail(pod.logFile('service'))}`);
      const res = await fetch(url);
      return res.status === 200;
    },
    { timeout: 60_000, interval: 500, message: `${url} to answer 200 (log ${pod.logFile('service')})` },
  );
  return url;
}

/**
 * Starts the REST proxy and waits until it answers: 401 to a request without a token (it checks
 * nothing else then, so the API server need not be reachable yet).
 */
export async function startRestProxy(pod: PreparedPod, ca: string): Promise<string> {
  const proc = pod.start('rest-proxy');
  const url = `https://localhost:${pod.ports.https}/api/maestro/v1/consumers`;
  await eventually(
    async () => {
      if (!proc.running()) throw new Error(`rest-proxy exited:\n${tail(pod.logFile('rest-proxy'))}`);
      return (await httpsGet(url, ca)) === 401;
    },
    { timeout: 30_000, interval: 250, message: `${url} to answer 401 (log ${pod.logFile('rest-proxy')})` },
  );
  return `https://localhost:${pod.ports.https}`;
}

/** Maestro's own REST port (behind the proxy), which the process tests call directly. */
export function upstreamRestPort(pod: PreparedPod): number {
  const port = pod.ports['rest-upstream'];
  if (port === undefined) throw new Error('the rendered server declares no rest-upstream port');
  return port;
}

/** Creates consumer `name` through Maestro's own REST API and checks that the list returns it. */
export async function createAndListConsumer(pod: PreparedPod, name: string): Promise<void> {
  // REST serves TLS; the test trusts any certificate here (expectApiTls checks verification).
  const base = `https://127.0.0.1:${upstreamRestPort(pod)}/api/maestro/v1/consumers`;
  const created = await insecureFetch(base, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const body = (await created.json()) as { id?: string; name?: string; kind?: string };
  expect({ status: created.status, name: body.name, kind: body.kind }).toEqual({
    status: 201,
    name,
    kind: 'Consumer',
  });
  const list = await insecureFetch(base);
  expect(list.status).toBe(200);
  const items = ((await list.json()) as { items?: { id?: string; name?: string }[] }).items ?? [];
  expect(items.map((i) => ({ id: i.id, name: i.name }))).toContainEqual({ id: body.id, name });
}

/** The decoded data of Secret `name` in the rendered objects. */
export function secretData(objects: PlainObject[], name: string, namespace: string): Record<string, string> {
  const secret = findObject(objects, 'Secret', name, namespace) as PlainObject & {
    data?: Record<string, string>;
  };
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
  );
}

/** GET over https, trusting only `ca`; the status, or the error code when the request fails. */
export function httpsGet(
  url: string,
  ca: string,
  opts: { token?: string; method?: string } = {},
): Promise<number | string> {
  return new Promise((resolve) => {
    const headers = opts.token ? { Authorization: `Bearer ${opts.token}` } : {};
    const req = httpsRequest(url, { ca, method: opts.method ?? 'GET', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

/**
 * Opens a TLS connection with ALPN h2 (as a gRPC client does), sends the HTTP/2 preface and
 * resolves `'settings'` when the server answers with its SETTINGS frame, else the error code. With
 * TLS 1.3 the server checks the client certificate after the client's handshake completes, so
 * only the server's first HTTP/2 frame proves it accepted the caller.
 */
export function grpcHandshake(
  port: number,
  ca: string,
  client?: { cert: string; key: string },
): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca,
      ALPNProtocols: ['h2'],
      ...client,
    });
    const done = (r: string) => {
      socket.destroy();
      resolve(r);
    };
    socket.once('secureConnect', () => {
      if (socket.alpnProtocol !== 'h2') return done(`alpn ${String(socket.alpnProtocol)}`);
      socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
      socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])); // an empty SETTINGS frame
    });
    // Frame type at byte 3 of the frame header: 4 is SETTINGS.
    socket.once('data', (chunk: Buffer) => done(chunk[3] === 4 ? 'settings' : `frame ${chunk[3]}`));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    socket.once('close', () => done('closed'));
    setTimeout(() => done('timeout'), 10_000).unref();
  });
}

/**
 * Maestro's own REST serves only TLS with a certificate its proxy verifies; gRPC refuses callers
 * without a client certificate from maestro-api-ca and accepts the one the operator issues.
 */
export async function expectApiTls(
  pod: PreparedPod,
  objects: PlainObject[],
  namespace: string,
): Promise<void> {
  const ca = secretData(objects, 'maestro-api-ca', namespace)['ca.crt'] ?? '';
  const client = secretData(objects, 'maestro-grpc-client-certs', namespace);
  const upstream = `localhost:${upstreamRestPort(pod)}/api/maestro/v1/consumers`;
  const plain = await fetch(`http://${upstream.replace('localhost', '127.0.0.1')}`);
  expect(plain.status).toBe(400); // Go's "client sent an HTTP request to an HTTPS server"
  expect(await httpsGet(`https://${upstream}`, ca)).toBe(200);

  const grpc = pod.ports.grpc ?? 0;
  // No client certificate: the server's TLS 1.3 alert `certificate_required`.
  expect(await grpcHandshake(grpc, ca)).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
  const strangerCa = await createCa({ now: new Date() }, 'stranger');
  const stranger = await issueClientCertificate(
    strangerCa,
    'maestro-grpc-client',
    { now: new Date() },
    'maestro-grpc-clients',
  );
  // The same identity from another CA: the server drops the connection without a frame.
  expect(await grpcHandshake(grpc, ca, stranger)).toMatch(/^(ECONNRESET|ERR_SSL_.*ALERT.*|closed)$/);
  // REST's certificate chains to maestro-api-ca, not to another CA.
  expect(await httpsGet(`https://${upstream}`, strangerCa.cert)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  expect(await grpcHandshake(grpc, ca, { cert: client['tls.crt'] ?? '', key: client['tls.key'] ?? '' })).toBe(
    'settings',
  );
}

/** A minimal fetch over https that skips certificate verification (the body parsed as JSON). */
export function insecureFetch(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; json(): Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers, rejectUnauthorized: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: () => Promise.resolve(JSON.parse(text) as unknown) });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * Mosquitto from Debian with the rendered broker pod's volumes (ConfigMap maestro-mqtt, Secret
 * maestro-mqtt-certs) and its mosquitto.conf with only the listener port and the mount path
 * prefixes rewritten (returned, for exact expectations); and the broker's rendered Service name,
 * from Maestro's broker config.
 */
export async function startRenderedMosquitto(
  objects: PlainObject[],
  namespace: string,
): Promise<{ mq: Mosquitto; confRewrites: { from: string; to: string }[]; brokerName: string }> {
  const spec = podSpecOf(findObject(objects, 'Deployment', 'maestro-mqtt', namespace));
  expect(spec.containers[0]?.command).toEqual([
    '/usr/sbin/mosquitto',
    '-c',
    '/mosquitto/config/mosquitto.conf',
  ]);
  const confRewrites: { from: string; to: string }[] = [];
  const mq = await startMosquitto((port, dir) => {
    const mounts = materializeVolumes(spec, objects, namespace, dir).mounts('mosquitto');
    const conf = readFileSync(join(mounts['/mosquitto/config'] ?? '', 'mosquitto.conf'), 'utf8');
    return conf
      .split('\n')
      .map((line) => {
        const [key, ...rest] = line.split(' ');
        const value = rest.join(' ');
        let to = line;
        if (key === 'listener') to = `listener ${port}`;
        else if (value.startsWith('/')) to = `${key} ${rewriteMountPath(value, mounts)}`;
        if (to !== line) confRewrites.push({ from: line, to });
        return to;
      })
      .join('\n');
  });
  const config = parseYaml(secretData(objects, 'maestro-mqtt', namespace)['config.yaml'] ?? '') as {
    brokerHost: string;
  };
  return { mq, confRewrites, brokerName: config.brokerHost.replace(/:\d+$/, '') };
}
