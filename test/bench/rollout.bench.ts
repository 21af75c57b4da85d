/**
 * A full AgentRollout over 10,000 simulated clusters on the local control plane, with instant
 * agents and no soak: wall time, the operator's peak RSS, and API writes per cluster besides
 * status. The operator runs as its own process with `--qps 200`, as the issue asks.
 *
 * BENCH_ROLLOUT_CLUSTERS lists the fleet sizes (default `10000,50000`; setting up 10,000 clusters
 * takes ~3 minutes, the local kube-apiserver is the limit). Each size runs on its own control plane
 * and reports the operator's live heap per cluster: the heap after the rollout (two full GCs,
 * through the inspector) minus that of the same operator started on the empty control plane. With
 * two sizes or more it also prints the slope between the smallest and the largest, and the heap a
 * 200,000-cluster hub would need on that slope. BENCH_ROLLOUT_TARGET picks the target: `addon`
 * (default: one MCA write per cluster, the simulated addon-manager answers with one status write)
 * or `transport` (the simulated import controller re-renders and rewrites every cluster's
 * klusterlet ManifestWork, several times the API server load per cluster on the same 2 cores).
 * The operator runs from the compiled build (`npm run build`) with the NODE_OPTIONS of its
 * Deployment, as in its image (BENCH_ROLLOUT_NODE_FLAGS overrides them).
 *
 * The CPU each process used during the rollout, and the API server's requests, are logged and
 * reported, because on a small machine the API server, not the operator, sets the wall time.
 * etcd and kube-apiserver inherit this process's environment, so `GOGC=400 make bench` shows the
 * same rollout with the API server's garbage collector relaxed.
 */
import { KubeClient, type KubeObject } from '../../src/runtime/index.js';
import { sleep } from '../harness/eventually.js';
import { startFleet, versionedAddOn } from '../harness/fleet/index.js';
import { startControlPlaneWithOwnCrds } from '../harness/own-crds.js';
import { liveHeapBytes } from './live-heap.js';
import { apiServerRequests, diffCounts, guardedPid, peakRssMb, processCpu, round1 } from './measure.js';
import { scrapeWrites, startOperator, waitReady } from './operator-process.js';
import { figure, type BenchOptions, type BenchResult } from './types.js';

const ADDON = 'managed-serviceaccount';
const HUB = {
  registrationOperator: 'quay.io/stolostron/registration-operator:2.17.0',
  registration: 'quay.io/stolostron/registration:2.17.0',
  work: 'quay.io/stolostron/work:2.17.0',
};

/** The live heap a 200,000-cluster hub is read off at. */
const PROJECTED_CLUSTERS = 200_000;
/** Issue 14: at most 3 KB of live heap per managed cluster during a rollout. */
const HEAP_PER_CLUSTER_TARGET = 3 * 1024;

export async function run({ log }: BenchOptions): Promise<BenchResult[]> {
  const sizes = (process.env.BENCH_ROLLOUT_CLUSTERS ?? '10000,50000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
  const target = process.env.BENCH_ROLLOUT_TARGET ?? 'addon';
  const results: BenchResult[] = [];
  const heaps: { clusters: number; liveHeap: number }[] = [];
  for (const clusters of sizes) {
    const one = await runOne(clusters, target, log);
    results.push(...one.results);
    heaps.push({ clusters, liveHeap: one.liveHeap });
  }
  const first = heaps[0];
  const last = heaps[heaps.length - 1];
  if (first && last && last.clusters > first.clusters) {
    const slope = (last.liveHeap - first.liveHeap) / (last.clusters - first.clusters);
    const projected = last.liveHeap + slope * (PROJECTED_CLUSTERS - last.clusters);
    log(
      `live heap slope ${first.clusters}→${last.clusters} clusters: ${Math.round(slope)} B per cluster; ` +
        `${PROJECTED_CLUSTERS} clusters would hold ~${Math.round(projected / 2 ** 20)} MB of live heap`,
    );
    results.push(
      figure(`rollout.${target}.liveHeapSlopePerCluster`, Math.round(slope), ' B', {
        op: '<=',
        value: HEAP_PER_CLUSTER_TARGET,
      }),
      figure(
        `rollout.${target}.projectedLiveHeap.${PROJECTED_CLUSTERS}`,
        Math.round(projected / 2 ** 20),
        ' MB',
      ),
    );
  }
  return results;
}

async function runOne(
  clusters: number,
  target: string,
  log: (line: string) => void,
): Promise<{ results: BenchResult[]; liveHeap: number }> {
  const cp = await startControlPlaneWithOwnCrds({ name: 'bench-rollout' });
  const client = new KubeClient({ kubeConfig: cp.kubeConfig(), qps: 500, burst: 1000 });
  // The empty operator: same program, same flags, nothing to cache.
  const empty = await startOperator(cp, 'empty-operator');
  let emptyHeap: number;
  try {
    await waitReady(empty.healthPort, Date.now());
    emptyHeap = await liveHeapBytes(empty.inspectPort);
  } finally {
    await empty.process.stop('SIGTERM', 10_000);
  }
  log(`empty operator: ${(emptyHeap / 2 ** 20).toFixed(1)} MB live heap`);
  log(`setting up ${clusters} simulated clusters…`);
  const fleet = await startFleet({
    kubeConfig: cp.kubeConfig(),
    clusters,
    hub: { version: '2.17.0', images: HUB },
    agents: { delayMs: [0, 0], seed: 1 },
    addOns: [versionedAddOn(ADDON, ['1.0.0', '1.1.0'])],
    // ~3 min per 10,000 clusters on 2 cores, growing faster than the count: 50,000 took 18 min to
    // create the clusters alone, so the fleet's 10-minute default would end the run.
    setupTimeoutMs: Math.max(600_000, clusters * 72),
  });
  log(`fleet ready in ${Math.round(fleet.stats().setupMs / 1000)} s`);
  const started = await startOperator(cp, 'operator');
  const { metricsPort, healthPort, inspectPort, process: op } = started;
  try {
    await fleet.bindNamespace('bench', ['default']);
    await client.create({
      apiVersion: 'cluster.open-cluster-management.io/v1beta1',
      kind: 'Placement',
      metadata: { name: 'all', namespace: 'bench' },
      spec: {
        clusterSets: ['default'],
        decisionStrategy: { groupStrategy: { clustersPerDecisionGroup: '10%' } },
      },
    } as KubeObject);
    await client.patch(
      {
        apiVersion: 'operator.open-cluster-management.io/v1',
        kind: 'ClusterManager',
        name: 'cluster-manager',
      },
      {
        spec: {
          registrationConfiguration: { registrationDrivers: [{ authType: 'csr' }, { authType: 'grpc' }] },
        },
      },
      'merge',
    );
    // The clock starts with the Placement scheduled (the simulated placement controller takes
    // up to ~20 s for 10,000 clusters) and the operator ready (its caches filled).
    const scheduled = Date.now();
    for (;;) {
      const p = (await client.get({
        apiVersion: 'cluster.open-cluster-management.io/v1beta1',
        kind: 'Placement',
        namespace: 'bench',
        name: 'all',
      })) as (KubeObject & { status?: { numberOfSelectedClusters?: number } }) | undefined;
      if (p?.status?.numberOfSelectedClusters === clusters) break;
      if (Date.now() - scheduled > 5 * 60_000)
        throw new Error('the Placement was not scheduled in 5 minutes');
      await sleep(500);
    }
    log(`placement scheduled in ${Math.round((Date.now() - scheduled) / 1000)} s`);
    await waitReady(healthPort, scheduled);
    log(`operator ready (caches filled) ${Math.round((Date.now() - scheduled) / 1000)} s after that`);
    const requestsBefore = await apiServerRequests(cp);
    const simulatorBefore = fleet.stats().writes;
    const cpu = processCpu({
      'kube-apiserver': cp.apiServer().pid,
      etcd: cp.etcd.pid,
      operator: op.pid,
    });
    const started = Date.now();
    await client.create({
      apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
      kind: 'AgentRollout',
      metadata: { name: 'bench', namespace: 'bench' },
      spec: {
        target:
          target === 'transport'
            ? { transport: { type: 'grpc' } }
            : {
                addOn: {
                  name: ADDON,
                  version: '1.1.0',
                  config: { namespace: 'multicluster-engine', name: `${ADDON}-1.1.0` },
                },
              },
        placementRef: { name: 'all' },
        rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: '25%' } },
      },
    } as KubeObject);
    let phase = '';
    let lastReport = started;
    const rolloutTimeoutMs = Math.max(15 * 60_000, clusters * 90);
    while (phase !== 'Succeeded') {
      if (Date.now() - started > rolloutTimeoutMs)
        throw new Error(`rollout did not finish in ${rolloutTimeoutMs / 60_000} minutes (phase ${phase})`);
      await sleep(250);
      const r = (await client.get({
        apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
        kind: 'AgentRollout',
        namespace: 'bench',
        name: 'bench',
      })) as (KubeObject & { status?: { phase?: string; progress?: string } }) | undefined;
      phase = r?.status?.phase ?? '';
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        log(`${Math.round((lastReport - started) / 1000)} s: ${phase} ${r?.status?.progress ?? ''}`);
      }
    }
    const wallMs = Date.now() - started;
    const cpuSeconds = cpu.since();
    const requests = diffCounts(await apiServerRequests(cp), requestsBefore);
    const simulatorWrites = diffCounts(fleet.stats().writes, simulatorBefore);
    const rssMb = peakRssMb(op.pid);
    if (process.env.BENCH_ROLLOUT_HEAP_SNAPSHOT) {
      // Investigation aid: the operator must run with --heapsnapshot-signal=SIGUSR2.
      process.kill(guardedPid(op.pid), 'SIGUSR2');
      await sleep(30_000);
    }
    const writes = await scrapeWrites(metricsPort);
    const liveHeap = await liveHeapBytes(inspectPort);
    const perCluster = (liveHeap - emptyHeap) / clusters;
    log(
      `operator live heap after the rollout: ${(liveHeap / 2 ** 20).toFixed(1)} MB, ` +
        `${Math.round(perCluster)} B per cluster over the empty operator`,
    );
    const clusterWrites = writes
      .filter((w) => w.subresource !== 'status' && w.resource !== 'events')
      .reduce((s, w) => s + w.value, 0);
    const statusWrites = writes
      .filter((w) => w.resource === 'agentrollouts' && w.subresource === 'status')
      .reduce((s, w) => s + w.value, 0);
    log(`writes by resource: ${JSON.stringify(writes)}`);
    log(`simulator writes during the rollout: ${JSON.stringify(simulatorWrites)}`);
    log(
      `API server requests during the rollout: ${Object.entries(requests)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 12)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    // Where the wall time went: the machine's cores are shared by all four, and a rollout is done
    // when the slowest of them has handled ~2 writes per cluster (ours and the add-on manager's).
    log(
      `CPU during the rollout (cores busy): ${Object.entries(cpuSeconds)
        .map(([name, s]) => `${name} ${s.toFixed(1)} s (${(s / (wallMs / 1000)).toFixed(2)})`)
        .join(', ')}; GOGC=${process.env.GOGC ?? 'unset'}`,
    );
    const results = [
      figure(`rollout.${target}.${clusters}.wall`, wallMs / 1000, ' s', { op: '<=', value: 60 }),
      figure(`rollout.${target}.${clusters}.liveHeapPerCluster`, Math.round(perCluster), ' B', {
        op: '<=',
        value: HEAP_PER_CLUSTER_TARGET,
      }),
      figure(`rollout.${target}.${clusters}.operatorLiveHeap`, round1(liveHeap / 2 ** 20), ' MB'),
      figure(`rollout.${target}.${clusters}.operatorPeakRss`, rssMb, ' MB', { op: '<=', value: 300 }),
      figure(`rollout.${target}.${clusters}.statusWrites`, statusWrites, ' writes'),
      figure(`rollout.${target}.${clusters}.operatorCpu`, round1(cpuSeconds.operator ?? NaN), ' s'),
      figure(`rollout.${target}.${clusters}.apiServerCpu`, round1(cpuSeconds['kube-apiserver'] ?? NaN), ' s'),
      figure(`rollout.${target}.${clusters}.apiServerPeakRss`, peakRssMb(cp.apiServer().pid), ' MB'),
      figure(
        `rollout.${clusters}.writesPerCluster`,
        clusterWrites / clusters,
        ' writes',
        { op: '<=', value: 1.2 },
        { writes },
      ),
    ];
    return { results, liveHeap };
  } finally {
    await op.stop('SIGTERM', 10_000);
    await fleet.stop();
    client.close();
    await cp.stop();
  }
}
