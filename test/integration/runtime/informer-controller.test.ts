import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { consistently, eventually, sleep } from '../../harness/eventually.js';
import { isConflict } from '../../../src/runtime/client/errors.js';
import type { KubeClient } from '../../../src/runtime/client/kube-client.js';
import type { KubeObject } from '../../../src/runtime/client/types.js';
import { Controller } from '../../../src/runtime/controller.js';
import { EventRecorder } from '../../../src/runtime/events.js';
import { Informer } from '../../../src/runtime/informer.js';
import { adminClient, fileLogger, logLines } from './helpers.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

// The integration project's testTimeout doesn't reach hooks and tests here; set it per file.
jest.setTimeout(120_000);

let cp: ControlPlane;
let client: KubeClient;
const ns = 'runtime-it';

beforeAll(async () => {
  cp = await startControlPlane({ name: 'runtime-informer' });
  client = adminClient(cp);
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
});

const cmRef = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });
const newConfigMap = (name: string, data: Record<string, string>, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data,
});

describe('Informer against a real API server', () => {
  it('sees create, update and delete, and caches without managedFields', async () => {
    const { log } = fileLogger(cp, 'informer-crud');
    const informer = new Informer<ConfigMap>({
      client,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      labelSelector: 'suite=crud',
      logger: log,
    });
    const events: string[] = [];
    informer.addHandler({
      add: (o) => events.push(`add ${o.metadata.name} ${o.data?.v}`),
      update: (_old, o) => events.push(`update ${o.metadata.name} ${o.data?.v}`),
      delete: (o) => events.push(`delete ${o.metadata.name}`),
    });
    informer.start();
    expect(await informer.waitForSync(AbortSignal.timeout(10_000))).toBe(true);
    await client.create(newConfigMap('crud', { v: '1' }, { suite: 'crud' }));
    await eventually(() => events.includes('add crud 1'));
    await client.patch(cmRef('crud'), { data: { v: '2' } }, 'merge');
    await eventually(() => events.includes('update crud 2'));
    expect(informer.get(ns, 'crud')?.metadata.managedFields).toBeUndefined();
    expect(informer.get(ns, 'crud')?.data?.v).toBe('2');
    expect(await client.delete(cmRef('crud'), { propagationPolicy: 'Background' })).toBe(true);
    await eventually(() => events.includes('delete crud'));
    expect(informer.get(ns, 'crud')).toBeUndefined();
    expect(events).toEqual(['add crud 1', 'update crud 2', 'delete crud']);
    await informer.stop();
  });

  it('lists and watches only metadata when asked: labels and annotations, no data, the kind filled in', async () => {
    const { log } = fileLogger(cp, 'informer-metadata');
    const informer = new Informer<ConfigMap>({
      client,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      labelSelector: 'suite=metadata',
      metadataOnly: true,
      logger: log,
    });
    await client.create(newConfigMap('listed', { secretish: 'x'.repeat(1000) }, { suite: 'metadata' }));
    const updates: ConfigMap[] = [];
    informer.addHandler({ update: (_old, o) => updates.push(o) });
    informer.start();
    expect(await informer.waitForSync(AbortSignal.timeout(10_000))).toBe(true);
    const listed = informer.get(ns, 'listed');
    expect(listed).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'listed', labels: { suite: 'metadata' } },
    });
    expect(listed?.data).toBeUndefined();
    expect(listed?.metadata.managedFields).toBeUndefined();

    await client.patch(
      cmRef('listed'),
      { metadata: { annotations: { seen: 'yes' } }, data: { v: '2' } },
      'merge',
    );
    const watched = await eventually(
      () => updates.find((o) => o.metadata.annotations?.seen === 'yes') ?? false,
    );
    expect(watched).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'listed' } });
    expect(watched.data).toBeUndefined();
    // A whole-object client still sees the data: only this informer asked for less.
    expect((await client.get<ConfigMap>(cmRef('listed')))?.data?.v).toBe('2');
    await informer.stop();
  });

  it('reconciles a burst of 50 updates to one key once', async () => {
    const { log } = fileLogger(cp, 'burst');
    const informer = new Informer<ConfigMap>({
      client,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      logger: log,
    });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const controller = new Controller({
      name: 'burst',
      workers: 4,
      logger: log,
      reconcile: async ({ name }) => {
        if (name !== 'burst') return;
        const value = informer.get(ns, name)?.data?.n ?? '';
        seen.push(value);
        // The first reconcile holds its worker: the burst lands while the key is in flight.
        if (seen.length === 1) await gate;
      },
    });
    controller.watch(informer);
    informer.start();
    void controller.start();
    await client.create(newConfigMap('burst', { n: '0' }));
    await eventually(() => seen.length === 1);
    let last = '';
    for (let i = 1; i <= 50; i++) {
      last =
        (await client.patch<ConfigMap>(cmRef('burst'), { data: { n: String(i) } }, 'merge')).metadata
          .resourceVersion ?? '';
    }
    // Every update has reached the cache (and the queue) before the first reconcile finishes.
    await eventually(() => informer.get(ns, 'burst')?.metadata.resourceVersion === last);
    expect(seen).toEqual(['0']);
    release();
    await eventually(() => seen.length === 2);
    await consistently(() => seen.length === 2, { duration: 1_500 });
    expect(seen).toEqual(['0', '50']);
    await controller.stop();
    await informer.stop();
  });

  it('retries a 409 conflict inside a reconcile until it succeeds', async () => {
    const { log } = fileLogger(cp, 'conflict');
    await client.create(newConfigMap('conflict', { v: 'start' }));
    const outcomes: string[] = [];
    const controller = new Controller({
      name: 'conflict',
      logger: log,
      backoffBaseMs: 50,
      reconcile: async () => {
        const cm = await client.get<ConfigMap>(cmRef('conflict'));
        if (!cm) return;
        if (outcomes.length === 0) {
          // Someone else writes between our read and our update: our resourceVersion is stale.
          await client.patch(cmRef('conflict'), { data: { v: 'theirs' } }, 'merge');
        }
        try {
          await client.update({ ...cm, data: { ...cm.data, mine: 'yes' } });
          outcomes.push('ok');
        } catch (err) {
          outcomes.push(isConflict(err) ? 'conflict' : 'other');
          throw err;
        }
      },
    });
    void controller.start();
    controller.enqueue(`${ns}/conflict`);
    await eventually(() => outcomes.includes('ok'));
    expect(outcomes).toEqual(['conflict', 'ok']);
    const final = await client.get<ConfigMap>(cmRef('conflict'));
    expect(final?.data).toEqual({ v: 'theirs', mine: 'yes' });
    await controller.stop();
  });

  it('waits for a CRD that is not installed yet, then syncs', async () => {
    const { log, path } = fileLogger(cp, 'not-served');
    const informer = new Informer({
      client,
      apiVersion: 'echo.test.io/v1',
      kind: 'Widget',
      logger: log,
      notServedMaxMs: 500,
    });
    informer.start();
    await eventually(() => !informer.served());
    expect(informer.hasSynced()).toBe(false);
    // One clear line, however many times it checks again.
    await sleep(1_500);
    const waiting = logLines(path).filter((l) => l.msg === 'resource not served yet, waiting');
    expect(waiting).toEqual([expect.objectContaining({ level: 30, informer: 'Widget.echo.test.io/v1' })]);
    const crd = join(cp.dir, 'widget-crd.yaml');
    writeFileSync(crd, WIDGET_CRD);
    await cp.kubectl(['apply', '-f', crd]);
    await cp.kubectl(['wait', '--for=condition=Established', 'crd/widgets.echo.test.io', '--timeout=30s']);
    // Our client may have cached "not served" for up to a second: retry like a controller would.
    const widget = {
      apiVersion: 'echo.test.io/v1',
      kind: 'Widget',
      metadata: { name: 'w1' },
      spec: { size: 1 },
    };
    await eventually(() => client.create(widget), { timeout: 10_000 });
    await eventually(() => informer.get(undefined, 'w1') !== undefined, { timeout: 30_000 });
    expect(informer.served()).toBe(true);
    expect(informer.hasSynced()).toBe(true);
    expect(logLines(path).some((l) => l.msg === 'resource is served now, starting')).toBe(true);
    await informer.stop();
  });
});

describe('Server-side apply against a real API server', () => {
  it('changes nothing when the same object is applied twice', async () => {
    const obj = newConfigMap('ssa', { a: '1' });
    const first = await client.apply(obj);
    const second = await client.apply(obj);
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const fields = (second.metadata.managedFields ?? []) as { manager?: string; operation?: string }[];
    expect(fields.some((f) => f.manager === 'mce-maestro-operator' && f.operation === 'Apply')).toBe(true);
  });

  it('writes status through the status subresource without bumping metadata.generation', async () => {
    const cluster = {
      apiVersion: 'cluster.open-cluster-management.io/v1',
      kind: 'ManagedCluster',
      metadata: { name: 'ssa-status' },
      spec: { hubAcceptsClient: true },
    };
    const created = await client.apply(cluster);
    const generation = created.metadata.generation;
    const status = {
      apiVersion: cluster.apiVersion,
      kind: cluster.kind,
      metadata: { name: 'ssa-status' },
      status: {
        conditions: [
          {
            type: 'Probe',
            status: 'True',
            reason: 'Tested',
            message: 'ok',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      },
    };
    const withStatus = await client.applyStatus(status);
    expect(withStatus.metadata.generation).toBe(generation);
    expect((withStatus as unknown as { status: { conditions: unknown[] } }).status.conditions).toHaveLength(
      1,
    );
    const again = await client.applyStatus(status);
    expect(again.metadata.resourceVersion).toBe(withStatus.metadata.resourceVersion);
    // A spec change does bump it: the check above is not vacuous.
    const changed = await client.apply({ ...cluster, spec: { hubAcceptsClient: false } });
    expect(changed.metadata.generation).toBe((generation ?? 0) + 1);
  });

  it('counts writes by verb', async () => {
    const c = adminClient(cp);
    await c.apply(newConfigMap('stats', { a: '1' }));
    await c.apply(newConfigMap('stats', { a: '1' }));
    await c.patch(cmRef('stats'), { data: { a: '2' } }, 'merge');
    await c.delete(cmRef('stats'));
    expect(c.stats.writes).toMatchObject({ apply: 2, patch: 1, delete: 1, create: 0 });
    expect(c.stats.totalWrites).toBe(4);
    c.close();
  });
});

describe('EventRecorder against a real API server', () => {
  it('writes an events.k8s.io/v1 Event and turns a repeat into a series', async () => {
    const regarding = await client.apply(newConfigMap('evented', {}));
    const recorder = new EventRecorder({ client, reportingInstance: 'it-1' });
    const input = { type: 'Normal' as const, reason: 'Tested', action: 'Test', note: 'hello' };
    await recorder.event(regarding, input);
    await recorder.event(regarding, input);
    const events = await client.list<KubeObject & { series?: { count?: number }; note?: string }>(
      'events.k8s.io/v1',
      'Event',
      { namespace: ns, fieldSelector: `regarding.name=evented` },
    );
    expect(events.items).toHaveLength(1);
    expect(events.items[0]?.note).toBe('hello');
    expect(events.items[0]?.series?.count).toBe(2);
  });
});

const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.echo.test.io
spec:
  group: echo.test.io
  scope: Cluster
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;
