/**
 * The rendered grpc-mode configuration runs with the real Maestro server (built from its pinned Go
 * module) against a real PostgreSQL: `maestro migration` and `maestro server` are started with
 * exactly the rendered command lines and Secret files (see test/harness/maestro-process.ts for
 * the few rewrites), for the embedded and the external database.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { maestroBinary, type PreparedPod } from '../../harness/maestro-process.js';
import { type Postgres, startPostgres } from '../../harness/postgres.js';
import {
  type EmbeddedPostgres,
  expectOnlyTlsConnections,
  startEmbeddedPostgres,
} from './embedded-postgres.js';
import { render, userSecret } from './inputs.js';
import {
  createAndListConsumer,
  createEmbeddedDatabase,
  API_TLS_FILE_FLAGS,
  DB_FILE_FLAGS,
  expectStatusListener,
  prepareMaestroPod,
  rewrittenFlags,
  runMigration,
  SERVER_PORT_FLAGS,
  startServerAndWaitReady,
} from './process-checks.js';

const NS = 'maestro';

let pg: Postgres;
let binary: string;
const pods: PreparedPod[] = [];

beforeAll(async () => {
  [pg, binary] = await Promise.all([startPostgres(), maestroBinary()]);
}, 300_000);

afterAll(async () => {
  await Promise.allSettled(pods.map((p) => p.stop()));
  await pg?.stop();
});

const tablesIn = (database: string) =>
  pg
    .psql("select count(*) > 0 from information_schema.tables where table_name = 'consumers'", database)
    .trim();

describe('grpc transport, embedded database over TLS', () => {
  let pod: PreparedPod;
  let tlsPg: EmbeddedPostgres;

  afterAll(async () => {
    await tlsPg?.pg.stop();
  });

  it('runs PostgreSQL with the rendered ssl settings and serving certificate', async () => {
    const { objects } = await render({ spec: { transport: 'grpc' } });
    tlsPg = await startEmbeddedPostgres(objects, NS);
    expect(tlsPg.settings).toMatchObject({ ssl: 'on' });
    expect(tlsPg.files).toEqual({
      ssl_cert_file: '/etc/pgsql-tls/tls.crt',
      ssl_key_file: '/etc/pgsql-tls/tls.key',
    });
    expect(tlsPg.pg.psql('show ssl').trim()).toBe('on');
    createEmbeddedDatabase(tlsPg.pg, objects, NS);

    const prepared = await prepareMaestroPod(objects, {
      binary,
      namespace: NS,
      podName: 'maestro-7d9f8b6c5-x2x7q',
      // Only the port changes: the rendered host name resolves to loopback, so verify-full checks
      // the certificate against the name Maestro really uses.
      database: { port: tlsPg.pg.port },
      hosts: { [`maestro-db.${NS}`]: '127.0.0.1' },
    });
    pod = prepared.pod;
    pods.push(pod);
    expect(rewrittenFlags(prepared.migration)).toEqual(
      ['<binary>', ...DB_FILE_FLAGS, '--db-rootcert'].sort(),
    );
    expect(rewrittenFlags(prepared.server)).toEqual(
      [
        '<binary>',
        '--client-id',
        ...DB_FILE_FLAGS,
        '--db-rootcert',
        ...SERVER_PORT_FLAGS,
        ...API_TLS_FILE_FLAGS,
      ].sort(),
    );
    for (const c of [prepared.migration, prepared.server]) {
      expect(c.rendered).toEqual(
        expect.arrayContaining(['--db-sslmode=verify-full', '--db-rootcert=/secrets/rds/ca.crt']),
      );
    }
    expect(prepared.server.rendered).toContain('--disable-message-broker=true');
    expect(pod.valueRewrites.map((r) => [r.source, r.from, r.to])).toEqual([
      ['Secret maestro-db-config key port', '5432', String(tlsPg.pg.port)],
    ]);
  });

  it('runs maestro migration to completion', async () => {
    await runMigration(pod);
    expect(
      tlsPg.pg
        .psql("select count(*) > 0 from information_schema.tables where table_name = 'consumers'", 'maestro')
        .trim(),
    ).toBe('t');
  });

  it('serves /healthcheck with 200 once the server is up, and listens for status events, all over TLS', async () => {
    await startServerAndWaitReady(pod);
    await expectStatusListener(tlsPg.pg, 'maestro', 'maestro');
    expectOnlyTlsConnections(tlsPg.pg, 'maestro');
  });

  it('creates and lists a consumer through the REST API', async () => {
    await createAndListConsumer(pod, 'cluster1');
  });

  it('refuses a server whose certificate is not from the CA it trusts', async () => {
    const { objects } = await render({ spec: { transport: 'grpc' } });
    // Another render: a new CA. Maestro trusts that one, and this PostgreSQL serves the first's.
    const prepared = await prepareMaestroPod(objects, {
      binary,
      namespace: NS,
      podName: 'maestro-7d9f8b6c5-wrong',
      database: { port: tlsPg.pg.port },
      hosts: { [`maestro-db.${NS}`]: '127.0.0.1' },
    });
    pods.push(prepared.pod);
    await expect(runMigration(prepared.pod)).rejects.toThrow(/certificate signed by unknown authority/);
  });
});

describe('grpc transport, external database', () => {
  let pod: PreparedPod;

  it('prepares the pod from the Secret the user supplies, with no value rewrites', async () => {
    const data = {
      'db.host': pg.host,
      'db.port': String(pg.port),
      'db.user': 'maestro_ext',
      'db.password': 'Ext-p@ss:w0rd/+=;',
      'db.name': 'maestro_ext',
      'db.sslmode': 'disable',
    };
    pg.createDatabase(data['db.name'], data['db.user'], data['db.password']);
    const { objects } = await render({
      spec: {
        transport: 'grpc',
        database: { type: 'External', external: { secretRef: { name: 'maestro-ext-db' } } },
      },
      external: { database: data },
    });
    expect(objects.some((o) => o.kind === 'StatefulSet')).toBe(false);
    const prepared = await prepareMaestroPod([...objects, userSecret('maestro-ext-db', NS, data)], {
      binary,
      namespace: NS,
      podName: 'maestro-5c6d7f8b9-abcde',
      database: { host: pg.host, port: pg.port },
    });
    pod = prepared.pod;
    pods.push(pod);
    expect(rewrittenFlags(prepared.server)).toEqual(
      ['<binary>', '--client-id', ...DB_FILE_FLAGS, ...SERVER_PORT_FLAGS, ...API_TLS_FILE_FLAGS].sort(),
    );
    expect(prepared.server.rendered).toEqual(
      expect.arrayContaining(['--db-host-file=/secrets/rds/db.host', '--db-sslmode=disable']),
    );
    expect(pod.valueRewrites).toEqual([]);
  });

  it('runs maestro migration to completion', async () => {
    await runMigration(pod);
    expect(tablesIn('maestro_ext')).toBe('t');
  });

  it('serves /healthcheck with 200, listens for status events and creates a consumer', async () => {
    await startServerAndWaitReady(pod);
    await expectStatusListener(pg, 'maestro_ext', 'maestro_ext');
    await createAndListConsumer(pod, 'cluster1');
  });
});
