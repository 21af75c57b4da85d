/**
 * AgentRollout against a simulated fleet on a real API server: the transport switch to gRPC and a
 * klusterlet upgrade, progressive over decision groups, judged by what the agents report back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KLUSTERLET_CONFIG_ANNOTATION } from '../../../src/api/upstream/ocm.js';
import { eventually } from '../../harness/eventually.js';
import {
  createPlacement,
  createRollout,
  enableGrpcOnHub,
  HUB_IMAGES,
  rolloutStatus,
  startRolloutEnv,
  type RolloutEnv,
} from './helpers.js';

const NS = 'fleet-ops';

interface KlusterletSpec {
  registrationImagePullSpec?: string;
  workImagePullSpec?: string;
  registrationConfiguration?: { registrationDriver?: { authType?: string } };
}

/** The Klusterlet CR as the simulated cluster runs it. */
function klusterletOf(env: RolloutEnv, cluster: string): { spec?: KlusterletSpec } | undefined {
  return env.fleet
    .spoke(cluster)
    .get('operator.open-cluster-management.io/v1', 'Klusterlet', undefined, 'klusterlet') as
    { spec?: KlusterletSpec } | undefined;
}
const CLUSTERS = 40;

describe('AgentRollout on a simulated fleet', () => {
  let env: RolloutEnv;

  beforeAll(async () => {
    env = await startRolloutEnv({ clusters: CLUSTERS });
    await env.fleet.bindNamespace(NS, ['default']);
    await createPlacement(env.client, NS, 'all', 10);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('switches every cluster to gRPC, at most maxConcurrency at a time, writing each cluster once', async () => {
    await enableGrpcOnHub(env.client);
    await createRollout(env.client, NS, 'to-grpc', {
      target: { transport: { type: 'grpc' } },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: '25%' } },
    });
    let maxInFlight = 0;
    await eventually(
      async () => {
        const s = await rolloutStatus(env.client, NS, 'to-grpc');
        if (s?.counts)
          maxInFlight = Math.max(maxInFlight, s.counts.progressing + s.counts.soaking + s.counts.failed);
        expect(s?.phase).toBe('Succeeded');
      },
      { timeout: 60_000, interval: 100, message: 'the transport rollout to succeed' },
    );
    const status = await rolloutStatus(env.client, NS, 'to-grpc');
    expect(status?.progress).toBe(`${CLUSTERS}/${CLUSTERS}`);
    expect(status?.groups?.map((g) => g.counts.succeeded)).toEqual([10, 10, 10, 10]);
    expect(maxInFlight).toBeLessThanOrEqual(10);
    for (const name of env.fleet.names) {
      expect(klusterletOf(env, name)?.spec?.registrationConfiguration?.registrationDriver?.authType).toBe(
        'grpc',
      );
    }
    const writes = env.fleet.audit.entries.filter((e) => e.what === 'klusterlet-config');
    expect(writes).toHaveLength(CLUSTERS);
    expect(new Set(writes.map((w) => w.cluster)).size).toBe(CLUSTERS);
  });

  it('upgrades the klusterlet through a derived KlusterletConfig that keeps the transport', async () => {
    const target = {
      registrationOperator: 'quay.io/stolostron/registration-operator:2.17.1',
      registration: 'quay.io/stolostron/registration:2.17.1',
      work: 'quay.io/stolostron/work:2.17.1',
    };
    await createRollout(env.client, NS, 'klusterlet-2-17-1', {
      target: { klusterlet: { version: '2.17.1', images: target } },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'ProgressivePerGroup' },
      versionSkewPolicy: { allowNewerThanHub: true },
    });
    await eventually(
      async () => expect((await rolloutStatus(env.client, NS, 'klusterlet-2-17-1'))?.phase).toBe('Succeeded'),
      {
        timeout: 60_000,
        message: 'the klusterlet rollout to succeed',
      },
    );
    for (const name of env.fleet.names) {
      const k = klusterletOf(env, name);
      expect(k?.spec?.registrationImagePullSpec).toBe(target.registration);
      expect(k?.spec?.workImagePullSpec).toBe(target.work);
      expect(k?.spec?.registrationConfiguration?.registrationDriver?.authType).toBe('grpc');
    }
    const mc = await env.client.get({
      apiVersion: 'cluster.open-cluster-management.io/v1',
      kind: 'ManagedCluster',
      name: env.fleet.names[0] ?? '',
    });
    const selection = mc?.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION] ?? '';
    const config = (await env.client.get({
      apiVersion: 'config.open-cluster-management.io/v1alpha1',
      kind: 'KlusterletConfig',
      name: selection,
    })) as
      | {
          spec?: {
            registries?: { source?: string; mirror: string }[];
            registrationDriver?: { authType?: string };
          };
        }
      | undefined;
    expect(config?.spec?.registrationDriver).toEqual({ authType: 'grpc' });
    expect(config?.spec?.registries).toEqual(
      expect.arrayContaining([{ source: HUB_IMAGES.registration, mirror: target.registration }]),
    );
  });
});
