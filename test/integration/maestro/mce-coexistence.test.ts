/**
 * Next to the MCE operator (issue 13, finding 4): a stand-in reproducing backplane-operator's
 * Maestro code paths (test/harness/mce-stand-in.ts) runs with ours. Writes to the ClusterManager are
 * counted by a watch: bounded, no oscillation, and the namespace and the data survive.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAESTRO_ENABLED_ANNOTATION } from '../../../src/api/upstream/mce.js';
import { EXTERNALLY_MANAGED_ANNOTATION } from '../../../src/api/upstream/mce-coexistence.js';
import { FIELD_MANAGER, Informer, type KubeClient, type KubeObject } from '../../../src/runtime/index.js';
import { eventually } from '../../harness/eventually.js';
import { startMceStandIn, type MceStandIn } from '../../harness/mce-stand-in.js';
import {
  dbPassword,
  NS,
  ref,
  startTestHub,
  toggleMaestro,
  waitForCondition,
  type TestHub,
} from './fixtures.js';

let hub: TestHub;
let client: KubeClient;
let mce: MceStandIn;
let clusterManagerWrites = 0;
let watch: Informer<KubeObject>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const setVersion = (currentVersion: string) =>
  client.patch(ref.mce, { status: { currentVersion } }, 'merge', { subresource: 'status' });
const annotate = (annotations: Record<string, string | null>) =>
  client.patch(ref.mce, { metadata: { annotations } }, 'merge');
/** ClusterManager writes while `ms` pass. */
async function writesDuring(ms: number): Promise<number> {
  const before = clusterManagerWrites;
  await sleep(ms);
  return clusterManagerWrites - before;
}
/** Whether our field manager owns the ClusterManager's gRPC settings. */
const ourFieldsOnClusterManager = async () =>
  ((await client.get(ref.clusterManager))?.metadata.managedFields ?? []).some((f) => {
    // Our applies (the stand-in's Updates go through a client with the same manager name).
    const entry = f as { manager?: string; operation?: string; fieldsV1?: unknown };
    return (
      entry.manager === FIELD_MANAGER &&
      entry.operation === 'Apply' &&
      JSON.stringify(entry.fieldsV1).includes('serverConfiguration')
    );
  });

beforeAll(async () => {
  hub = await startTestHub('maestro-mce-coexistence');
  client = hub.client;
  await setVersion('2.17.0');
  watch = new Informer<KubeObject>({
    client,
    ...ref.clusterManager,
    apiVersion: ref.clusterManager.apiVersion,
  });
  watch.addHandler({
    update: (a, b) =>
      void (a.metadata.resourceVersion !== b.metadata.resourceVersion && clusterManagerWrites++),
  });
  watch.start();
  await watch.waitForSync();
  // The hub as an admin finds it: MCE 2.17 running its own maestro-preview. (Had it been disabled,
  // MCE would delete namespace maestro, and with it the operator's Role there, on every pass.)
  await toggleMaestro(client, true, 'maestro-preview');
  mce = startMceStandIn(client, { name: 'multiclusterengine', requeueMs: 1_000 });
}, 300_000);

afterAll(async () => {
  await mce?.stop();
  await watch?.stop();
  await hub?.stop();
});

describe('next to MCE 2.17 and 5.x', () => {
  it('on 2.17, touches nothing while MCE reconciles its own maestro-preview, and says how to hand it over', async () => {
    // MCE sets its own ClusterManager values once; we write none, so nothing oscillates (without
    // the wait, MCE and we rewrote it about twice a second).
    await eventually(() => expect(mce.writes.get('ClusterManager') ?? 0).toBeGreaterThan(0));
    await sleep(2_000);
    expect(await writesDuring(10_000)).toBe(0);
    const degraded = await waitForCondition(client, 'Degraded', 'True', 'MceManagesMaestro');
    expect(degraded.message).toContain(`${EXTERNALLY_MANAGED_ANNOTATION}='["maestro-preview"]'`);
    expect(await ourFieldsOnClusterManager()).toBe(false);
    expect(
      await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'maestro' }),
    ).toBeUndefined();
  });

  it('installs once maestro-preview is externally managed; over a minute MCE and we write the ClusterManager a bounded number of times', async () => {
    await annotate({ [EXTERNALLY_MANAGED_ANNOTATION]: '["maestro-preview"]' });
    await waitForCondition(client, 'Available', 'True', 'Available');
    const settled = clusterManagerWrites;
    expect(await ourFieldsOnClusterManager()).toBe(true);
    const inAMinute = await writesDuring(60_000);
    console.log(
      `ClusterManager writes: ${settled} until Available, ${inAMinute} in the minute after (stand-in passes: ${mce.passes()})`,
    );
    expect(inAMinute).toBe(0);
    expect(await client.get({ apiVersion: 'v1', kind: 'Namespace', name: NS })).toBeDefined();
    expect(await dbPassword(client)).toBeDefined();
  }, 120_000);

  it('on 5.x, where MCE forces maestro-preview off, the annotation keeps Maestro on without a fight', async () => {
    const password = await dbPassword(client);
    await annotate({ [MAESTRO_ENABLED_ANNOTATION]: 'true' });
    await setVersion('5.0.0');
    // MCE sets maestro-preview back to false; the annotation decides, so nothing is removed.
    await eventually(() => expect(mce.writes.get('MultiClusterEngine') ?? 0).toBeGreaterThan(0));
    expect(await writesDuring(10_000)).toBe(0);
    await waitForCondition(client, 'Available', 'True', 'Available');
    expect(await dbPassword(client)).toBe(password);
    expect(mce.writes.get('Namespace maestro') ?? 0).toBe(0);
  }, 60_000);
});
