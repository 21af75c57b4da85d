/**
 * The side-by-side figure (issue 11 §4): on one API server, same machine, same run, the real
 * add-on manager's own Progressive rollout of an add-on config (ClusterManagementAddOn install
 * strategy, maxConcurrency 25%) against the operator's AgentRollout with the same strategy, plus
 * a maintenance window, a failure budget with rollback and an approval gate switched on, for the
 * same clusters. Both run under the real hub controllers (registration, placement, add-on
 * manager of open-cluster-management.io/ocm); the managed clusters are the fleet simulator
 * reduced to what runs on a cluster (lease renewal, ManifestWork status: `realHub`), identical
 * for both. The add-on manager's run goes first (1.0.0 → 1.1.0), then the operator's (1.1.0 →
 * 1.2.0), each timed from its first write until every cluster's ManagedClusterAddOn reports the
 * new config applied.
 *
 * Printed per run: wall time, API writes per cluster (kube-apiserver's counters minus the
 * simulator's own writes: what the hub controllers and the operator wrote), the CPU each process
 * used and its peak RSS, and the ratios operator / add-on manager.
 *
 * BENCH_SIDE_BY_SIDE_CLUSTERS lists the fleet sizes (default `1000`; `1000,10000` for the
 * issue's second size: setting up 10,000 clusters on the real hub takes several minutes and
 * ~6 GB for kube-apiserver). The operator runs from the compiled build (`npm run build`).
 */
import { ADDON_API_VERSION, type ManagedClusterAddOn } from '../../src/api/upstream/ocm.js';
import { KubeClient, type KubeObject } from '../../src/runtime/index.js';
import { addOnConfigApplied, addOnInstallStrategy } from '../e2e/real-ocm/addon-strategy.js';
import { sleep } from '../harness/eventually.js';
import { startFleet, type Fleet } from '../harness/fleet/index.js';
import { bindToDefaultSet, hubImagesOf, templateAddOn } from '../harness/ocm/fixtures.js';
import { startOcmHub } from '../harness/ocm/hub.js';
import { createPlacement } from '../integration/rollout/helpers.js';
import { apiServerRequests, diffCounts, peakRssMb, processCpu, round1 } from './measure.js';
import { scrapeWrites, startOperator, waitReady } from './operator-process.js';
import { figure, type BenchOptions, type BenchResult } from './types.js';

const ADDON = 'hello-addon';
const CONFIG_NS = 'multicluster-engine';
const NS = 'bench';
const VERSIONS = ['1.0.0', '1.1.0', '1.2.0'];
const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY']);
/** The canary decision group (1% of the fleet) the operator's approval gate holds. */
const CANARY = 'canary';

interface RunFigures {
  wallS: number;
  writesPerCluster: number;
  writes: Record<string, number>;
  cpu: Record<string, number>;
}

export async function run({ log }: BenchOptions): Promise<BenchResult[]> {
  const sizes = (process.env.BENCH_SIDE_BY_SIDE_CLUSTERS ?? '1000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const results: BenchResult[] = [];
  for (const clusters of sizes) results.push(...(await runOne(clusters, log)));
  return results;
}

async function runOne(clusters: number, log: (line: string) => void): Promise<BenchResult[]> {
  log(`starting the real OCM hub and ${clusters} agent-less clusters…`);
  const hub = await startOcmHub({ name: 'bench-side-by-side' });
  const client = new KubeClient({ kubeConfig: hub.kubeConfig(), qps: 500, burst: 1000 });
  let fleet: Fleet | undefined;
  let operator: Awaited<ReturnType<typeof startOperator>> | undefined;
  const canaries = Math.max(1, Math.round(clusters / 100));
  try {
    fleet = await startFleet({
      kubeConfig: hub.kubeConfig(),
      clusters,
      hub: { version: '2.17.1', images: hubImagesOf('2.17.1') },
      realHub: { leaseDurationSeconds: 60 },
      agents: { delayMs: [0, 0], seed: 1 },
      labels: (i): Record<string, string> => (i < canaries ? { [CANARY]: 'true' } : {}),
      setupTimeoutMs: 30 * 60_000,
    });
    log(`fleet Available in ${Math.round(fleet.stats().setupMs / 1000)} s`);
    for (const o of templateAddOn(ADDON, VERSIONS, CONFIG_NS)) await client.create(o);
    await bindToDefaultSet(client, NS);
    await createPlacement(client, NS, 'all', '25%', [
      { groupName: CANARY, matchLabels: { [CANARY]: 'true' } },
    ]);
    const install = (version: string) =>
      client.patch(
        { apiVersion: ADDON_API_VERSION, kind: 'ClusterManagementAddOn', name: ADDON },
        {
          spec: { installStrategy: addOnInstallStrategy(NS, 'all', CONFIG_NS, `${ADDON}-${version}`, '25%') },
        },
        'merge',
      );
    await install(VERSIONS[0] ?? '');
    const names = fleet.names;
    await untilApplied(client, names, VERSIONS[0] ?? '', 20 * 60_000, log);
    log(`add-on installed at ${VERSIONS[0]} on every cluster`);

    const f = fleet;
    const pids = () => ({
      'kube-apiserver': hub.cp.apiServer().pid,
      etcd: hub.cp.etcd.pid,
      ...Object.fromEntries(
        ['registration-controller', 'placement-controller', 'addon-manager'].map((n) => [
          n,
          hub.controllers.get(n as 'addon-manager')?.pid ?? 0,
        ]),
      ),
      ...(operator ? { operator: operator.process.pid } : {}),
    });
    const measure = async (
      what: string,
      start: () => Promise<void>,
      version: string,
    ): Promise<RunFigures> => {
      const requestsBefore = await apiServerRequests(hub.cp);
      const simulatorBefore = f.stats().writes;
      const cpu = processCpu(pids());
      const t0 = Date.now();
      await start();
      await untilApplied(client, names, version, 30 * 60_000, log);
      const wallS = (Date.now() - t0) / 1000;
      const requests = diffCounts(await apiServerRequests(hub.cp), requestsBefore);
      const simulator = Object.values(diffCounts(f.stats().writes, simulatorBefore)).reduce(
        (a, b) => a + b,
        0,
      );
      const writes = Object.fromEntries(
        Object.entries(requests).filter(([k]) => WRITE_VERBS.has(k.split(' ')[0] ?? '')),
      );
      const total = Object.values(writes).reduce((a, b) => a + b, 0);
      const figures = {
        wallS,
        writesPerCluster: (total - simulator) / names.length,
        writes,
        cpu: cpu.since(),
      };
      log(
        `${what}: ${wallS.toFixed(1)} s, ${figures.writesPerCluster.toFixed(2)} writes per cluster besides the ` +
          `simulator's ${simulator}; writes ${JSON.stringify(writes)}; CPU ${Object.entries(figures.cpu)
            .map(([n, s]) => `${n} ${s.toFixed(1)} s`)
            .join(', ')}`,
      );
      return figures;
    };

    // 1. The add-on manager's own Progressive rollout.
    const addonManager = await measure(
      'add-on manager Progressive 25%',
      () => install(VERSIONS[1] ?? '').then(() => undefined),
      VERSIONS[1] ?? '',
    );

    // 2. The operator's AgentRollout, same strategy, with a window, a budget and an approval gate.
    operator = await startOperator(hub.cp, 'operator');
    await waitReady(operator.healthPort, Date.now());
    let approvals = 0;
    const ours = await measure(
      'AgentRollout Progressive 25% (window, budget, approval)',
      async () => {
        await client.create(agentRollout(VERSIONS[2] ?? ''));
        // The approver: `kubectl mce rollout approve canary` as soon as the gate is reached.
        void (async () => {
          for (let i = 0; i < 600 && approvals === 0; i++) {
            const r = (await client.get({
              apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
              kind: 'AgentRollout',
              namespace: NS,
              name: 'bench',
            })) as (KubeObject & { status?: { phase?: string; revision?: string } }) | undefined;
            if (r?.status?.phase === 'WaitingForApproval' && r.status.revision) {
              await client.patch(
                {
                  apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
                  kind: 'AgentRollout',
                  namespace: NS,
                  name: 'bench',
                },
                { spec: { approved: [{ groupName: CANARY, revision: r.status.revision }] } },
                'merge',
              );
              approvals++;
            }
            await sleep(200);
          }
        })();
      },
      VERSIONS[2] ?? '',
    );
    if (approvals !== 1) throw new Error(`the approval gate was passed ${approvals} times, expected once`);
    const operatorWrites = await scrapeWrites(operator.metricsPort);
    log(`operator writes: ${JSON.stringify(operatorWrites)}`);
    const rss = Object.fromEntries(Object.entries(pids()).map(([n, pid]) => [n, peakRssMb(pid)]));
    log(`peak RSS (MB): ${JSON.stringify(rss)}`);
    const key = `sideBySide.${clusters}`;
    return [
      figure(`${key}.addonManager.wall`, round1(addonManager.wallS), ' s'),
      figure(`${key}.agentRollout.wall`, round1(ours.wallS), ' s'),
      figure(`${key}.wallRatio`, round1((ours.wallS / addonManager.wallS) * 100) / 100, '', {
        op: '<=',
        value: 1,
      }),
      figure(
        `${key}.addonManager.writesPerCluster`,
        round1(addonManager.writesPerCluster * 100) / 100,
        ' writes',
      ),
      figure(`${key}.agentRollout.writesPerCluster`, round1(ours.writesPerCluster * 100) / 100, ' writes'),
      figure(
        `${key}.writesRatio`,
        round1((ours.writesPerCluster / addonManager.writesPerCluster) * 100) / 100,
        '',
        { op: '<=', value: 1 },
      ),
      ...Object.entries(addonManager.cpu).map(([n, s]) =>
        figure(`${key}.addonManager.cpu.${n}`, round1(s), ' s'),
      ),
      ...Object.entries(ours.cpu).map(([n, s]) => figure(`${key}.agentRollout.cpu.${n}`, round1(s), ' s')),
      ...Object.entries(rss).map(([n, mb]) => figure(`${key}.peakRss.${n}`, mb, ' MB')),
    ];
  } finally {
    await operator?.process.stop('SIGTERM', 10_000);
    await fleet?.stop();
    client.close();
    await hub.stop();
  }
}

/** The AgentRollout of the side-by-side run: the add-on manager's strategy plus our controls. */
function agentRollout(version: string): KubeObject {
  const now = new Date();
  const start = new Date(now.getTime() - 60 * 60_000).toISOString().slice(0, 19);
  return {
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'AgentRollout',
    metadata: { name: 'bench', namespace: NS },
    spec: {
      target: {
        addOn: { name: ADDON, version, config: { namespace: CONFIG_NS, name: `${ADDON}-${version}` } },
      },
      placementRef: { name: 'all' },
      rolloutStrategy: {
        type: 'Progressive',
        progressive: { maxConcurrency: '25%', progressDeadline: '10m' },
      },
      // Open now, for 12 hours, every day.
      maintenanceWindows: [
        { name: 'bench', recurrence: 'FREQ=DAILY', start, duration: '12h', timeZone: 'UTC' },
      ],
      failurePolicy: { maxFailures: '2%', action: 'Rollback' },
      approvals: [{ groupName: CANARY }],
    },
  } as KubeObject;
}

/** Waits until every cluster's add-on reports `<addon>-<version>` applied. */
async function untilApplied(
  client: KubeClient,
  names: readonly string[],
  version: string,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  const config = `${ADDON}-${version}`;
  const started = Date.now();
  let lastLog = started;
  for (;;) {
    const list = await client.list(ADDON_API_VERSION, 'ManagedClusterAddOn');
    const applied = (list.items as ManagedClusterAddOn[]).filter(
      (m) => m.metadata.name === ADDON && addOnConfigApplied(m, CONFIG_NS, config),
    ).length;
    if (applied >= names.length) return;
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `${config}: ${applied} of ${names.length} clusters applied after ${timeoutMs / 1000} s`,
      );
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`  ${config}: ${applied}/${names.length} applied`);
    }
    await sleep(250);
  }
}
