/**
 * The Maestro controller on a local control plane, driven the way an admin drives it: the MCE
 * toggle, the Maestro settings, deleting the MCE. A stand-in kubelet reports workloads ready, and a
 * stand-in rollout controller reports transport rollouts done (held back where the order matters).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeClient, KubeObject } from '../../../src/runtime/index.js';
import { eventually } from '../../harness/eventually.js';
import {
  dbPassword as readDbPassword,
  fileLogger,
  GLOBAL_SET,
  HUB_NS,
  INSTALLED_OBJECTS,
  maestroCondition,
  MCE_NAME,
  mceComponents,
  NS,
  operatorClient,
  ownedObjects,
  patchMaestroSpec,
  ref,
  startOperator,
  startTestHub,
  toggleMaestro,
  waitForCondition,
  type FakeRolloutController,
  type InProcessOperator,
  type TestHub,
} from './fixtures.js';

let hub: TestHub;
let client: KubeClient;
let rollouts: FakeRolloutController;
let operator: InProcessOperator;
let mceUid = '';

const OWNERSHIP = {
  'app.kubernetes.io/managed-by': 'mce-maestro-operator',
  'app.kubernetes.io/part-of': 'maestro',
};
/** backplane-operator's own entries, which must survive our writes. */
const BACKPLANE_ENTRIES = ['cluster-manager', 'console-mce-console'].map((name) => ({
  name,
  kind: 'Deployment',
  type: 'Available',
  status: 'True',
  reason: 'MinimumReplicasAvailable',
  message: 'Deployment has minimum availability.',
  lastTransitionTime: '2026-01-01T00:00:00Z',
}));

type Obj = KubeObject & { spec?: Record<string, unknown>; data?: Record<string, string> };
const get = (apiVersion: string, kind: string, name: string, namespace?: string) =>
  client.get<Obj>({ apiVersion, kind, name, namespace });
const dbPassword = () => readDbPassword(client);
const clusterManagerSpec = async () => (await client.get<Obj>(ref.clusterManager))?.spec ?? {};
const rolloutTarget = async () =>
  ((await client.get<Obj>(ref.rollout()))?.spec?.target as { transport?: { type?: string } } | undefined)
    ?.transport?.type;

beforeAll(async () => {
  hub = await startTestHub('maestro-lifecycle', { operator: false });
  client = hub.client;
  rollouts = hub.rollouts;
  mceUid = (await client.get(ref.mce))?.metadata.uid ?? '';
  await client.patch(ref.mce, { status: { components: BACKPLANE_ENTRIES } }, 'merge', {
    subresource: 'status',
  });
  operator = await startOperator(await operatorClient(hub.cp), undefined, {
    logger: fileLogger(hub.cp, 'operator'),
  });
  await waitForCondition(client, 'Available', 'False', 'ComponentDisabled');
}, 300_000);

afterAll(async () => {
  await operator?.stop();
  await hub?.stop();
});

describe('Maestro controller lifecycle', () => {
  it('installs everything on the MCE toggle and reports Available in both statuses', async () => {
    await toggleMaestro(client, true);
    await waitForCondition(client, 'Available', 'True', 'Available');

    expect(await ownedObjects(client)).toEqual(INSTALLED_OBJECTS);
    // Labels and owner references: retained data carries none, everything else points at the MCE.
    for (const [apiVersion, kind, name, namespace, owned] of [
      ['apps/v1', 'Deployment', 'maestro', NS, true],
      ['apps/v1', 'StatefulSet', 'maestro-db', NS, true],
      ['v1', 'Service', 'maestro-grpc', NS, true],
      ['v1', 'ConfigMap', 'grpc-server-config', HUB_NS, true],
      ['v1', 'Namespace', NS, undefined, false],
      ['v1', 'Secret', 'maestro-db-config', NS, false],
    ] as const) {
      const o = await get(apiVersion, kind, name, namespace);
      expect(o?.metadata.labels).toMatchObject(OWNERSHIP);
      const owners = o?.metadata.ownerReferences ?? [];
      expect(owners.map((r) => `${r.kind}/${r.name}/${r.uid}/${r.controller}`)).toEqual(
        owned ? [`MultiClusterEngine/${MCE_NAME}/${mceUid}/false`] : [],
      );
    }
    const deployment = await get('apps/v1', 'Deployment', 'maestro', NS);
    const container = (
      deployment?.spec?.template as { spec: { containers: { image: string; command: string[] }[] } }
    ).spec.containers[0];
    expect(container?.image).toBe('quay.io/maestro/maestro:abc123');
    expect(container?.command).toContain('--disable-message-broker=true');
    expect(deployment?.spec?.replicas).toBe(1);

    // ClusterManager: our grpc fields, the conductor image.
    const cm = await clusterManagerSpec();
    expect(cm.registrationConfiguration).toEqual({
      registrationDrivers: [{ authType: 'csr' }, { authType: 'grpc' }],
    });
    expect(cm.serverConfiguration).toMatchObject({
      imagePullSpec: 'quay.io/stolostron/cloudevents-conductor:2.17',
      endpointsExposure: [{ protocol: 'grpc', grpc: { type: 'loadBalancer' } }],
    });

    // The fleet follows: a Placement of every cluster and a Progressive rollout to grpc.
    const rollout = await client.get<Obj>(ref.rollout());
    expect(rollout?.spec).toMatchObject({
      target: { transport: { type: 'grpc' } },
      placementRef: { name: 'maestro-transport' },
      rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: '10%' } },
    });
    expect(
      (await get('cluster.open-cluster-management.io/v1beta1', 'Placement', 'maestro-transport', GLOBAL_SET))
        ?.spec,
    ).toMatchObject({ clusterSets: ['global'] });
    expect(
      await get(
        'cluster.open-cluster-management.io/v1beta2',
        'ManagedClusterSetBinding',
        'global',
        GLOBAL_SET,
      ),
    ).toBeDefined();

    // Maestro status: endpoints, transport, database kind, observedGeneration.
    const maestro = await client.get<Obj & { status?: Record<string, unknown> }>(ref.maestro);
    expect(maestro?.status).toMatchObject({
      observedGeneration: maestro?.metadata.generation,
      transport: 'grpc',
      databaseType: 'Embedded',
      endpoints: { rest: 'https://maestro.maestro.svc:8000', grpc: 'maestro-grpc.maestro.svc:8090' },
    });

    // MCE status.components: ours in backplane's shape, backplane's own entries untouched.
    const components = await eventually(async () => {
      const list = await mceComponents(client);
      const ours = list.find((c) => c.name === 'maestro');
      if (ours?.status !== 'True') throw new Error(`maestro entry: ${JSON.stringify(ours)}`);
      return list;
    });
    expect(components.slice(0, 2)).toEqual(BACKPLANE_ENTRIES);
    expect(components[2]).toMatchObject({
      name: 'maestro',
      kind: 'Deployment',
      type: 'Available',
      status: 'True',
    });
    expect(typeof components[2]?.lastTransitionTime).toBe('string');

    // Events: one per transition, reason = condition reason.
    const events = await eventually(async () => {
      const { items } = await client.list<KubeObject & { reason?: string }>('events.k8s.io/v1', 'Event', {
        namespace: 'default',
      });
      const reasons = items.map((e) => e.reason);
      if (!reasons.includes('Available')) throw new Error(`events: ${reasons.join(',')}`);
      return reasons;
    });
    expect(events).toEqual(expect.arrayContaining(['ComponentDisabled', 'Available']));
  });

  it('makes zero writes in a reconcile with nothing to change', async () => {
    await eventually(async () => (await maestroCondition(client, 'Progressing'))?.status === 'False');
    const { data, control } = operator.planes;
    data.stats.reset();
    control.stats.reset();
    for (let i = 0; i < 3; i++) {
      operator.maestro.controller.enqueue('cluster');
      const result = await operator.nextReconciles(1);
      expect(result).not.toBeInstanceOf(Error);
    }
    expect({ data: data.stats.writes, control: control.stats.writes }).toEqual({
      data: { create: 0, update: 0, patch: 0, apply: 0, delete: 0, deletecollection: 0 },
      control: { create: 0, update: 0, patch: 0, apply: 0, delete: 0, deletecollection: 0 },
    });
  });

  it('switches the transport to mqtt only after the fleet is back on kube, and back to grpc', async () => {
    rollouts.pause();
    rollouts.clusters = 3;
    await patchMaestroSpec(client, { transport: 'mqtt' });
    // The fleet is sent back to kube first; gRPC stays while agents still use it.
    await eventually(async () => (await rolloutTarget()) === 'kube');
    await eventually(async () => {
      const c = await maestroCondition(client, 'Progressing');
      return c?.status === 'True' && c.message.includes('waiting for 3 clusters to move back to kube');
    });
    expect((await clusterManagerSpec()).serverConfiguration).toBeDefined();
    expect(await get('v1', 'ConfigMap', 'grpc-server-config', HUB_NS)).toBeDefined();
    // The database stays reachable for the gRPC server meanwhile.
    const policy = await get('networking.k8s.io/v1', 'NetworkPolicy', 'maestro-db', NS);
    expect(JSON.stringify(policy?.spec)).toContain('cluster-manager-grpc-server');

    rollouts.resume();
    await eventually(async () => (await rolloutTarget()) === 'mqtt');
    await waitForCondition(client, 'Available', 'True', 'Available');
    await eventually(async () => (await get('v1', 'ConfigMap', 'grpc-server-config', HUB_NS)) === undefined);
    const cm = await clusterManagerSpec();
    expect(cm.serverConfiguration).toBeUndefined();
    expect(cm.registrationConfiguration).toBeUndefined();
    expect(await get('apps/v1', 'Deployment', 'maestro-mqtt', NS)).toBeDefined();
    for (const s of ['maestro-mqtt-ca', 'maestro-mqtt-certs', 'maestro-server-certs', 'maestro-mqtt']) {
      expect(await get('v1', 'Secret', s, NS)).toBeDefined();
    }
    expect(
      (await client.get<Obj & { status?: { transport?: string } }>(ref.maestro))?.status?.transport,
    ).toBe('mqtt');

    // Back to grpc: Mosquitto goes (its CA is retained data), the database stays.
    const password = await dbPassword();
    await patchMaestroSpec(client, { transport: 'grpc' });
    await eventually(async () => (await rolloutTarget()) === 'grpc');
    await eventually(async () => (await get('apps/v1', 'Deployment', 'maestro-mqtt', NS)) === undefined);
    await waitForCondition(client, 'Available', 'True', 'Available');
    for (const s of ['maestro-mqtt-certs', 'maestro-server-certs', 'maestro-mqtt']) {
      expect(await get('v1', 'Secret', s, NS)).toBeUndefined();
    }
    expect(await get('v1', 'Secret', 'maestro-mqtt-ca', NS)).toBeDefined();
    expect((await clusterManagerSpec()).serverConfiguration).toBeDefined();
    expect(await dbPassword()).toBe(password);
    rollouts.clusters = 0;
  });

  it('keeps the database Secret and volume claim over disable and enable', async () => {
    const password = await dbPassword();
    const claim = await get('v1', 'PersistentVolumeClaim', 'maestro-db-data-maestro-db-0', NS);
    expect(password).toBeDefined();
    expect(claim).toBeDefined();

    await toggleMaestro(client, false);
    await waitForCondition(client, 'Available', 'False', 'ComponentDisabled');
    await waitForCondition(client, 'Progressing', 'False', 'Reconciled');
    expect(await ownedObjects(client)).toEqual(
      [
        `AgentRollout ${GLOBAL_SET}/maestro-transport`,
        'Namespace maestro',
        `Placement ${GLOBAL_SET}/maestro-transport`,
        'Secret maestro/maestro-db-ca',
        'Secret maestro/maestro-db-config',
        'Secret maestro/maestro-mqtt-ca',
      ].sort(),
    );
    expect(await rolloutTarget()).toBe('kube');
    const cm = await clusterManagerSpec();
    expect(cm.serverConfiguration).toBeUndefined();
    expect(cm.registrationConfiguration).toBeUndefined();
    const entry = await eventually(async () => {
      const e = (await mceComponents(client)).find((c) => c.name === 'maestro');
      if (e?.type !== 'NotPresent') throw new Error(JSON.stringify(e));
      return e;
    });
    expect(entry).toMatchObject({ kind: 'Component', status: 'True', reason: 'ComponentDisabled' });
    expect((await mceComponents(client)).slice(0, 2)).toEqual(BACKPLANE_ENTRIES);

    await toggleMaestro(client, true);
    await waitForCondition(client, 'Available', 'True', 'Available');
    expect(await dbPassword()).toBe(password);
    expect((await get('v1', 'PersistentVolumeClaim', 'maestro-db-data-maestro-db-0', NS))?.metadata.uid).toBe(
      claim?.metadata.uid,
    );
  });

  it('deletes the data too when retainDataOnDisable is off', async () => {
    await patchMaestroSpec(client, { retainDataOnDisable: false });
    await eventually(
      async () =>
        (await get('v1', 'Secret', 'maestro-db-config', NS))?.metadata.ownerReferences?.length === 1,
    );
    await toggleMaestro(client, false);
    await waitForCondition(client, 'Available', 'False', 'ComponentDisabled');
    await waitForCondition(client, 'Progressing', 'False', 'Reconciled');
    await eventually(
      async () =>
        (await get('v1', 'PersistentVolumeClaim', 'maestro-db-data-maestro-db-0', NS)) === undefined,
    );
    expect(await ownedObjects(client)).toEqual(
      [
        `AgentRollout ${GLOBAL_SET}/maestro-transport`,
        'Namespace maestro',
        `Placement ${GLOBAL_SET}/maestro-transport`,
      ].sort(),
    );
  });

  it('leaves only retained data when the MCE is deleted', async () => {
    await patchMaestroSpec(client, { retainDataOnDisable: true });
    await toggleMaestro(client, true);
    await waitForCondition(client, 'Available', 'True', 'Available');
    const password = await dbPassword();

    await client.delete(ref.mce);
    await waitForCondition(client, 'Available', 'False', 'MultiClusterEngineNotFound');
    await waitForCondition(client, 'Progressing', 'False', 'Reconciled');
    expect(await ownedObjects(client)).toEqual([
      'Namespace maestro',
      'Secret maestro/maestro-db-ca',
      'Secret maestro/maestro-db-config',
    ]);
    expect(await get('v1', 'PersistentVolumeClaim', 'maestro-db-data-maestro-db-0', NS)).toBeDefined();
    expect((await clusterManagerSpec()).serverConfiguration).toBeUndefined();
    expect(await dbPassword()).toBe(password);
  });

  it('never logs the generated database password', async () => {
    const password = await dbPassword();
    expect(password).toBeDefined();
    const log = readFileSync(join(hub.cp.dir, 'operator.log'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(password);
    expect(log).not.toContain(Buffer.from(password ?? '').toString('base64'));
  });
});
