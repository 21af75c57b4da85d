/**
 * A hub coming from the stolostron maestro-addon: its Helm chart runs Maestro and PostgreSQL in
 * namespace `maestro` with a Secret of the same name we use. The operator reports the add-on,
 * refuses to install into its namespace (never touching its data), and installs wherever the admin
 * points it instead. With no Maestro object at all, the defaults apply and the MCE entry says why.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeClient, KubeObject } from '../../../src/runtime/index.js';
import { consistently, eventually } from '../../harness/eventually.js';
import {
  mceComponents,
  ownedObjects,
  ref,
  startTestHub,
  toggleMaestro,
  waitForCondition,
  type TestHub,
} from './fixtures.js';

let hub: TestHub;
let client: KubeClient;

const addonSecretRef = { apiVersion: 'v1', kind: 'Secret', namespace: 'maestro', name: 'maestro-db-config' };

/** What `helm install maestro-addon ./charts/maestro-addon` leaves behind (the parts that matter). */
async function installLegacyAddon(client: KubeClient): Promise<void> {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'maestro' } });
  await client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'maestro-db-config',
      namespace: 'maestro',
      labels: { 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: {
        'meta.helm.sh/release-name': 'maestro-addon',
        'meta.helm.sh/release-namespace': 'default',
      },
    },
    stringData: {
      host: 'maestro-db.maestro',
      port: '5432',
      name: 'maestro',
      user: 'maestro',
      password: 'addon-pw',
    },
  } as KubeObject);
  await client.create({
    apiVersion: 'addon.open-cluster-management.io/v1alpha1',
    kind: 'ClusterManagementAddOn',
    metadata: { name: 'maestro-addon' },
    spec: { installStrategy: { type: 'Manual' } },
  } as KubeObject);
}

beforeAll(async () => {
  hub = await startTestHub('maestro-legacy', {
    seed: { maestro: false },
    before: installLegacyAddon,
    // The admin points spec.namespace at maestro-hub: it gets the operand Role, as docs/maestro.md says.
    operatorRbac: { operandNamespaces: ['maestro-hub'] },
  });
  client = hub.client;
}, 300_000);

afterAll(() => hub?.stop());

describe('coming from the maestro-addon', () => {
  it('refuses the add-on namespace with the defaults and leaves its data alone', async () => {
    const secret = await client.get(addonSecretRef);
    await toggleMaestro(client, true);
    const entry = await eventually(async () => {
      const e = (await mceComponents(client)).find((c) => c.name === 'maestro');
      if (e?.reason !== 'InvalidSpec') throw new Error(JSON.stringify(e));
      return e;
    });
    expect(entry).toMatchObject({ kind: 'Deployment', type: 'Available', status: 'False' });
    await consistently(async () => (await ownedObjects(client)).length === 0, { duration: 1_000 });
    expect((await client.get(addonSecretRef))?.metadata.resourceVersion).toBe(
      secret?.metadata.resourceVersion,
    );
    // The operator never creates the Maestro object: that would pin the (immutable) namespace.
    expect(await client.get(ref.maestro)).toBeUndefined();
  });

  it('installs into the namespace the admin chooses and reports the add-on', async () => {
    const secret = await client.get(addonSecretRef);
    await client.create({
      ...ref.maestro,
      metadata: { name: 'cluster' },
      spec: { namespace: 'maestro-hub' },
    } as KubeObject);
    await waitForCondition(client, 'Available', 'True', 'Available');
    const legacy = await waitForCondition(client, 'LegacyAddonDetected', 'True', 'AddonPresent');
    expect(legacy.message).toContain('keep spec.namespace different from the add-on namespace');
    expect(await ownedObjects(client)).toContain('StatefulSet maestro-hub/maestro-db');
    expect((await ownedObjects(client)).filter((o) => o.includes(' maestro/'))).toEqual([]);
    expect((await client.get(addonSecretRef))?.metadata.resourceVersion).toBe(
      secret?.metadata.resourceVersion,
    );
  });
});
