/**
 * Security of Maestro's listeners with the real server: the rendered pod (grpc transport, a
 * user-supplied database so this test depends on nothing but the listeners) serves REST only
 * through its authenticating proxy (the real kube-rbac-proxy, reviewing tokens and rights with
 * the real API server through the pod's `maestro` ServiceAccount and the ClusterRoleBinding that
 * config/rbac/hub-namespaces ships), Maestro's own REST only over TLS with a certificate from
 * maestro-api-ca, and gRPC only to callers presenting a client certificate from that CA
 * (`--grpc-authn-type=mtls`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { HUB_NAMESPACES_DIR, MAESTRO_AUTH_DELEGATOR } from '../../../hack/manifests.js';
import { maestroConsumers } from '../../../src/controllers/rollout/maestro-consumers.js';
import { type ControlPlane, REPO_ROOT, startControlPlane } from '../../harness/control-plane.js';
import { maestroBinary, type PlainObject, type PreparedPod } from '../../harness/maestro-process.js';
import { type Postgres, startPostgres } from '../../harness/postgres.js';
import { createCa } from '../../../src/tls/certificates.js';
import { render, userSecret } from './inputs.js';
import {
  expectApiTls,
  httpsGet,
  prepareMaestroPod,
  runMigration,
  secretData,
  startRestProxy,
  startServerAndWaitReady,
} from './process-checks.js';

const NS = 'maestro';

let pg: Postgres;
let cp: ControlPlane;
let binary: string;
let pod: PreparedPod | undefined;
/** Tokens (TokenRequest) of ServiceAccounts in NS: the server's own and three REST callers. */
const tokens: Record<'maestro' | 'reader' | 'writer' | 'stranger', string> = {
  maestro: '',
  reader: '',
  writer: '',
  stranger: '',
};

/** RBAC on `maestros/rest` of Maestro `cluster`: reader may get, writer may get and create. */
function restGrant(name: string, verbs: string[]): string {
  return `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: maestro-rest-${name} }
rules:
  - apiGroups: [maestro.multicluster.openshift.io]
    resources: [maestros/rest]
    resourceNames: [cluster]
    verbs: [${verbs.join(', ')}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: maestro-rest-${name} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: maestro-rest-${name} }
subjects: [{ kind: ServiceAccount, name: ${name}, namespace: ${NS} }]
`;
}

beforeAll(async () => {
  [pg, binary, cp] = await Promise.all([
    startPostgres(),
    maestroBinary(),
    startControlPlane({ name: 'maestro-rest-proxy' }),
  ]);
  await cp.kubectl(['create', 'namespace', NS]);
  for (const sa of Object.keys(tokens)) await cp.kubectl(['create', 'serviceaccount', '-n', NS, sa]);
  await cp.kubectl(['apply', '-f', join(REPO_ROOT, HUB_NAMESPACES_DIR, `${MAESTRO_AUTH_DELEGATOR}.yaml`)]);
  await cp.kubectl(['apply', '-f', '-'], {
    input: `${restGrant('reader', ['get'])}---${restGrant('writer', ['get', 'create'])}`,
  });
  for (const sa of Object.keys(tokens) as (keyof typeof tokens)[]) {
    tokens[sa] = (await cp.kubectl(['create', 'token', '-n', NS, sa, '--duration=1h'])).trim();
  }
}, 300_000);

afterAll(async () => {
  await pod?.stop();
  await pg?.stop();
  await cp?.stop();
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
    const api = new URL(cp.server);
    const prepared = await prepareMaestroPod(objects, {
      binary,
      namespace: NS,
      podName: 'maestro-6b7c8d9e0-tlsxx',
      database: { host: pg.host, port: pg.port },
      serviceAccount: {
        host: api.hostname,
        port: Number(api.port),
        token: tokens.maestro,
        caCert: cp.caCert,
      },
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

  it('admit to REST only callers whose token the API server accepts and whose RBAC grants the verb on maestros/rest', async () => {
    if (!pod) throw new Error('the server did not start');
    const ca = secretData(objects, 'maestro-api-ca', NS)['ca.crt'] ?? '';
    const restUrl = await startRestProxy(pod, ca);
    const consumers = `${restUrl}/api/maestro/v1/consumers`;
    // No token, or one the API server did not issue: 401 (TokenReview).
    expect(await httpsGet(consumers, ca)).toBe(401);
    expect(await httpsGet(consumers, ca, { token: 'not-a-token' })).toBe(401);
    // A valid identity without the right: 403 (SubjectAccessReview), for reads and writes.
    expect(await httpsGet(consumers, ca, { token: tokens.stranger })).toBe(403);
    expect(await httpsGet(consumers, ca, { token: tokens.stranger, method: 'POST' })).toBe(403);
    // get allows GET only; POST needs create.
    expect(await httpsGet(consumers, ca, { token: tokens.reader })).toBe(200);
    expect(await httpsGet(consumers, ca, { token: tokens.reader, method: 'POST' })).toBe(403);
    // The operator's consumer client, as the writer: registers through the proxy, and the
    // reader then finds the consumer.
    const asWriter = maestroConsumers(restUrl, { ca, token: () => Promise.resolve(tokens.writer) });
    expect(await asWriter.ensure('cluster-via-proxy')).toBe('created');
    const asReader = maestroConsumers(restUrl, { ca, token: () => Promise.resolve(tokens.reader) });
    expect(await asReader.ensure('cluster-via-proxy')).toBe('exists');
    // Without a token the client says why it was refused.
    await expect(maestroConsumers(restUrl, { ca }).ensure('cluster-2')).rejects.toThrow(
      /HTTP 401 \(the REST proxy found no valid bearer token/,
    );
    // The proxy's certificate chains to maestro-api-ca (off OpenShift), not to another CA.
    const stranger = await createCa({ now: new Date() }, 'stranger');
    expect(await httpsGet(consumers, stranger.cert, { token: tokens.reader })).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
  });
});
