/**
 * The secure metrics server against a real kube-apiserver (RBAC on, ServiceAccount tokens): the
 * operator's own ServiceAccount, bound only to the generated ClusterRole, reviews each scraper's
 * token (TokenReview) and its permission to get /metrics (SubjectAccessReview); Prometheus'
 * ServiceAccount gets that permission from the shipped config/prometheus/metrics-reader.yaml.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { bearerTokenOf, scrapeMetrics } from '../../harness/metrics-scrape.js';
import { createControlPlanePki } from '../../harness/pki.js';
import { KubeClient } from '../../../src/runtime/client/kube-client.js';
import { serveMetrics, type RunningMetricsServer } from '../../../src/runtime/http-servers.js';
import { fileLogger } from './helpers.js';

let cp: ControlPlane;
/** The operator's client: a token of its ServiceAccount, bound only to config/rbac. */
let operator: KubeClient;
const tokens: Record<'prometheus' | 'stranger' | 'admin', string> = {
  prometheus: '',
  stranger: '',
  admin: '',
};
const servers: RunningMetricsServer[] = [];
let certDir: string;

async function token(namespace: string, name: string): Promise<string> {
  return (await cp.kubectl(['create', 'token', '-n', namespace, name, '--duration=1h'])).trim();
}

beforeAll(async () => {
  cp = await startControlPlane({ name: 'secure-metrics', upstreamCrds: false, ownCrds: false });
  await cp.kubectl(['create', 'namespace', 'mce-maestro-operator']);
  await cp.kubectl(['create', 'namespace', 'openshift-monitoring']);
  await cp.kubectl(['create', 'namespace', 'elsewhere']);
  await cp.kubectl(['create', 'serviceaccount', '-n', 'mce-maestro-operator', 'mce-maestro-operator']);
  await cp.kubectl(['create', 'serviceaccount', '-n', 'openshift-monitoring', 'prometheus-k8s']);
  await cp.kubectl(['create', 'serviceaccount', '-n', 'elsewhere', 'stranger']);
  // The generated operator RBAC and the shipped metrics-reader ClusterRole and binding, as is.
  for (const file of [
    'config/rbac/cluster_role.yaml',
    'config/rbac/cluster_role_binding.yaml',
    'config/prometheus/metrics-reader.yaml',
  ]) {
    await cp.kubectl(['apply', '--server-side', '-f', join(REPO_ROOT, file)]);
  }
  const kc = new KubeConfig();
  kc.loadFromFile(await cp.serviceAccountKubeconfig('mce-maestro-operator', 'mce-maestro-operator'));
  operator = new KubeClient({ kubeConfig: kc, qps: 100, burst: 200 });
  tokens.prometheus = await token('openshift-monitoring', 'prometheus-k8s');
  tokens.stranger = await token('elsewhere', 'stranger');
  tokens.admin = bearerTokenOf(cp.kubeConfig());
  certDir = mkdtempSync(join(tmpdir(), 'metrics-tls-'));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  operator?.close();
  await cp?.stop();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

async function start(name: string, dir: string): Promise<{ server: RunningMetricsServer; logPath: string }> {
  const { log, path } = fileLogger(cp, name);
  const server = await serveMetrics('127.0.0.1:0', {
    secure: true,
    authClient: operator,
    logger: log,
    certDir: dir,
    certReloadIntervalMs: 200,
  });
  if (!server) throw new Error('metrics server not started');
  servers.push(server);
  return { server, logPath: path };
}

describe('secure metrics with a self-signed certificate (empty cert dir)', () => {
  let server: RunningMetricsServer;
  let logPath: string;

  beforeAll(async () => {
    ({ server, logPath } = await start('metrics-self-signed', join(certDir, 'absent')));
    expect(server.scheme).toBe('https');
    expect(server.certSource).toBe('self-signed');
  });

  it('answers 401 without a token and with a garbage token', async () => {
    const none = await scrapeMetrics(server.port);
    expect(none.status).toBe(401);
    expect(none.body).not.toContain('nodejs_heap_size_total_bytes');
    const garbage = await scrapeMetrics(server.port, { token: 'not-a-real-token' });
    expect(garbage.status).toBe(401);
    expect(garbage.body).not.toContain('nodejs_heap_size_total_bytes');
  });

  it('answers 403 to a ServiceAccount without get on /metrics', async () => {
    const res = await scrapeMetrics(server.port, { token: tokens.stranger });
    expect(res.status).toBe(403);
    expect(res.body).toContain('system:serviceaccount:elsewhere:stranger');
    expect(res.body).not.toContain('nodejs_heap_size_total_bytes');
  });

  it('serves the metrics to Prometheus (metrics-reader) and to an admin', async () => {
    const res = await scrapeMetrics(server.port, { token: tokens.prometheus });
    expect(res.status).toBe(200);
    expect(res.body).toContain('nodejs_heap_size_total_bytes');
    // The reviews themselves went through the operator's client.
    expect(res.body).toMatch(/rest_client_requests_total\{[^}]*method="POST"[^}]*\} \d+/);
    expect(res.peer.subject?.CN).toBe('mce-maestro-operator-metrics');
    expect((await scrapeMetrics(server.port, { token: tokens.admin })).status).toBe(200);
  });

  it('caches decisions: repeated scrapes do not review the token again', async () => {
    await scrapeMetrics(server.port, { token: tokens.prometheus });
    await scrapeMetrics(server.port, { token: tokens.stranger });
    const before = operator.stats.writes.create;
    for (let i = 0; i < 3; i++) {
      expect((await scrapeMetrics(server.port, { token: tokens.prometheus })).status).toBe(200);
      expect((await scrapeMetrics(server.port, { token: tokens.stranger })).status).toBe(403);
    }
    expect(operator.stats.writes.create).toBe(before);
  });

  it('refuses plain HTTP', async () => {
    await expect(fetch(`http://127.0.0.1:${server.port}/metrics`)).rejects.toThrow();
  });

  it('answers 404 elsewhere and never logs a token', async () => {
    expect((await scrapeMetrics(server.port, { token: tokens.prometheus, path: '/other' })).status).toBe(404);
    const logged = readFileSync(logPath, 'utf8');
    for (const t of [...Object.values(tokens), 'not-a-real-token']) expect(logged).not.toContain(t);
  });
});

describe('secure metrics with a mounted certificate', () => {
  it('serves tls.crt/tls.key from the cert dir and a rotated pair without a restart', async () => {
    const first = await createControlPlanePki();
    writeFileSync(join(certDir, 'tls.crt'), first.servingCert);
    writeFileSync(join(certDir, 'tls.key'), first.servingKey);
    const { server } = await start('metrics-cert-dir', certDir);
    expect(server.certSource).toBe('cert-dir');
    // Verified against the CA, as Prometheus verifies the service-ca's certificate.
    const res = await scrapeMetrics(server.port, { token: tokens.prometheus, ca: first.caCert });
    expect(res.status).toBe(200);
    await expect(
      scrapeMetrics(server.port, { token: tokens.prometheus, ca: (await createControlPlanePki()).caCert }),
    ).rejects.toThrow();

    const second = await createControlPlanePki();
    writeFileSync(join(certDir, 'tls.key'), second.servingKey);
    writeFileSync(join(certDir, 'tls.crt'), second.servingCert);
    const rotated = await eventually(
      () => scrapeMetrics(server.port, { token: tokens.prometheus, ca: second.caCert }),
      { timeout: 10_000, interval: 100, message: 'the rotated certificate served' },
    );
    expect(rotated.status).toBe(200);
  });
});
