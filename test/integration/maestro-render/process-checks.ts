/**
 * Checks shared by the tests that run the rendered Maestro pod as local processes.
 */
import { expect } from '@jest/globals';
import { eventually } from '../../harness/eventually.js';
import type { Postgres } from '../../harness/postgres.js';
import {
  findObject,
  type PlainObject,
  podSpecOf,
  PORT_FLAGS,
  type PreparedContainer,
  type PreparedPod,
  preparePod,
  type PreparePodOptions,
  resolveEnv,
  tail,
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
        expect([r.index, rendered]).toEqual([0, MAESTRO_IMAGE_BINARY]);
        break;
      case 'env':
        expect(rendered).toMatch(/\$\([A-Z_]+\)/);
        break;
      case 'port':
        expect(PORT_FLAGS.some((f) => rendered.startsWith(`${f}=`))).toBe(true);
        expect(r.to).toMatch(/^--[a-z-]+=\d+$/);
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
    binaries: { [MAESTRO_IMAGE_BINARY]: binary },
  });
  const migration = pod.initContainers.find((c) => c.name === 'migration');
  const server = pod.containers.find((c) => c.name === 'service');
  if (!migration || !server) {
    await pod.stop();
    throw new Error('rendered pod lacks the migration or service container');
  }
  expectVerbatimExceptRewrites(migration);
  expectVerbatimExceptRewrites(server);
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

/** Creates consumer `name` through the REST API and checks that the list returns it. */
export async function createAndListConsumer(pod: PreparedPod, name: string): Promise<void> {
  const base = `http://127.0.0.1:${pod.ports.http}/api/maestro/v1/consumers`;
  const created = await fetch(base, {
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
  const list = await fetch(base);
  expect(list.status).toBe(200);
  const items = ((await list.json()) as { items?: { id?: string; name?: string }[] }).items ?? [];
  expect(items.map((i) => ({ id: i.id, name: i.name }))).toContainEqual({ id: body.id, name });
}
