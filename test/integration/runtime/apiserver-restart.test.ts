import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { bearerTokenOf, scrapeMetrics } from '../../harness/metrics-scrape.js';
import type { KubeClient } from '../../../src/runtime/client/kube-client.js';
import type { KubeObject } from '../../../src/runtime/client/types.js';
import { Controller } from '../../../src/runtime/controller.js';
import { Informer } from '../../../src/runtime/informer.js';
import { Manager } from '../../../src/runtime/manager.js';
import { adminClient, fileLogger, logLines } from './helpers.js';

jest.setTimeout(180_000);

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

let cp: ControlPlane;
let client: KubeClient;
let admin: KubeClient;

beforeAll(async () => {
  cp = await startControlPlane({ name: 'runtime-restart', upstreamCrds: false });
  client = adminClient(cp);
  admin = adminClient(cp);
});

afterAll(async () => {
  client?.close();
  admin?.close();
  await cp?.stop();
});

describe('kube-apiserver killed mid-watch', () => {
  it('resumes reconciling after a restart without restarting the operator', async () => {
    const { log, path } = fileLogger(cp, 'restart-operator');
    const informer = new Informer<ConfigMap>({
      client,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'default',
      labelSelector: 'test=restart',
      logger: log,
    });
    const observed = new Map<string, string>();
    const controller = new Controller({
      name: 'restart',
      logger: log,
      reconcile: async ({ namespace, name }) => {
        const value = informer.get(namespace, name)?.data?.value;
        if (value !== undefined) observed.set(name, value);
      },
    });
    controller.watch(informer);
    const manager = new Manager({
      logger: log,
      apiServers: [{ plane: 'data+control', client }],
      metricsBindAddress: '127.0.0.1:0',
      healthProbeBindAddress: '127.0.0.1:0',
    }).add({ informers: [informer], controllers: [controller] });
    const stop = new AbortController();
    const running = manager.start(stop.signal);

    const cm = (value: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'watched', namespace: 'default', labels: { test: 'restart' } },
      data: { value },
    });
    await admin.apply(cm('before'));
    await eventually(() => observed.get('watched') === 'before');
    const probe = `http://127.0.0.1:${manager.probePort}/readyz`;
    expect((await fetch(probe)).status).toBe(200);

    const killedAt = Date.now();
    await cp.stopApiServer('SIGKILL');
    await cp.startApiServer();
    const upAt = Date.now();
    await eventually(() => admin.apply(cm('after')), { timeout: 10_000 });
    await eventually(() => observed.get('watched') === 'after', { timeout: 30_000, interval: 100 });
    const resumedAt = Date.now();
    console.log(
      `apiserver restart: down+up ${upAt - killedAt} ms; change reconciled ${resumedAt - upAt} ms after the API server was ready`,
    );
    expect(resumedAt - upAt).toBeLessThan(30_000);
    // The watch really broke and was re-established by the informer itself.
    const after = logLines(path).filter((l) => Number(l.time) >= killedAt);
    expect(after.some((l) => l.msg === 'watch ended' || l.msg === 'list/watch failed, retrying')).toBe(true);
    const rewatch = after.filter((l) => l.msg === 'watching' && Number(l.time) <= resumedAt).at(-1);
    console.log(`informer watching again ${Number(rewatch?.time) - killedAt} ms after the kill`);

    // Same process, same manager: it is still serving and ready.
    expect((await fetch(probe)).status).toBe(200);
    // Secure metrics (the default): HTTPS, and the admin token is reviewed by the restarted API server.
    const scrape = await scrapeMetrics(manager.metricsPort ?? 0, { token: bearerTokenOf(cp.kubeConfig()) });
    expect(scrape.status).toBe(200);
    const metrics = scrape.body;
    expect(metrics).toMatch(
      /controller_runtime_reconcile_total\{controller="restart",result="success"\} \d+/,
    );
    expect(metrics).toMatch(/workqueue_adds_total\{name="restart"\} \d+/);
    expect(metrics).toContain('rest_client_requests_total');
    expect(metrics).toContain('nodejs_heap_size_total_bytes');

    stop.abort();
    expect(await running).toBe('shutdown');
  });
});
