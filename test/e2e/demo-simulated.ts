/**
 * `make demo DEMO_ARGS=--simulated`: the operator's main job over 500 simulated clusters.
 *
 *  1. Turn Maestro on through the MultiClusterEngine flag (grpc) and watch it become Available.
 *  2. The transport rollout it starts moves 500 simulated clusters (5 decision groups) to gRPC.
 *  3. A klusterlet upgrade 2.16.0 → 2.17.0 at 20% concurrency inside a maintenance window, with
 *     2 injected failures under budget, reaches Succeeded.
 *  4. An add-on rollout whose failures breach the budget rolls back automatically to RolledBack.
 *
 * Live progress on screen; `--headless` runs the same story with plain output, exits 0 when
 * every step ended as expected, and prints a one-line JSON summary last.
 */
import { DateTime } from 'luxon';
import { KubeClient } from '../../src/runtime/index.js';
import { startFleet, versionedAddOn, type Fleet } from '../harness/fleet/index.js';
import { startKubelet } from '../harness/kubelet.js';
import { startControlPlaneWithOwnCrds } from '../harness/own-crds.js';
import { DemoScreen } from './demo-screen.js';
import {
  createPlacement,
  enableMaestro,
  hubImages,
  rollout,
  startDemoOperator,
  waitForRollout,
  type StepResult,
} from './demo-steps.js';

const headless = process.argv.includes('--headless');
const CLUSTERS = Number(process.env.DEMO_CLUSTERS ?? 500);
const NS = 'demo';
const ADDON = 'managed-serviceaccount';

const screen = new DemoScreen(headless);
const results: StepResult[] = [];
const started = Date.now();
const abort = new AbortController();

screen.say('Starting a local control plane (kube-apiserver + etcd, built from Go modules on first use)…');
const cp = await startControlPlaneWithOwnCrds({ name: 'demo' });
const client = new KubeClient({ kubeConfig: cp.kubeConfig(), qps: 200, burst: 400 });
let fleet: Fleet | undefined;
let exitCode = 1;
try {
  screen.say(`Simulating an OCM hub (MCE 2.17.0) with ${CLUSTERS} managed clusters…`);
  fleet = await startFleet({
    kubeConfig: cp.kubeConfig(),
    clusters: CLUSTERS,
    hub: { version: '2.17.0', images: hubImages('2.17.0') },
    agents: { delayMs: [300, 1500], seed: 2026 },
    addOns: [versionedAddOn(ADDON, ['2.16.0', '2.17.0'])],
  });
  const kubelet = await startKubelet({ client, readyDelayMs: 1500 });
  await fleet.bindNamespace(NS, ['default']);
  await createPlacement(client, NS, 'fleet', Math.ceil(CLUSTERS / 5));
  screen.say(`Fleet ready in ${Math.round(fleet.stats().setupMs / 1000)}s. Starting the operator.`);
  const operator = startDemoOperator(cp.kubeconfigPath, abort.signal);

  // 1. Maestro behind the MCE flag.
  results.push(
    await enableMaestro(client, screen, {
      placementRef: { namespace: NS, name: 'fleet' },
      maxConcurrency: '10%',
    }),
  );

  // 2. The transport rollout the Maestro controller started.
  screen.step(
    '2. The fleet follows: transport rollout to gRPC, 10% of clusters at a time, 5 decision groups',
  );
  results.push(
    await waitForRollout(client, screen, NS, 'maestro-transport', 'Succeeded', 'transport to grpc'),
  );

  // 3. Klusterlet upgrade inside a window, failures under budget.
  screen.step(
    '3. Hold the fleet at klusterlet 2.16.0, then upgrade to 2.17.0 at 20% inside a maintenance window',
  );
  await rollout(client, NS, 'klusterlet-2-16-0', {
    target: { klusterlet: { version: '2.16.0', images: hubImages('2.16.0') } },
    rolloutStrategy: { type: 'All' },
    versionSkewPolicy: { allowDowngrade: true },
  });
  results.push(
    await waitForRollout(client, screen, NS, 'klusterlet-2-16-0', 'Succeeded', 'hold at klusterlet 2.16.0'),
  );
  fleet.setFailures([
    {
      match: (n) => n === fleet?.names[137] || n === fleet?.names[388],
      target: 'klusterlet',
      mode: 'degraded',
    },
  ]);
  const windowStart = DateTime.utc().minus({ hours: 1 }).startOf('hour');
  await rollout(client, NS, 'klusterlet-2-17-0', {
    target: { klusterlet: { version: '2.17.0', images: hubImages('2.17.0') } },
    rolloutStrategy: {
      type: 'Progressive',
      progressive: { maxConcurrency: '20%', progressDeadline: '45s', maxFailures: 5 },
    },
    maintenanceWindows: [
      {
        name: 'nightly',
        recurrence: 'FREQ=DAILY',
        start: windowStart.toFormat("yyyy-MM-dd'T'HH:mm:ss"),
        duration: '8h',
        timeZone: 'UTC',
      },
    ],
    failurePolicy: { maxFailures: 5, action: 'Pause' },
  });
  results.push(
    await waitForRollout(client, screen, NS, 'klusterlet-2-17-0', 'Succeeded', 'klusterlet 2.16.0 → 2.17.0', {
      failed: 2,
    }),
  );

  // 4. An add-on version that breaks: budget breached, automatic rollback.
  screen.step(
    '4. Roll managed-serviceaccount 2.17.0; it fails on many clusters, the budget breaks, it rolls back',
  );
  fleet.setFailures([{ match: () => true, rate: 0.25, target: 'addon', mode: 'degraded' }]);
  await rollout(client, NS, 'msa-2-17-0', {
    target: {
      addOn: {
        name: ADDON,
        version: '2.17.0',
        config: { namespace: 'multicluster-engine', name: `${ADDON}-2.17.0` },
      },
    },
    rolloutStrategy: {
      type: 'Progressive',
      progressive: { maxConcurrency: '10%', progressDeadline: '2m', maxFailures: 3 },
    },
    failurePolicy: { maxFailures: 3, action: 'Rollback', rollbackMaxConcurrency: '10%' },
  });
  results.push(
    await waitForRollout(client, screen, NS, 'msa-2-17-0', 'RolledBack', 'add-on 2.17.0 rolled back', {
      onPhase: (phase) => {
        // The previous version works: reverting succeeds.
        if (phase === 'RollingBack') fleet?.setFailures([]);
      },
    }),
  );

  exitCode = results.every((r) => r.ok) ? 0 : 1;
  abort.abort();
  await operator;
  await kubelet.stop();
} catch (err) {
  screen.say(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  abort.abort();
  await fleet?.stop();
  client.close();
  await cp.stop();
}
screen.summary(results, Date.now() - started, exitCode === 0);
process.exit(exitCode);
