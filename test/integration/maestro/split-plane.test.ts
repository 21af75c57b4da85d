/**
 * A split control plane: two API servers. Operand workloads and what their pods consume land on
 * the control plane; the MCE, our CRs, the ClusterManager and hub configuration on the data plane.
 * Objects on the control plane carry no owner reference (their owner lives on another server).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeClient, KubeObject } from '../../../src/runtime/index.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { startKubelet, type Kubelet } from '../../harness/kubelet.js';
import { startControlPlaneWithOwnCrds } from '../../harness/own-crds.js';
import {
  adminClient,
  fakeRolloutController,
  fileLogger,
  GLOBAL_SET,
  HUB_NS,
  mceComponents,
  NS,
  operatorClient,
  ownedObjects,
  ref,
  seedHub,
  startOperator,
  toggleMaestro,
  waitForCondition,
  type FakeRolloutController,
  type InProcessOperator,
} from './fixtures.js';

let dataCp: ControlPlane;
let controlCp: ControlPlane;
let data: KubeClient;
let control: KubeClient;
let kubelet: Kubelet;
let rollouts: FakeRolloutController;
let operator: InProcessOperator;

beforeAll(async () => {
  [dataCp, controlCp] = await Promise.all([
    startControlPlaneWithOwnCrds({ name: 'maestro-split-data' }),
    startControlPlane({ name: 'maestro-split-control', upstreamCrds: false }),
  ]);
  data = adminClient(dataCp);
  control = adminClient(controlCp);
  await seedHub(data);
  kubelet = await startKubelet({ client: control });
  rollouts = await fakeRolloutController(data);
  operator = await startOperator(await operatorClient(dataCp), await operatorClient(controlCp), {
    logger: fileLogger(dataCp, 'operator'),
  });
}, 300_000);

afterAll(async () => {
  await operator?.stop();
  await rollouts?.stop();
  await kubelet?.stop();
  data?.close();
  control?.close();
  await Promise.all([dataCp?.stop(), controlCp?.stop()]);
});

describe('split control plane', () => {
  it('puts operands on the control plane and hub configuration on the data plane', async () => {
    expect(operator.planes.same).toBe(false);
    await toggleMaestro(data, true);
    await waitForCondition(data, 'Available', 'True', 'Available');

    expect(await ownedObjects(control)).toEqual(
      [
        'ConfigMap maestro/maestro-rest-proxy',
        'Deployment maestro/maestro',
        'Namespace maestro',
        'NetworkPolicy maestro/maestro-db',
        'NetworkPolicy maestro/maestro-default-deny',
        'NetworkPolicy maestro/maestro-server',
        'Secret maestro/maestro-api-ca',
        'Secret maestro/maestro-api-tls',
        'Secret maestro/maestro-db-ca',
        'Secret maestro/maestro-db-config',
        'Secret maestro/maestro-db-tls',
        'Secret maestro/maestro-grpc-client-certs',
        'Service maestro/maestro',
        'Service maestro/maestro-db',
        'Service maestro/maestro-grpc',
        'Service maestro/maestro-metrics',
        'ServiceAccount maestro/maestro',
        'StatefulSet maestro/maestro-db',
      ].sort(),
    );
    expect(await ownedObjects(data)).toEqual(
      [
        `AgentRollout ${GLOBAL_SET}/maestro-transport`,
        `ConfigMap ${HUB_NS}/grpc-server-config`,
        `Placement ${GLOBAL_SET}/maestro-transport`,
      ].sort(),
    );
    // The database claim was made on the control plane, where the StatefulSet runs.
    expect(
      await control.get({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: NS,
        name: 'maestro-db-data-maestro-db-0',
      }),
    ).toBeDefined();
    // Owner references only where the owner (the MCE) lives.
    const deployment = await control.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: NS,
      name: 'maestro',
    });
    expect(deployment?.metadata.ownerReferences ?? []).toEqual([]);
    const config = await data.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: HUB_NS,
      name: 'grpc-server-config',
    });
    expect(config?.metadata.ownerReferences?.map((r) => r.kind)).toEqual(['MultiClusterEngine']);
    // The conductor's config points at the database on the control plane's Service.
    expect((config as KubeObject & { data?: Record<string, string> })?.data?.['config.yaml']).toContain(
      'host: maestro-db.maestro',
    );
    const cm = await data.get<KubeObject & { spec?: Record<string, unknown> }>(ref.clusterManager);
    expect(cm?.spec?.serverConfiguration).toBeDefined();
    expect((await mceComponents(data)).find((c) => c.name === 'maestro')?.status).toBe('True');
  });

  it('cleans both planes on disable, keeping retained data on the control plane', async () => {
    await toggleMaestro(data, false);
    await waitForCondition(data, 'Available', 'False', 'ComponentDisabled');
    await waitForCondition(data, 'Progressing', 'False', 'Reconciled');
    await eventually(
      async () =>
        JSON.stringify(await ownedObjects(control)) ===
        JSON.stringify([
          'Namespace maestro',
          'Secret maestro/maestro-db-ca',
          'Secret maestro/maestro-db-config',
        ]),
    );
    expect(await ownedObjects(data)).toEqual(
      [`AgentRollout ${GLOBAL_SET}/maestro-transport`, `Placement ${GLOBAL_SET}/maestro-transport`].sort(),
    );
    const cm = await data.get<KubeObject & { spec?: Record<string, unknown> }>(ref.clusterManager);
    expect(cm?.spec?.serverConfiguration).toBeUndefined();
  });

  // The claims are the StatefulSet controller's, on the control plane: the plane table sends the
  // delete there (a delete on the data plane would find nothing and leave the data behind).
  it('deletes the database claim on the control plane when retainDataOnDisable is off', async () => {
    const claim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      namespace: NS,
      name: 'maestro-db-data-maestro-db-0',
    };
    await toggleMaestro(data, true);
    await waitForCondition(data, 'Available', 'True', 'Available');
    const before = (await control.get(claim))?.metadata.uid;
    expect(before).toBeDefined();
    await data.patch(ref.maestro, { spec: { retainDataOnDisable: false } }, 'merge');
    await toggleMaestro(data, false);
    await waitForCondition(data, 'Available', 'False', 'ComponentDisabled');
    await eventually(async () => {
      const left = await control.get(claim);
      expect(
        left === undefined || left.metadata.uid !== before || left.metadata.deletionTimestamp,
      ).toBeTruthy();
    });
  });
});
