/**
 * `make demo` on the real world: a real OCM hub (kube-apiserver, etcd, kube-controller-manager, and
 * OCM's registration, placement and addon-manager built from open-cluster-management.io/ocm) and
 * three managed clusters, each its own API server, imported as MCE imports them: the real
 * klusterlet operator runs the real agent.
 *
 *  1. Turn Maestro on through the MultiClusterEngine flag and watch it become Available (its
 *     workloads are reported ready by the kubelet stand-in). Its transport rollout is pointed at a
 *     pilot Placement that selects no real cluster: switching real agents to gRPC needs the
 *     cluster-manager gRPC server, which this world does not run yet (`--simulated` shows it).
 *  2. Upgrade the klusterlet 2.17.0 → 2.17.1 (OCM v1.2.0 → v1.2.1 binaries) on the three clusters.
 *  3. Roll an add-on 1.0.0 → 1.1.0 through the real addon-manager.
 *  4. Roll 2.0.0 while one cluster's agent is down: the failure budget breaks, the others roll back.
 *
 * `--headless` prints plain progress and exits 0 when every step ended as expected.
 */
import type { KubeObject } from '../../src/runtime/index.js';
import { startKubelet } from '../harness/kubelet.js';
import {
  bindToDefaultSet,
  enableAddOn,
  hubImagesOf,
  OCM_RELEASE_OF_TAG,
  templateAddOn,
  templateAddOnVersion,
} from '../harness/ocm/fixtures.js';
import { startRealWorld, type RealWorld } from '../harness/ocm/world.js';
import { operatorKubeconfig } from '../harness/operator-rbac.js';
import { AGENT_NAMESPACE } from '../harness/ocm/spoke.js';
import { DemoScreen } from './demo-screen.js';
import {
  createPlacement,
  enableMaestro,
  rollout,
  startDemoOperator,
  waitForRollout,
  type StepResult,
} from './demo-steps.js';

const headless = process.argv.includes('--headless');
const NS = 'demo';
const ADDON = 'hello-addon';
const CONFIG_NS = 'multicluster-engine';

const screen = new DemoScreen(headless);
const results: StepResult[] = [];
const started = Date.now();
const abort = new AbortController();
let world: RealWorld | undefined;
let exitCode = 1;
const stops: (() => Promise<void>)[] = [];

try {
  screen.say(
    'Starting a real OCM hub (registration, placement, addon-manager of open-cluster-management.io/ocm v1.2.1) ' +
      'and 3 managed clusters imported with the klusterlet operator (agents v1.2.0)…',
  );
  world = await startRealWorld({ import: { images: hubImagesOf('2.17.0'), versions: OCM_RELEASE_OF_TAG } });
  const hub = world.hub.client;
  const kubelet = await startKubelet({ client: hub, readyDelayMs: 1500 });
  stops.push(() => kubelet.stop());
  for (const o of hubObjects()) await hub.apply(o, { fieldManager: 'demo', force: true });
  await hub.patch(
    { apiVersion: 'multicluster.openshift.io/v1', kind: 'MultiClusterEngine', name: 'multiclusterengine' },
    { status: { currentVersion: '2.17.0', desiredVersion: '2.17.0', phase: 'Available' } },
    'merge',
    { subresource: 'status' },
  );
  for (const o of templateAddOn(ADDON, ['1.0.0', '1.1.0', '2.0.0'], CONFIG_NS))
    await hub.apply(o, { fieldManager: 'demo', force: true });
  await enableAddOn(
    hub,
    ADDON,
    world.spokes.map((s) => s.name),
  );
  await bindToDefaultSet(hub, NS);
  await createPlacement(hub, NS, 'fleet', 1);
  await hub.apply(
    {
      apiVersion: 'cluster.open-cluster-management.io/v1beta1',
      kind: 'Placement',
      metadata: { namespace: NS, name: 'grpc-pilot' },
      spec: {
        clusterSets: ['default'],
        predicates: [
          { requiredClusterSelector: { labelSelector: { matchLabels: { 'transport-pilot': 'true' } } } },
        ],
      },
    } as KubeObject,
    { fieldManager: 'demo' },
  );
  screen.say(
    `Hub and clusters ${world.spokes.map((s) => s.name).join(', ')} ready in ${Math.round((Date.now() - started) / 1000)}s ` +
      `(hub kubeconfig: ${world.hub.cp.kubeconfigPath}). Starting the operator with its own ServiceAccount.`,
  );
  const operator = startDemoOperator(await operatorKubeconfig(world.hub.cp), abort.signal);

  // 1. Maestro behind the MCE flag.
  results.push(await enableMaestro(hub, screen, { placementRef: { namespace: NS, name: 'grpc-pilot' } }));

  // 2. Klusterlet upgrade on real clusters.
  screen.step(
    '2. Upgrade the klusterlet 2.17.0 → 2.17.1 on the 3 real clusters (OCM v1.2.0 → v1.2.1 agents)',
  );
  screen.say(
    '   A replaced agent waits for its predecessor’s leader lease (~2.5 min); feedback follows its 60 s sync.',
  );
  await rollout(hub, NS, 'klusterlet-2-17-1', {
    target: { klusterlet: { version: '2.17.1', images: hubImagesOf('2.17.1') } },
    rolloutStrategy: { type: 'All' },
    versionSkewPolicy: { allowNewerThanHub: true },
  });
  const upgrade = await waitForRollout(
    hub,
    screen,
    NS,
    'klusterlet-2-17-1',
    'Succeeded',
    'klusterlet 2.17.0 → 2.17.1',
  );
  for (const spoke of world.spokes) {
    const pod = spoke.processKubelet()?.pod(`${AGENT_NAMESPACE}/klusterlet-agent`);
    screen.say(
      `   ${spoke.name}: klusterlet-agent runs ${pod?.image ?? '?'} (${pod?.binary ?? 'not running'})`,
    );
    if (!pod?.binary.includes('/ocm-v1.2.1/')) upgrade.ok = false;
  }
  results.push(upgrade);

  // 3. An add-on version through the real addon-manager.
  screen.step(`3. Roll ${ADDON} 1.0.0 → 1.1.0 through the real addon-manager, one cluster at a time`);
  await rollout(hub, NS, 'hello-1-1-0', {
    target: {
      addOn: { name: ADDON, version: '1.1.0', config: { namespace: CONFIG_NS, name: `${ADDON}-1.1.0` } },
    },
    rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: 1 } },
  });
  results.push(await waitForRollout(hub, screen, NS, 'hello-1-1-0', 'Succeeded', `${ADDON} 1.0.0 → 1.1.0`));

  // 4. A cluster whose agent is down: budget breached, rollback.
  const broken = world.spokes[world.spokes.length - 1];
  screen.step(
    `4. Stop ${broken?.name ?? '?'}'s agent, roll ${ADDON} 2.0.0 with no failure allowed: it rolls back`,
  );
  const brokenAgent = broken?.processKubelet()?.pod(`${AGENT_NAMESPACE}/klusterlet-agent`);
  await world
    .spoke(broken?.name ?? '')
    .client.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: AGENT_NAMESPACE, name: 'klusterlet' },
      { spec: { replicas: 0 } },
      'merge',
    );
  await world
    .spoke(broken?.name ?? '')
    .client.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: AGENT_NAMESPACE, name: 'klusterlet-agent' },
      { spec: { replicas: 0 } },
      'merge',
    );
  screen.say(
    `   ${broken?.name ?? '?'}: klusterlet operator and agent scaled to 0 (agent was ${brokenAgent?.image ?? '?'})`,
  );
  await rollout(hub, NS, 'hello-2-0-0', {
    target: {
      addOn: { name: ADDON, version: '2.0.0', config: { namespace: CONFIG_NS, name: `${ADDON}-2.0.0` } },
    },
    rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: 3, progressDeadline: '20s' } },
    failurePolicy: { maxFailures: 0, action: 'Rollback' },
  });
  const rollback = await waitForRollout(
    hub,
    screen,
    NS,
    'hello-2-0-0',
    'Failed',
    `${ADDON} 2.0.0 rolled back`,
  );
  for (const spoke of world.spokes)
    screen.say(`   ${spoke.name}: ${ADDON} runs ${(await templateAddOnVersion(spoke.client, ADDON)) ?? '?'}`);
  rollback.detail +=
    ': the clusters that applied 2.0.0 were reverted; the one whose agent is down could not be';
  results.push(rollback);

  exitCode = results.every((r) => r.ok) ? 0 : 1;
  abort.abort();
  await operator;
} catch (err) {
  screen.say(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  abort.abort();
  for (const stop of stops.reverse()) await stop();
  await world?.stop();
}
screen.summary(results, Date.now() - started, exitCode === 0);
process.exit(exitCode);

/** The MCE objects the Maestro controller reads and writes (no real MCE operator runs here). */
function hubObjects(): KubeObject[] {
  return [
    {
      apiVersion: 'multicluster.openshift.io/v1',
      kind: 'MultiClusterEngine',
      metadata: { name: 'multiclusterengine' },
      spec: { targetNamespace: 'multicluster-engine', availabilityConfig: 'Basic' },
    } as KubeObject,
    {
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'ClusterManager',
      metadata: { name: 'cluster-manager' },
      spec: {
        registrationImagePullSpec: hubImagesOf('2.17.0').registration,
        workImagePullSpec: hubImagesOf('2.17.0').work,
      },
    } as KubeObject,
    {
      apiVersion: 'config.open-cluster-management.io/v1alpha1',
      kind: 'KlusterletConfig',
      metadata: { name: 'global' },
      spec: {},
    } as KubeObject,
  ];
}
