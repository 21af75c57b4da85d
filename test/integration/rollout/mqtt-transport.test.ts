/**
 * The mqtt transport: each cluster is registered as a consumer of a real Maestro server and gets a
 * Maestro agent with its own client certificate by ManifestWork; rolling back to kube removes the
 * agents again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { createCa } from '../../../src/tls/certificates.js';
import { MANAGED_CLUSTER_API_VERSION, MANIFEST_WORK_API_VERSION } from '../../../src/api/upstream/ocm.js';
import type { KubeObject } from '../../../src/runtime/index.js';
import { eventually } from '../../harness/eventually.js';
import { startMaestroServer, type MaestroServer } from '../../harness/maestro-server.js';
import {
  createPlacement,
  createRollout,
  maestroRunningMqtt,
  rolloutStatus,
  startRolloutEnv,
  type RolloutEnv,
} from './helpers.js';

const NS = 'mqtt-ops';
const VALIDITY = 'rollout.maestro.multicluster.openshift.io/agent-cert-validity';
const CLUSTERS = 12;

type Work = KubeObject & {
  spec?: { workload?: { manifests?: (KubeObject & { data?: Record<string, string> })[] } };
};

describe('mqtt transport rollout', () => {
  let env: RolloutEnv;
  let maestro: MaestroServer;

  beforeAll(async () => {
    maestro = await startMaestroServer();
    process.env.MAESTRO_REST_URL = maestro.restUrl;
    process.env.OPERAND_IMAGE_MAESTRO = 'quay.io/maestro/maestro:test';
    env = await startRolloutEnv({ clusters: CLUSTERS });
    await env.fleet.bindNamespace(NS, ['default']);
    await createPlacement(env.client, NS, 'all', 6);
    // One OpenShift cluster (MCE labels ManagedClusters with their vendor): its agent leaves the
    // UID to the SCC; every other cluster's agent names its non-root UID.
    await env.client.patch(
      { apiVersion: MANAGED_CLUSTER_API_VERSION, kind: 'ManagedCluster', name: env.fleet.names[0] ?? '' },
      { metadata: { labels: { vendor: 'OpenShift' } } },
      'merge',
    );
    // What the Maestro controller would have set up in mqtt mode: its status and the broker's CA.
    const ca = await createCa({ now: new Date() });
    await env.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'maestro' } });
    await env.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'maestro-mqtt-ca', namespace: 'maestro' },
      data: {
        'ca.crt': Buffer.from(ca.cert).toString('base64'),
        'ca.key': Buffer.from(ca.key).toString('base64'),
      },
    } as KubeObject);
    await maestroRunningMqtt(env.client, {
      rest: 'http://maestro.maestro.svc:8000',
      agents: 'mqtt.hub.example.com:443',
    });
  });
  afterAll(async () => {
    await env?.stop();
    await maestro?.stop();
    delete process.env.MAESTRO_REST_URL;
  });

  const agentWork = (cluster: string) =>
    env.client.get({
      apiVersion: MANIFEST_WORK_API_VERSION,
      kind: 'ManifestWork',
      namespace: cluster,
      name: 'mmo-maestro-agent',
    }) as Promise<Work | undefined>;

  it('registers every cluster as a consumer and delivers its agent with its own certificate', async () => {
    await createRollout(env.client, NS, 'to-mqtt', {
      target: { transport: { type: 'mqtt' } },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'ProgressivePerGroup' },
    });
    await eventually(
      async () => expect((await rolloutStatus(env.client, NS, 'to-mqtt'))?.phase).toBe('Succeeded'),
      {
        timeout: 60_000,
        message: 'the mqtt rollout to succeed',
      },
    );
    expect(await maestro.consumers()).toEqual([...env.fleet.names].sort());
    const caSecret = (await env.client.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'maestro',
      name: 'maestro-mqtt-ca',
    })) as (KubeObject & { data?: Record<string, string> }) | undefined;
    const ca = new X509Certificate(Buffer.from(caSecret?.data?.['ca.crt'] ?? '', 'base64'));
    for (const name of env.fleet.names) {
      const manifests = (await agentWork(name))?.spec?.workload?.manifests ?? [];
      const deployment = manifests.find((m) => m.kind === 'Deployment') as
        | (KubeObject & { spec?: { template?: { spec?: { securityContext?: { runAsUser?: number } } } } })
        | undefined;
      expect({ name, runAsUser: deployment?.spec?.template?.spec?.securityContext?.runAsUser }).toEqual({
        name,
        runAsUser: name === env.fleet.names[0] ? undefined : 1001,
      });
      const secret = manifests.find((m) => m.kind === 'Secret');
      const cert = new X509Certificate(Buffer.from(secret?.data?.['tls.crt'] ?? '', 'base64'));
      expect(cert.subject).toContain(`CN=${name}`);
      expect(cert.verify(ca.publicKey)).toBe(true);
      const config = Buffer.from(secret?.data?.['config.yaml'] ?? '', 'base64').toString();
      expect(config).toContain('brokerHost: mqtt.hub.example.com:443');
      expect(config).toContain(`sourceEvents: sources/maestro/consumers/${name}/sourceevents`);
    }
  });

  it('renews a delivered agent certificate two thirds into its lifetime, after the rollout finished', async () => {
    const name = env.fleet.names[1] ?? '';
    const before = await agentWork(name);
    const secretOf = (w: Work | undefined) => w?.spec?.workload?.manifests?.find((m) => m.kind === 'Secret');
    const certOf = (w: Work | undefined) =>
      new X509Certificate(Buffer.from(secretOf(w)?.data?.['tls.crt'] ?? '', 'base64'));
    // Delivered with a week-long certificate, due 2/3 in (about 4 days 16 hours after issue).
    const first = certOf(before);
    const lifetime = Date.parse(first.validTo) - Date.parse(first.validFrom);
    expect(Math.round(lifetime / 86_400_000)).toBe(7);
    expect(before?.metadata.annotations?.[VALIDITY]).toBe(
      `${new Date(first.validFrom).toISOString()}/${new Date(first.validTo).toISOString()}`,
    );
    const other = env.fleet.names[2] ?? '';
    const otherSerial = certOf(await agentWork(other)).serialNumber;
    // Pretend its certificate was issued 5 days ago: the record is what the renewal reads.
    const day = 86_400_000;
    await env.client.patch(
      {
        apiVersion: MANIFEST_WORK_API_VERSION,
        kind: 'ManifestWork',
        namespace: name,
        name: 'mmo-maestro-agent',
      },
      {
        metadata: {
          annotations: {
            [VALIDITY]: `${new Date(Date.now() - 5 * day).toISOString()}/${new Date(Date.now() + 2 * day).toISOString()}`,
          },
        },
      },
      'merge',
    );
    let after: Work | undefined;
    await eventually(
      async () => {
        after = await agentWork(name);
        expect(certOf(after).serialNumber).not.toBe(first.serialNumber);
      },
      { timeout: 30_000, message: `the agent certificate of ${name} to be renewed` },
    );
    const renewed = certOf(after);
    expect(renewed.subject).toContain(`CN=${name}`);
    expect(after?.metadata.annotations?.[VALIDITY]).toBe(
      `${new Date(renewed.validFrom).toISOString()}/${new Date(renewed.validTo).toISOString()}`,
    );
    // Only the key pair changed: same Deployment (no roll), same config.
    const deploymentOf = (w: Work | undefined) =>
      w?.spec?.workload?.manifests?.find((m) => m.kind === 'Deployment');
    expect(deploymentOf(after)).toEqual(deploymentOf(before));
    expect(secretOf(after)?.data?.['config.yaml']).toBe(secretOf(before)?.data?.['config.yaml']);
    // Other clusters' certificates, not due, are left alone.
    expect(certOf(await agentWork(other)).serialNumber).toBe(otherSerial);
  });

  it('moves the clusters back to kube, removing the agents', async () => {
    await createRollout(env.client, NS, 'to-kube', {
      target: { transport: { type: 'kube' } },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'All' },
    });
    await eventually(
      async () => expect((await rolloutStatus(env.client, NS, 'to-kube'))?.phase).toBe('Succeeded'),
      {
        timeout: 60_000,
        message: 'the rollout back to kube to succeed',
      },
    );
    for (const name of env.fleet.names) expect(await agentWork(name)).toBeUndefined();
  });
});
