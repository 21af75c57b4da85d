/**
 * Missing pieces of the hub: without the MultiClusterEngine CRD the operator waits and says so (in
 * status and logs); in grpc mode without a ClusterManager it says what is missing; once they
 * appear, it converges without a restart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeClient, KubeObject } from '../../../src/runtime/index.js';
import { controlPlaneTools } from '../../harness/control-plane.js';
import { consistently, eventually } from '../../harness/eventually.js';
import { operatorKubeconfig } from '../../harness/operator-rbac.js';
import {
  GLOBAL_SET,
  HUB_NS,
  maestroCondition,
  MCE_NAME,
  ownedObjects,
  ref,
  startTestHub,
  waitForCondition,
  type TestHub,
} from './fixtures.js';

let hub: TestHub;
let client: KubeClient;

beforeAll(async () => {
  hub = await startTestHub('maestro-waiting', {
    controlPlane: { upstreamCrds: false },
    seed: false,
    before: async (c) => {
      await c.create({ ...ref.maestro, metadata: { name: 'cluster' }, spec: {} } as KubeObject);
    },
  });
  client = hub.client;
}, 300_000);

afterAll(() => hub?.stop());

const logMessages = () =>
  readFileSync(join(hub.cp.dir, 'operator.log'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { msg?: string }).msg);

describe('waiting for the hub', () => {
  it('waits while the MultiClusterEngine CRD is missing, and says so', async () => {
    const available = await waitForCondition(client, 'Available', 'False', 'MultiClusterEngineNotFound');
    expect(available.message).toContain(
      'MultiClusterEngine API (multicluster.openshift.io/v1) is not served',
    );
    const progressing = await waitForCondition(client, 'Progressing', 'True', 'Reconciling');
    expect(progressing.message).toContain('waiting for the MultiClusterEngine API');
    expect(logMessages()).toContain('waiting for the MultiClusterEngine API to be served');
    await consistently(async () => (await ownedObjects(client)).length === 0, { duration: 1_000 });
  });

  it('says a grpc install needs the ClusterManager, then converges once MCE and ClusterManager exist', async () => {
    // MCE and ClusterManager only: no Placement API yet.
    const { crdDir } = await controlPlaneTools();
    const crd = (file: string) => ['-f', join(crdDir, file)];
    await hub.cp.kubectl([
      'apply',
      '--server-side',
      '--field-manager=test',
      ...crd('multicluster.openshift.io_multiclusterengines.yaml'),
      ...crd('operator.open-cluster-management.io_clustermanagers.yaml'),
      ...crd('addon.open-cluster-management.io_clustermanagementaddons.yaml'),
    ]);
    await hub.cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: HUB_NS } });
    // MCE made the hub namespace after the operator was installed: the admin applies the
    // operator's Role there (config/rbac/hub-namespaces), as docs/maestro.md says.
    await operatorKubeconfig(hub.cp, { createHubNamespaces: false });
    await client.create({
      ...ref.mce,
      metadata: { name: MCE_NAME },
      spec: {
        availabilityConfig: 'Basic',
        overrides: { components: [{ name: 'maestro-preview', enabled: true }] },
      },
    } as KubeObject);

    const degraded = await waitForCondition(client, 'Degraded', 'True', 'InvalidSpec', 60_000);
    expect(degraded.message).toContain('spec.transport: grpc needs ClusterManager cluster-manager');
    expect(await ownedObjects(client)).toEqual([]);

    await client.create({
      ...ref.clusterManager,
      metadata: { name: 'cluster-manager' },
      spec: {},
    } as KubeObject);
    await waitForCondition(client, 'Degraded', 'False', 'AsExpected');
    await waitForCondition(client, 'Available', 'True', 'Available');
    await eventually(async () => (await ownedObjects(client)).includes('Deployment maestro/maestro'));
    // Without the Placement API the transport rollout is skipped, and status says so.
    const progressing = await waitForCondition(client, 'Progressing', 'False', 'Reconciled');
    expect(progressing.message).toContain(
      'transport rollout skipped: the AgentRollout or Placement API is not served',
    );
    expect((await ownedObjects(client)).filter((o) => o.startsWith('AgentRollout'))).toEqual([]);
  });

  it('starts the transport rollout once the Placement API appears', async () => {
    const { crdDir } = await controlPlaneTools();
    await hub.cp.kubectl(['apply', '--server-side', '--field-manager=test', '-f', crdDir]);
    await hub.cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    await eventually(
      async () => (await ownedObjects(client)).includes(`AgentRollout ${GLOBAL_SET}/maestro-transport`),
      {
        timeout: 60_000,
        interval: 500,
      },
    );
    await eventually(
      async () => !(await maestroCondition(client, 'Progressing'))?.message.includes('skipped'),
      {
        timeout: 60_000,
      },
    );
  });
});
