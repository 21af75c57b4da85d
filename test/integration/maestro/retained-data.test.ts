/**
 * Retained data is deleted only by the admin's explicit choice (retainDataOnDisable: false, for the
 * namespace it was set on). Deleting the Maestro object that named a non-default namespace once
 * moved Maestro to the default namespace and pruned the old namespace's database Secret and MQTT
 * CA with the rest (issue 13, finding 6).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeClient, KubeObject } from '../../../src/runtime/index.js';
import { consistently, eventually } from '../../harness/eventually.js';
import {
  dbPassword,
  ownedObjects,
  ref,
  startTestHub,
  toggleMaestro,
  waitForCondition,
  type TestHub,
} from './fixtures.js';

const DATA_NS = 'maestro-data';
const CLAIM = 'maestro-db-data-maestro-db-0';

let hub: TestHub;
let client: KubeClient;

beforeAll(async () => {
  hub = await startTestHub('maestro-retained', {
    // MQTT, so the generated MQTT CA is part of the data; retainDataOnDisable off, which is a choice
    // about disabling, not about deleting the settings.
    seed: { maestro: { namespace: DATA_NS, transport: 'mqtt', retainDataOnDisable: false } },
    operatorRbac: { operandNamespaces: [DATA_NS] },
  });
  client = hub.client;
}, 300_000);

afterAll(() => hub?.stop());

const secretUid = async (name: string, namespace: string) =>
  (await client.get({ apiVersion: 'v1', kind: 'Secret', name, namespace }))?.metadata.uid;
const claimUid = async (namespace: string) =>
  (await client.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: CLAIM, namespace }))?.metadata
    .uid;

describe('retained data of an install in a non-default namespace', () => {
  let password: string | undefined;
  let dbSecret: string | undefined;
  let mqttCa: string | undefined;
  let claim: string | undefined;

  it('installs into the namespace the settings name', async () => {
    await toggleMaestro(client, true);
    await waitForCondition(client, 'Available', 'True', 'Available');
    password = await dbPassword(client, DATA_NS);
    dbSecret = await secretUid('maestro-db-config', DATA_NS);
    mqttCa = await secretUid('maestro-mqtt-ca', DATA_NS);
    claim = await eventually(async () => {
      const uid = await claimUid(DATA_NS);
      if (!uid) throw new Error('no database claim yet');
      return uid;
    });
    expect(password).toBeDefined();
    expect(mqttCa).toBeDefined();
  });

  it('keeps Maestro and its data where they are when the Maestro object is deleted', async () => {
    const before = hub.operator?.reconciles() ?? 0;
    await client.delete(ref.maestro);
    await eventually(() => expect(hub.operator?.reconciles() ?? 0).toBeGreaterThan(before + 1));
    await consistently(
      async () => {
        const owned = await ownedObjects(client);
        return (
          owned.includes(`Deployment ${DATA_NS}/maestro`) &&
          owned.filter((o) => o.includes(' maestro/')).length === 0 &&
          (await secretUid('maestro-db-config', DATA_NS)) === dbSecret &&
          (await secretUid('maestro-mqtt-ca', DATA_NS)) === mqttCa &&
          (await claimUid(DATA_NS)) === claim
        );
      },
      { duration: 3_000 },
    );
    expect(await dbPassword(client, DATA_NS)).toBe(password);
  });

  it('keeps the old namespace, database Secret, MQTT CA and claim when new settings name another namespace', async () => {
    await client.create({ ...ref.maestro, metadata: { name: ref.maestro.name }, spec: {} } as KubeObject);
    await eventually(async () => expect(await ownedObjects(client)).toContain('Deployment maestro/maestro'), {
      timeout: 60_000,
    });
    await waitForCondition(client, 'Available', 'True', 'Available');
    await eventually(async () =>
      expect(await ownedObjects(client)).not.toContain(`Deployment ${DATA_NS}/maestro`),
    );
    const owned = await ownedObjects(client);
    expect(owned).toEqual(
      expect.arrayContaining([
        `Namespace ${DATA_NS}`,
        `Secret ${DATA_NS}/maestro-db-config`,
        `Secret ${DATA_NS}/maestro-mqtt-ca`,
      ]),
    );
    expect(await secretUid('maestro-db-config', DATA_NS)).toBe(dbSecret);
    expect(await secretUid('maestro-mqtt-ca', DATA_NS)).toBe(mqttCa);
    expect(await claimUid(DATA_NS)).toBe(claim);
    expect(await dbPassword(client, DATA_NS)).toBe(password);
  });

  it('still keeps them when Maestro is disabled with retainDataOnDisable off for the new namespace', async () => {
    await client.patch(ref.maestro, { spec: { retainDataOnDisable: false } }, 'merge');
    await toggleMaestro(client, false);
    await waitForCondition(client, 'Available', 'False', 'ComponentDisabled');
    await waitForCondition(client, 'Progressing', 'False', 'Reconciled');
    await eventually(async () => expect(await secretUid('maestro-db-config', 'maestro')).toBeUndefined());
    expect(await secretUid('maestro-db-config', DATA_NS)).toBe(dbSecret);
    expect(await secretUid('maestro-mqtt-ca', DATA_NS)).toBe(mqttCa);
    expect(await claimUid(DATA_NS)).toBe(claim);
  });
});
