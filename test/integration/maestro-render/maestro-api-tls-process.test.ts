/**
 * Security of Maestro's own listeners with the real server: the rendered pod (grpc transport, a
 * user-supplied database so this test depends on nothing but the listeners) serves REST only over
 * TLS with a certificate from maestro-api-ca, and gRPC only to callers presenting a client
 * certificate from that CA (`--grpc-authn-type=mtls`). Maestro has no REST authentication; REST is
 * kept from other pods by NetworkPolicy (unit-tested), not by the server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { maestroBinary, type PlainObject, type PreparedPod } from '../../harness/maestro-process.js';
import { type Postgres, startPostgres } from '../../harness/postgres.js';
import { render, userSecret } from './inputs.js';
import { expectApiTls, prepareMaestroPod, runMigration, startServerAndWaitReady } from './process-checks.js';

const NS = 'maestro';

let pg: Postgres;
let binary: string;
let pod: PreparedPod | undefined;

beforeAll(async () => {
  [pg, binary] = await Promise.all([startPostgres(), maestroBinary()]);
}, 300_000);

afterAll(async () => {
  await pod?.stop();
  await pg?.stop();
});

describe('Maestro REST and gRPC listeners', () => {
  let objects: PlainObject[] = [];

  it('start with the rendered TLS and mutual TLS flags', async () => {
    const data = {
      'db.host': pg.host,
      'db.port': String(pg.port),
      'db.user': 'maestro_tls',
      'db.password': 'api-tls-test-password',
      'db.name': 'maestro_tls',
      'db.sslmode': 'disable',
    };
    pg.createDatabase(data['db.name'], data['db.user'], data['db.password']);
    const rendered = await render({
      spec: {
        transport: 'grpc',
        database: { type: 'External', external: { secretRef: { name: 'maestro-ext-db' } } },
      },
      external: { database: data },
    });
    objects = [...rendered.objects, userSecret('maestro-ext-db', NS, data)];
    const prepared = await prepareMaestroPod(objects, {
      binary,
      namespace: NS,
      podName: 'maestro-6b7c8d9e0-tlsxx',
      database: { host: pg.host, port: pg.port },
    });
    pod = prepared.pod;
    await runMigration(pod);
    await startServerAndWaitReady(pod);
    expect(prepared.server.rendered).toEqual(
      expect.arrayContaining(['--enable-https=true', '--grpc-authn-type=mtls']),
    );
  });

  it('serve REST only over verified TLS, and gRPC only to callers with a client certificate from maestro-api-ca', async () => {
    if (!pod) throw new Error('the server did not start');
    await expectApiTls(pod, objects, NS);
  });
});
