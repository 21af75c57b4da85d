/**
 * The demo's steps as small functions: create objects, wait for an outcome while showing its
 * progress, and report whether it ended as expected.
 */
import { renderStatus } from '../../src/cli/render-status.js';
import { parseRollout, rolloutRef } from '../../src/api/agentrollout-object.js';
import { controllers } from '../../src/controllers/index.js';
import { runOperator, type KubeClient, type KubeObject } from '../../src/runtime/index.js';
import { sleep } from '../harness/eventually.js';
import type { DemoScreen } from './demo-screen.js';

export interface StepResult {
  name: string;
  ok: boolean;
  phase: string;
  detail: string;
  ms: number;
}

/** The three klusterlet images of an MCE version (as the import controller env would hold them). */
export function hubImages(version: string) {
  return {
    registrationOperator: `registry.redhat.io/multicluster-engine/registration-operator-rhel9:v${version}`,
    registration: `registry.redhat.io/multicluster-engine/registration-rhel9:v${version}`,
    work: `registry.redhat.io/multicluster-engine/work-rhel9:v${version}`,
  };
}

/** The operand images the operator Deployment sets (config/manager), MCE's OPERAND_IMAGE_* convention. */
function setOperandImageDefaults(): void {
  Object.assign(process.env, {
    OPERAND_IMAGE_MAESTRO:
      process.env.OPERAND_IMAGE_MAESTRO ??
      'quay.io/redhat-user-workloads/maestro-rhtap-tenant/maestro/maestro:latest',
    OPERAND_IMAGE_POSTGRESQL:
      process.env.OPERAND_IMAGE_POSTGRESQL ?? 'quay.io/sclorg/postgresql-16-c9s:latest',
    OPERAND_IMAGE_MOSQUITTO:
      process.env.OPERAND_IMAGE_MOSQUITTO ?? 'quay.io/maestro/eclipse-mosquitto:2.0.18',
    OPERAND_IMAGE_CLOUDEVENTS_CONDUCTOR:
      process.env.OPERAND_IMAGE_CLOUDEVENTS_CONDUCTOR ?? 'quay.io/open-cluster-management/server:v1.2.1',
    OPERAND_IMAGE_KUBE_RBAC_PROXY:
      process.env.OPERAND_IMAGE_KUBE_RBAC_PROXY ??
      'registry.redhat.io/openshift4/ose-kube-rbac-proxy-rhel9@sha256:463b54511bf50ee29f2e14f1fd00e7a4a148386d5571268277f7b945cf702451',
  });
}

/** Runs every controller of the operator in this process (as its Deployment would) until `signal` aborts. */
export function startDemoOperator(kubeconfig: string, signal: AbortSignal): Promise<number> {
  setOperandImageDefaults();
  return runOperator(
    [
      '--kubeconfig',
      kubeconfig,
      '--metrics-bind-address=0',
      '--health-probe-bind-address=0',
      '--qps=100',
      '--burst=200',
      '--log-level=error',
    ],
    controllers,
    { signals: false, signal },
  );
}

/** Step 1 of both demos: the `Maestro` settings, then the MCE component flag, then Available. */
export async function enableMaestro(
  client: KubeClient,
  screen: DemoScreen,
  transportRollout: Record<string, unknown>,
): Promise<StepResult> {
  screen.step('1. Turn Maestro on: oc patch mce multiclusterengine … {"name":"maestro","enabled":true}');
  await client.apply({
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'Maestro',
    metadata: { name: 'cluster' },
    spec: { transport: 'grpc', transportRollout },
  } as KubeObject);
  await client.patch(
    { apiVersion: 'multicluster.openshift.io/v1', kind: 'MultiClusterEngine', name: 'multiclusterengine' },
    { spec: { overrides: { components: [{ name: 'maestro', enabled: true }] } } },
    'merge',
  );
  return waitForMaestro(client, screen);
}

export async function createPlacement(
  client: KubeClient,
  namespace: string,
  name: string,
  perGroup: number,
): Promise<void> {
  await client.apply({
    apiVersion: 'cluster.open-cluster-management.io/v1beta1',
    kind: 'Placement',
    metadata: { name, namespace },
    spec: {
      clusterSets: ['default'],
      decisionStrategy: { groupStrategy: { clustersPerDecisionGroup: perGroup } },
    },
  } as KubeObject);
}

export async function rollout(
  client: KubeClient,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<void> {
  await client.apply({
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'AgentRollout',
    metadata: { name, namespace },
    spec: { placementRef: { name: 'fleet' }, ...spec },
  } as KubeObject);
}

const TERMINAL = ['Succeeded', 'Failed', 'Aborted', 'RolledBack'];
const TIMEOUT_MS = 10 * 60_000;

/** Shows a rollout's progress until it reaches a terminal phase; ok when that is `expected`. */
export async function waitForRollout(
  client: KubeClient,
  screen: DemoScreen,
  namespace: string,
  name: string,
  expected: string,
  title: string,
  opts: { failed?: number; onPhase?: (phase: string) => void } = {},
): Promise<StepResult> {
  const start = Date.now();
  let lastPhase = '';
  for (;;) {
    const obj = await client.get(rolloutRef(namespace, name));
    const r = obj ? parseRollout(obj) : undefined;
    const s = r?.status;
    if (r) {
      const counts = s?.counts;
      const line = `${s?.phase ?? 'Pending'}  ${s?.progress ?? ''}  ${counts ? `failed ${counts.failed + counts.timedOut}, reverted ${counts.reverted}` : ''}  ${s?.message ?? ''}`;
      screen.frame(renderStatus(r, { now: Date.now(), width: process.stdout.columns ?? 100 }), line.trim());
    }
    const phase = s?.phase ?? '';
    if (phase !== lastPhase) {
      opts.onPhase?.(phase);
      lastPhase = phase;
    }
    if (TERMINAL.includes(phase)) {
      screen.endFrame();
      const failed = (s?.counts?.failed ?? 0) + (s?.counts?.timedOut ?? 0);
      const ok = phase === expected && (opts.failed === undefined || failed === opts.failed);
      const detail = `${phase} (${s?.progress ?? ''} succeeded${failed ? `, ${failed} failed` : ''}${s?.counts?.reverted ? `, ${s.counts.reverted} reverted` : ''})`;
      return { name: title, ok, phase, detail, ms: Date.now() - start };
    }
    if (Date.now() - start > TIMEOUT_MS)
      return {
        name: title,
        ok: false,
        phase,
        detail: `timed out in ${phase || 'no phase'}`,
        ms: Date.now() - start,
      };
    await sleep(500);
  }
}

type Condition = { type: string; status: string; reason?: string };

/** Waits until the MCE's maestro component entry reports Available. */
export async function waitForMaestro(client: KubeClient, screen: DemoScreen): Promise<StepResult> {
  const start = Date.now();
  for (;;) {
    const mce = (await client.get({
      apiVersion: 'multicluster.openshift.io/v1',
      kind: 'MultiClusterEngine',
      name: 'multiclusterengine',
    })) as
      | (KubeObject & { status?: { components?: (Condition & { name: string; message?: string })[] } })
      | undefined;
    const entry = mce?.status?.components?.find((c) => c.name === 'maestro');
    const maestro = (await client.get({
      apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
      kind: 'Maestro',
      name: 'cluster',
    })) as
      | (KubeObject & { status?: { conditions?: Condition[]; endpoints?: { rest?: string; grpc?: string } } })
      | undefined;
    const available = maestro?.status?.conditions?.find((c) => c.type === 'Available');
    const line = `MCE component maestro: ${entry ? `${entry.type}=${entry.status} (${entry.reason ?? ''})` : 'not reported yet'}; Maestro Available=${available?.status ?? '?'} (${available?.reason ?? ''})`;
    screen.frame([line], line);
    if (entry?.status === 'True' && available?.status === 'True') {
      screen.endFrame();
      screen.say(
        `   Maestro is Available: REST ${maestro?.status?.endpoints?.rest ?? '?'}, gRPC ${maestro?.status?.endpoints?.grpc ?? '?'}`,
      );
      return {
        name: 'Maestro enabled through the MCE flag',
        ok: true,
        phase: 'Available',
        detail: 'Available, MCE component entry True',
        ms: Date.now() - start,
      };
    }
    if (Date.now() - start > TIMEOUT_MS)
      return {
        name: 'Maestro enabled through the MCE flag',
        ok: false,
        phase: 'Unavailable',
        detail: line,
        ms: Date.now() - start,
      };
    await sleep(500);
  }
}
