/**
 * Bad input: what the CRD schema rejects, and what only the operator can judge (Secrets the spec
 * names), which must leave everything installed in place and say which field is wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isInvalid, type KubeClient, type KubeObject } from '../../../src/runtime/index.js';
import { consistently, eventually } from '../../harness/eventually.js';
import {
  maestroCondition,
  mceComponents,
  NS,
  ownedObjects,
  patchMaestroSpec,
  ref,
  startTestHub,
  toggleMaestro,
  waitForCondition,
  type TestHub,
} from './fixtures.js';

let hub: TestHub;
let client: KubeClient;

beforeAll(async () => {
  hub = await startTestHub('maestro-bad-input');
  client = hub.client;
  await toggleMaestro(client, true);
  await waitForCondition(client, 'Available', 'True', 'Available');
}, 300_000);

afterAll(() => hub?.stop());

const rejected = async (spec: Record<string, unknown>) => {
  try {
    await patchMaestroSpec(client, spec);
  } catch (err) {
    if (isInvalid(err)) return err.message;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(spec)}`);
};

describe('bad input', () => {
  it('is rejected by the CRD schema where it can be: transport, replicas, images', async () => {
    expect(await rejected({ transport: 'kafka' })).toMatch(/spec\.transport.*Unsupported value: "kafka"/);
    expect(await rejected({ server: { replicas: -1 } })).toMatch(/spec\.server\.replicas/);
    expect(await rejected({ images: { maestro: 'Not A Valid Image!' } })).toMatch(/spec\.images\.maestro/);
    expect(await rejected({ database: { type: 'External' } })).toMatch(
      /external is required when type is External/,
    );
  });

  it('a missing or incomplete external database Secret degrades with InvalidSpec and removes nothing', async () => {
    const before = await ownedObjects(client);
    const deployment = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: NS,
      name: 'maestro',
    });
    await patchMaestroSpec(client, {
      database: { type: 'External', external: { secretRef: { name: 'pg' } } },
    });

    const degraded = await waitForCondition(client, 'Degraded', 'True', 'InvalidSpec');
    expect(degraded.message).toContain('spec.database.external.secretRef.name: secret "pg" not found');
    expect(degraded.message).toContain('nothing was changed or removed');
    expect((await maestroCondition(client, 'Available'))?.status).toBe('True');
    await eventually(async () =>
      (await mceComponents(client)).some((c) => c.name === 'maestro' && c.reason === 'InvalidSpec'),
    );
    // Nothing pruned, nothing rewritten: the embedded database and the server are as they were.
    await consistently(async () => JSON.stringify(await ownedObjects(client)) === JSON.stringify(before), {
      duration: 1_000,
    });
    const after = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: NS,
      name: 'maestro',
    });
    expect(after?.metadata.resourceVersion).toBe(deployment?.metadata.resourceVersion);

    // The Secret appears but lacks a key: the message names the field and the key.
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'pg', namespace: NS },
      stringData: {
        'db.host': 'pg.example.com',
        'db.port': '5432',
        'db.user': 'maestro',
        'db.name': 'maestro',
      },
    } as KubeObject);
    await eventually(async () =>
      (await maestroCondition(client, 'Degraded'))?.message.includes(
        'spec.database.external.secretRef.name: secret "pg" lacks key db.password',
      ),
    );
    expect(await ownedObjects(client)).toEqual(before);

    // Back to the embedded database: healthy again, same objects.
    await patchMaestroSpec(client, { database: { type: 'Embedded', external: null } });
    await waitForCondition(client, 'Degraded', 'False', 'AsExpected');
    await waitForCondition(client, 'Available', 'True', 'Available');
    expect(await ownedObjects(client)).toEqual(before);
  });

  it('never puts the contents of a broken external broker Secret into status, Events or logs', async () => {
    const canary = 'Zq7CANARYx9-broker-password';
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'mqtt-broken', namespace: NS },
      stringData: {
        // An unterminated quote: the YAML parser's own message quotes this line.
        'config.yaml': `brokerHost: mqtt.example.com:8883\npassword: "${canary}\nusername: maestro\n`,
      },
    } as KubeObject);
    await patchMaestroSpec(client, {
      transport: 'mqtt',
      broker: { type: 'External', external: { secretRef: { name: 'mqtt-broken' } } },
    });
    const degraded = await waitForCondition(client, 'Degraded', 'True', 'InvalidSpec');
    expect(degraded.message).toMatch(
      /spec\.broker\.external\.secretRef\.name: secret "mqtt-broken" key config\.yaml is not YAML \([A-Z_]+ at line \d+, column \d+\)/,
    );
    await eventually(async () =>
      (await mceComponents(client)).some((c) => c.name === 'maestro' && c.reason === 'InvalidSpec'),
    );
    const maestro = await client.get(ref.maestro);
    const events = await client.list('v1', 'Event');
    const log = readFileSync(join(hub.cp.dir, 'operator.log'), 'utf8');
    expect(log).toContain('config.yaml is not YAML');
    for (const output of [
      JSON.stringify(maestro),
      JSON.stringify(await mceComponents(client)),
      JSON.stringify(events),
      log,
    ])
      expect(output).not.toContain(canary);

    await patchMaestroSpec(client, { transport: 'grpc', broker: null });
    await waitForCondition(client, 'Degraded', 'False', 'AsExpected');
  });

  it('reports the legacy maestro-addon when its ClusterManagementAddOn exists', async () => {
    await client.create({
      apiVersion: 'addon.open-cluster-management.io/v1alpha1',
      kind: 'ClusterManagementAddOn',
      metadata: { name: 'maestro-addon' },
      spec: { installStrategy: { type: 'Manual' } },
    } as KubeObject);
    const c = await waitForCondition(client, 'LegacyAddonDetected', 'True', 'AddonPresent');
    expect(c.message).toContain('ClusterManagementAddOn maestro-addon exists');
    expect(c.message).toContain('helm uninstall maestro-addon');
    expect((await maestroCondition(client, 'Available'))?.status).toBe('True');
    await client.delete({
      apiVersion: 'addon.open-cluster-management.io/v1alpha1',
      kind: 'ClusterManagementAddOn',
      name: 'maestro-addon',
    });
    await waitForCondition(client, 'LegacyAddonDetected', 'False', 'AddonAbsent');
    expect(await client.get(ref.maestro)).toBeDefined();
  });
});
