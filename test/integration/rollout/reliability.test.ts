/**
 * Restart safety of the rollout controllers: SIGKILL the operator at random moments during a
 * 1,000-cluster rollout and start it again each time; the rollout completes, waves never overlap,
 * and each cluster is written exactly once. Then kube-apiserver is restarted mid-rollout.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { REPO_ROOT } from '../../harness/control-plane.js';
import { eventually, sleep } from '../../harness/eventually.js';
import { spawnManaged, type ManagedProcess } from '../../harness/processes.js';
import {
  createPlacement,
  createRollout,
  enableGrpcOnHub,
  rolloutStatus,
  startRolloutEnv,
  type RolloutEnv,
} from './helpers.js';

const NS = 'reliability';
const CLUSTERS = 1000;
const PER_GROUP = 100;
const KILLS = 10;

describe('rollout restart safety', () => {
  let env: RolloutEnv;
  let operator: ManagedProcess | undefined;
  let starts = 0;

  const startOperator = () => {
    starts++;
    operator = spawnManaged(
      'rollout-operator',
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'test/harness/fixtures/rollout-operator.ts'),
        `--kubeconfig=${env.operatorKubeconfig}`,
        '--metrics-bind-address=0',
        '--health-probe-bind-address=0',
        '--qps=300',
        '--burst=600',
        '--log-level=warn',
      ],
      { cwd: REPO_ROOT, logFile: join(env.cp.dir, `operator-${starts}.log`) },
    );
  };

  beforeAll(async () => {
    env = await startRolloutEnv(
      { clusters: CLUSTERS, agents: { delayMs: [100, 600], seed: 11 } },
      { operator: false },
    );
    await env.fleet.bindNamespace(NS, ['default']);
    await createPlacement(env.client, NS, 'all', PER_GROUP);
    await enableGrpcOnHub(env.client);
  });
  afterAll(async () => {
    await operator?.stop('SIGKILL');
    await env?.stop();
  });

  it('completes through 10 SIGKILLs, wave by wave, writing each cluster once', async () => {
    startOperator();
    await createRollout(env.client, NS, 'to-grpc', {
      target: { transport: { type: 'grpc' } },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'ProgressivePerGroup', progressivePerGroup: { minSuccessTime: '1s' } },
    });
    // Random moments, but reproducible: a fixed sequence of pauses between kills.
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let maxInFlight = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const until = Date.now() + 500 + random() * 2000;
      while (Date.now() < until) {
        const s = await rolloutStatus(env.client, NS, 'to-grpc');
        if (s?.counts)
          maxInFlight = Math.max(maxInFlight, s.counts.progressing + s.counts.soaking + s.counts.failed);
        await sleep(100);
      }
      await operator?.stop('SIGKILL');
      startOperator();
    }
    await eventually(
      async () => {
        const s = await rolloutStatus(env.client, NS, 'to-grpc');
        if (s?.counts)
          maxInFlight = Math.max(maxInFlight, s.counts.progressing + s.counts.soaking + s.counts.failed);
        expect(s?.phase).toBe('Succeeded');
      },
      { timeout: 240_000, interval: 200, message: 'the rollout to complete after the kills' },
    );
    expect(starts).toBe(KILLS + 1);
    expect((await rolloutStatus(env.client, NS, 'to-grpc'))?.progress).toBe(`${CLUSTERS}/${CLUSTERS}`);
    expect(maxInFlight).toBeLessThanOrEqual(PER_GROUP);

    // Each cluster's target written exactly once, across eleven operator processes.
    const writes = env.fleet.audit.entries.filter((e) => e.what === 'klusterlet-config');
    const perCluster = new Map<string, number>();
    for (const w of writes) perCluster.set(w.cluster, (perCluster.get(w.cluster) ?? 0) + 1);
    expect(perCluster.size).toBe(CLUSTERS);
    expect([...perCluster.values()].filter((n) => n !== 1)).toEqual([]);

    // Waves never overlap: no cluster of a group is written before every cluster of the previous
    // group was (groups are chunks of 100 in name order).
    const at = new Map(writes.map((w) => [w.cluster, w.at]));
    for (let g = 1; g < CLUSTERS / PER_GROUP; g++) {
      const prev = env.fleet.names
        .slice((g - 1) * PER_GROUP, g * PER_GROUP)
        .map((n) => at.get(n) ?? Infinity);
      const cur = env.fleet.names
        .slice(g * PER_GROUP, (g + 1) * PER_GROUP)
        .map((n) => at.get(n) ?? -Infinity);
      expect(Math.min(...cur)).toBeGreaterThanOrEqual(Math.max(...prev));
    }
  });

  it('keeps going when kube-apiserver restarts mid-rollout', async () => {
    await createRollout(env.client, NS, 'back-to-kube', {
      target: { transport: { type: 'kube' } },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: '20%' } },
    });
    await eventually(
      async () =>
        expect((await rolloutStatus(env.client, NS, 'back-to-kube'))?.counts?.succeeded ?? 0).toBeGreaterThan(
          0,
        ),
      {
        timeout: 60_000,
        message: 'the second rollout to make progress',
      },
    );
    await env.cp.stopApiServer('SIGKILL');
    await sleep(2_000);
    await env.cp.startApiServer();
    await eventually(
      async () => expect((await rolloutStatus(env.client, NS, 'back-to-kube'))?.phase).toBe('Succeeded'),
      {
        timeout: 180_000,
        message: 'the rollout to finish after the API server restart',
      },
    );
    expect(operator?.running()).toBe(true);
  });
});
