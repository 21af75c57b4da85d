/**
 * Maestro for real, mqtt transport: the rendered Maestro server with real PostgreSQL and Mosquitto
 * on the real hub (maestro-hub.ts); the operator's transport rollout registers each real cluster as
 * a consumer over Maestro's verified REST and delivers its Maestro agent by ManifestWork; the real
 * work agent applies it, the spoke's process kubelet runs the real `maestro agent`; a workload
 * source (Maestro's own gRPC client, mutual TLS, authorised by SubjectAccessReview) sends a
 * ManifestWork through Maestro and it lands on the cluster, its status comes back, and its
 * deletion removes it; rolling back to kube removes the agents.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issueClientCertificate } from '../../../src/tls/certificates.js';
import { maestroConsumers } from '../../../src/controllers/rollout/maestro-consumers.js';
import { eventually } from '../../harness/eventually.js';
import { maestroBinary } from '../../harness/maestro-process.js';
import { configMapData, hubImagesOf, OCM_RELEASE_OF_TAG } from '../../harness/ocm/fixtures.js';
import { AGENT_NAMESPACE } from '../../harness/ocm/spoke.js';
import { startRealWorld, type RealWorld } from '../../harness/ocm/world.js';
import { createRollout, rolloutStatus } from '../../integration/rollout/helpers.js';
import { MAESTRO_IMAGE, startMaestroOnHub, type MaestroOnHub } from './maestro-hub.js';
import { maestroWorkClient, type MaestroWorkClient } from './maestro-work-client.js';
import { startRollouts, type RunningOperator } from './operator.js';

const NS = 'transport-ops';
const CLUSTERS = ['cluster1', 'cluster2'];
const AGENT_POD = `${AGENT_NAMESPACE}/maestro-agent`;
const SOURCE = 'mmo-e2e';
/** The ConfigMap the source's ManifestWork carries. */
const HELLO = 'hello-from-maestro';

type Condition = { type: string; status: string };

/** A ManifestWork carrying one ConfigMap, as a workload source writes it. */
const helloWork = (cluster: string) => ({
  apiVersion: 'work.open-cluster-management.io/v1',
  kind: 'ManifestWork',
  metadata: { name: 'hello' },
  spec: {
    workload: {
      manifests: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: HELLO, namespace: 'default' },
          data: { cluster, via: 'maestro-mqtt' },
        },
      ],
    },
  },
});

describe('Maestro over mqtt with real agents', () => {
  let world: RealWorld;
  let maestro: MaestroOnHub;
  let operator: RunningOperator | undefined;
  let source: MaestroWorkClient;
  const saved = { rest: process.env.MAESTRO_REST_URL, image: process.env.OPERAND_IMAGE_MAESTRO };

  beforeAll(async () => {
    const binaries = { [MAESTRO_IMAGE]: await maestroBinary() };
    // The broker's in-cluster name resolves to loopback for the agents, as cluster DNS would.
    const hosts = { 'maestro-mqtt.maestro.svc': '127.0.0.1' };
    world = await startRealWorld({
      spokes: CLUSTERS,
      import: { images: hubImagesOf('2.17.1'), versions: OCM_RELEASE_OF_TAG },
      processes: { binaries, hosts },
    });
    maestro = await startMaestroOnHub(world.hub);
    expect(maestro.brokerName).toBe('maestro-mqtt.maestro.svc');
    // The operator reaches REST by port-forward here (no cluster network); it verifies the
    // certificate against maestro-api-ca, which names localhost.
    process.env.MAESTRO_REST_URL = maestro.restUrl;
    process.env.OPERAND_IMAGE_MAESTRO = MAESTRO_IMAGE;
    operator = await startRollouts(world, NS);
    source = await maestroWorkClient({
      restUrl: maestro.restUrl,
      grpcAddress: maestro.grpcAddress,
      caCert: maestro.apiCa.cert,
      client: maestro.grpcClient,
      source: SOURCE,
      restToken: maestro.restReaderToken,
    });
  });
  afterAll(async () => {
    source?.close();
    await operator?.stop();
    await maestro?.stop();
    await world?.stop();
    process.env.MAESTRO_REST_URL = saved.rest;
    process.env.OPERAND_IMAGE_MAESTRO = saved.image;
    if (saved.rest === undefined) delete process.env.MAESTRO_REST_URL;
    if (saved.image === undefined) delete process.env.OPERAND_IMAGE_MAESTRO;
  });

  it('moves the clusters to mqtt: consumers registered, the real Maestro agent running on each', async () => {
    await createRollout(world.hub.client, NS, 'to-mqtt', {
      target: { transport: { type: 'mqtt' } },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'All' },
    });
    await eventually(
      async () => expect((await rolloutStatus(world.hub.client, NS, 'to-mqtt'))?.phase).toBe('Succeeded'),
      { timeout: 240_000, interval: 1_000, message: 'the mqtt rollout to succeed' },
    );
    // Registered by the rollout: the operator's own client, verifying REST, finds each consumer.
    const registered = maestroConsumers(maestro.restUrl, {
      ca: maestro.apiCa.cert,
      token: () => Promise.resolve(maestro.restReaderToken),
    });
    for (const cluster of CLUSTERS) expect(await registered.ensure(cluster)).toBe('exists');
    for (const cluster of CLUSTERS) {
      const pod = world.spoke(cluster).processKubelet()?.pod(AGENT_POD);
      expect(pod?.image).toBe(MAESTRO_IMAGE);
      expect(pod?.running()).toBe(true);
      expect(pod?.argv).toEqual(
        expect.arrayContaining([
          'agent',
          `--consumer-name=${cluster}`,
          '--workload-source-driver=mqtt',
          `--cloudevents-client-id=${cluster}-maestro-agent`,
        ]),
      );
      // What the work delivered, run as delivered: only the pod's environment is rewritten, and
      // the mount paths inside its MQTT config.yaml.
      expect(new Set(pod?.rewrites.map((r) => r.reason))).toEqual(
        new Set(['binary', 'mount-path', 'file-mount-path', 'in-cluster', 'namespace', 'listen']),
      );
      expect(pod?.rewrites.filter((r) => r.reason === 'file-mount-path').map((r) => r.from)).toEqual([
        'mqtt/config.yaml: /secrets/mqtt/',
      ]);
    }
  }, 300_000);

  it('delivers a ManifestWork sent through Maestro to each cluster, and reports its status back', async () => {
    for (const cluster of CLUSTERS) {
      const sent = Date.now();
      expect(await source.apply(cluster, helloWork(cluster))).toMatch(/created successfully/);
      const spoke = world.spoke(cluster).client;
      await eventually(
        async () => {
          expect(await configMapData(spoke, HELLO)).toEqual({ cluster, via: 'maestro-mqtt' });
        },
        {
          timeout: 30_000,
          interval: 100,
          message: `the ConfigMap sent through Maestro to land on ${cluster}`,
        },
      );
      console.log(`maestro mqtt: ${cluster} applied the work ${Date.now() - sent} ms after it was sent`);
      await eventually(
        async () => {
          const work = (await source.get(cluster, 'hello')) as { status?: { conditions?: Condition[] } };
          const applied = work.status?.conditions?.find((c) => c.type === 'Applied');
          expect(applied?.status).toBe('True');
        },
        {
          timeout: 60_000,
          interval: 1_000,
          message: `the Applied status of ${cluster}'s work back in Maestro`,
        },
      );
    }
  }, 180_000);

  it('refuses a source whose client certificate names a group the hub has not granted', async () => {
    // Same CA, same source, same work: only the certificate's group (O) differs from the granted
    // client's, so the SubjectAccessReview on /sources/mmo-e2e is what refuses it.
    const stranger = await issueClientCertificate(
      maestro.apiCa,
      'stranger',
      { now: new Date() },
      'strangers',
    );
    const denied = await maestroWorkClient({
      restUrl: maestro.restUrl,
      grpcAddress: maestro.grpcAddress,
      caCert: maestro.apiCa.cert,
      client: stranger,
      source: SOURCE,
      restToken: maestro.restReaderToken,
    });
    const cluster = CLUSTERS[0] ?? '';
    try {
      await expect(
        denied.apply(cluster, { ...helloWork('stranger'), metadata: { name: 'denied' } }),
      ).rejects.toThrow(/failed to create work/);
    } finally {
      denied.close();
    }
    // Nothing was stored in Maestro, and the cluster still holds the granted source's ConfigMap.
    await expect(source.get(cluster, 'denied')).rejects.toThrow(/not found/i);
    expect((await configMapData(world.spoke(cluster).client, HELLO))?.cluster).toBe(cluster);
  }, 120_000);

  it('removes what a deleted work applied', async () => {
    for (const cluster of CLUSTERS) {
      expect(await source.delete(cluster, 'hello')).toMatch(/deleted successfully/);
      await eventually(
        async () => expect(await configMapData(world.spoke(cluster).client, HELLO)).toBeUndefined(),
        { timeout: 30_000, message: `the ConfigMap removed from ${cluster}` },
      );
    }
  }, 120_000);

  it('moves the clusters back to kube, stopping their Maestro agents', async () => {
    await createRollout(world.hub.client, NS, 'to-kube', {
      target: { transport: { type: 'kube' } },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'All' },
    });
    await eventually(
      async () => expect((await rolloutStatus(world.hub.client, NS, 'to-kube'))?.phase).toBe('Succeeded'),
      { timeout: 240_000, interval: 1_000, message: 'the rollout back to kube to succeed' },
    );
    await eventually(
      () => CLUSTERS.every((c) => world.spoke(c).processKubelet()?.pod(AGENT_POD) === undefined),
      { timeout: 60_000, message: 'the Maestro agents to stop' },
    );
  }, 300_000);
});
