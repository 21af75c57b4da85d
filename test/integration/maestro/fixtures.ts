/**
 * Shared pieces of the Maestro controller tests (and the toggle benchmark): a hub on the local
 * control plane (our CRDs, MCE, ClusterManager, the OCM hub namespace), the operator in-process,
 * a stand-in for the AgentRollout controller, and small readers.
 */
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { stateCountsSchema } from '../../../src/api/agentrollout-status.js';
import { createMaestroController, type MaestroController } from '../../../src/controllers/maestro/index.js';
import { makePlanes, type Planes } from '../../../src/kube/index.js';
import {
  EventRecorder,
  Informer,
  isConflict,
  isNotFound,
  isNotServed,
  KubeClient,
  Manager,
  parseFlags,
  silentLogger,
  type Condition,
  type KubeObject,
  type Logger,
  type ReconcileResult,
} from '../../../src/runtime/index.js';
import { type ControlPlane, type ControlPlaneOptions } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { startKubelet, type Kubelet } from '../../harness/kubelet.js';
import { operatorKubeconfig, type OperatorRbacOptions } from '../../harness/operator-rbac.js';
import { startControlPlaneWithOwnCrds } from '../../harness/own-crds.js';

export const MCE_NAME = 'multiclusterengine';
export const NS = 'maestro';
export const HUB_NS = 'open-cluster-management-hub';
export const GLOBAL_SET = 'open-cluster-management-global-set';

/** Operand images, as the operator Deployment's environment carries them. */
export const IMAGE_ENV = {
  OPERAND_IMAGE_MAESTRO: 'quay.io/maestro/maestro:abc123',
  OPERAND_IMAGE_POSTGRESQL: 'registry.redhat.io/rhel9/postgresql-16:latest',
  OPERAND_IMAGE_MOSQUITTO: 'quay.io/maestro/eclipse-mosquitto:2.0.18',
  OPERAND_IMAGE_CLOUDEVENTS_CONDUCTOR: 'quay.io/stolostron/cloudevents-conductor:2.17',
  OPERAND_IMAGE_KUBE_RBAC_PROXY: 'registry.redhat.io/openshift4/ose-kube-rbac-proxy-rhel9:v4.22',
};

export const ref = {
  mce: { apiVersion: 'multicluster.openshift.io/v1', kind: 'MultiClusterEngine', name: MCE_NAME },
  maestro: { apiVersion: 'maestro.multicluster.openshift.io/v1alpha1', kind: 'Maestro', name: 'cluster' },
  clusterManager: {
    apiVersion: 'operator.open-cluster-management.io/v1',
    kind: 'ClusterManager',
    name: 'cluster-manager',
  },
  rollout: (namespace = GLOBAL_SET) => ({
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'AgentRollout',
    namespace,
    name: 'maestro-transport',
  }),
};

/** Everything a default (grpc, embedded database, Basic) install creates with our labels. */
export const INSTALLED_OBJECTS = [
  `AgentRollout ${GLOBAL_SET}/maestro-transport`,
  `ConfigMap ${HUB_NS}/grpc-server-config`,
  'ConfigMap maestro/maestro-rest-proxy',
  'Deployment maestro/maestro',
  'Namespace maestro',
  'NetworkPolicy maestro/maestro-db',
  'NetworkPolicy maestro/maestro-default-deny',
  'NetworkPolicy maestro/maestro-server',
  `Placement ${GLOBAL_SET}/maestro-transport`,
  'Secret maestro/maestro-api-ca',
  'Secret maestro/maestro-api-tls',
  'Secret maestro/maestro-grpc-client-certs',
  'Secret maestro/maestro-db-ca',
  'Secret maestro/maestro-db-config',
  'Secret maestro/maestro-db-tls',
  'Service maestro/maestro',
  'Service maestro/maestro-db',
  'Service maestro/maestro-grpc',
  'Service maestro/maestro-metrics',
  'ServiceAccount maestro/maestro',
  'StatefulSet maestro/maestro-db',
].sort();

/** The generated database password (decoded), if its Secret exists. */
export async function dbPassword(client: KubeClient, namespace = NS): Promise<string | undefined> {
  const s = await client.get<KubeObject & { data?: Record<string, string> }>({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace,
    name: 'maestro-db-config',
  });
  return s?.data?.password ? Buffer.from(s.data.password, 'base64').toString() : undefined;
}

export function adminClient(cp: ControlPlane, qps = 200): KubeClient {
  return new KubeClient({ kubeConfig: cp.kubeConfig(), qps, burst: qps * 2 });
}

/** A client as the operator's ServiceAccount, bound only to the generated RBAC (config/rbac). */
export async function operatorClient(
  cp: ControlPlane,
  qps = 100,
  rbac: OperatorRbacOptions = {},
): Promise<KubeClient> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(await operatorKubeconfig(cp, rbac));
  return new KubeClient({ kubeConfig, qps, burst: qps * 2 });
}

/**
 * What an MCE hub has before Maestro: the OCM hub namespace, a ClusterManager and the MCE (off);
 * plus, unless `maestro` is false, the admin's Maestro singleton with the given spec.
 */
export async function seedHub(
  client: KubeClient,
  opts: { clusterManager?: boolean; availability?: string; maestro?: Record<string, unknown> | false } = {},
) {
  if (opts.maestro !== false) {
    await client.create({
      ...ref.maestro,
      metadata: { name: ref.maestro.name },
      spec: opts.maestro ?? {},
    } as KubeObject);
  }
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: HUB_NS } });
  if (opts.clusterManager ?? true) {
    await client.create({
      ...ref.clusterManager,
      metadata: { name: ref.clusterManager.name },
      spec: {},
    } as KubeObject);
  }
  await client.create({
    apiVersion: ref.mce.apiVersion,
    kind: ref.mce.kind,
    metadata: { name: MCE_NAME },
    spec: { availabilityConfig: opts.availability ?? 'Basic' },
  } as KubeObject);
}

/** What an admin runs: `oc patch mce multiclusterengine --type=merge -p '{"spec":{"overrides":{"components":[…]}}}'`. */
export async function toggleMaestro(
  client: KubeClient,
  enabled: boolean,
  component = 'maestro',
): Promise<void> {
  await client.patch(
    ref.mce,
    { spec: { overrides: { components: [{ name: component, enabled }] } } },
    'merge',
  );
}

/** Merge-patches the Maestro singleton's spec. */
export async function patchMaestroSpec(client: KubeClient, spec: Record<string, unknown>): Promise<void> {
  await client.patch(ref.maestro, { spec }, 'merge');
}

export interface InProcessOperator {
  planes: Planes;
  maestro: MaestroController;
  /** Reconciles finished so far. */
  reconciles(): number;
  /** Resolves after the next `n` reconciles have finished. */
  nextReconciles(n?: number): Promise<ReconcileResult | Error>;
  stop(): Promise<void>;
}

/** Runs the Maestro controller in this process against one or two API servers. */
export async function startOperator(
  data: KubeClient,
  control: KubeClient = data,
  opts: { logger?: Logger; env?: Record<string, string> } = {},
): Promise<InProcessOperator> {
  const logger = opts.logger ?? silentLogger;
  const planes = makePlanes(data, control);
  let count = 0;
  const waiters: { at: number; resolve: (r: ReconcileResult | Error) => void }[] = [];
  const maestro = createMaestroController(
    {
      planes,
      logger,
      identity: 'test_operator',
      recorder: new EventRecorder({ client: data, reportingInstance: 'test_operator', logger }),
      flags: parseFlags([], {}),
    },
    {
      env: opts.env ?? IMAGE_ENV,
      onReconciled: (r) => {
        count++;
        for (const w of waiters.filter((x) => x.at <= count)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r);
        }
      },
    },
  );
  const manager = new Manager({
    logger,
    apiServers: planes.same
      ? [{ plane: 'data', client: data }]
      : [
          { plane: 'data', client: data },
          { plane: 'control', client: control },
        ],
    metricsBindAddress: '0',
    healthProbeBindAddress: '0',
    gracefulShutdownTimeoutMs: 5_000,
  });
  manager.add(maestro);
  const stopper = new AbortController();
  const running = manager.start(stopper.signal);
  return {
    planes,
    maestro,
    reconciles: () => count,
    nextReconciles: (n = 1) => new Promise((resolve) => waiters.push({ at: count + n, resolve })),
    async stop() {
      stopper.abort();
      await running;
    },
  };
}

/** A JSON-lines debug logger in the control plane's directory. */
export function fileLogger(cp: ControlPlane, name: string): Logger {
  return pino({ level: 'debug' }, pino.destination({ dest: join(cp.dir, `${name}.log`), sync: true }));
}

/** The Maestro singleton's conditions. */
export async function maestroConditions(client: KubeClient): Promise<Condition[]> {
  const m = await client.get<KubeObject & { status?: { conditions?: Condition[] } }>(ref.maestro);
  return m?.status?.conditions ?? [];
}

/** The condition of `type` on the Maestro singleton. */
export async function maestroCondition(client: KubeClient, type: string): Promise<Condition | undefined> {
  return (await maestroConditions(client)).find((c) => c.type === type);
}

/** Waits until the Maestro condition has this status (and reason, if given); returns it. */
export function waitForCondition(
  client: KubeClient,
  type: string,
  status: string,
  reason?: string,
  timeout = 30_000,
): Promise<Condition> {
  return eventually(
    async () => {
      const c = await maestroCondition(client, type);
      if (c?.status !== status || (reason !== undefined && c.reason !== reason)) {
        throw new Error(`${type} is ${c?.status}/${c?.reason}: ${c?.message}`);
      }
      return c;
    },
    { timeout, interval: 100, message: `Maestro ${type}=${status}${reason ? `/${reason}` : ''}` },
  );
}

/** The MCE's `status.components`. */
export async function mceComponents(client: KubeClient): Promise<Record<string, unknown>[]> {
  const mce = await client.get<KubeObject & { status?: { components?: Record<string, unknown>[] } }>(ref.mce);
  return mce?.status?.components ?? [];
}

/** Every object with our labels of the kinds we create, as `Kind namespace/name`. */
export async function ownedObjects(client: KubeClient): Promise<string[]> {
  const kinds = [
    ['v1', 'Namespace'],
    ['v1', 'ServiceAccount'],
    ['v1', 'Secret'],
    ['v1', 'ConfigMap'],
    ['v1', 'Service'],
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'StatefulSet'],
    ['policy/v1', 'PodDisruptionBudget'],
    ['networking.k8s.io/v1', 'NetworkPolicy'],
    ['cluster.open-cluster-management.io/v1beta1', 'Placement'],
    ['maestro.multicluster.openshift.io/v1alpha1', 'AgentRollout'],
  ] as const;
  const out: string[] = [];
  for (const [apiVersion, kind] of kinds) {
    try {
      const { items } = await client.list(apiVersion, kind, {
        labelSelector: 'app.kubernetes.io/managed-by=mce-maestro-operator,app.kubernetes.io/part-of=maestro',
      });
      for (const o of items)
        out.push(`${kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
    } catch (err) {
      if (!isNotFound(err) && !isNotServed(err)) throw err;
    }
  }
  return out.sort();
}

const ZERO_COUNTS = Object.fromEntries(Object.keys(stateCountsSchema.shape).map((k) => [k, 0]));

interface RolloutObject extends KubeObject {
  spec?: { target?: { transport?: { type?: string } } };
  status?: Record<string, unknown>;
}

export interface FakeRolloutController {
  /** While paused, rollouts stay where they are. */
  pause(): void;
  resume(): void;
  /** Clusters the fake reports (all succeed when it completes a rollout). */
  clusters: number;
  stop(): Promise<void>;
}

/**
 * Stands in for the AgentRollout controller (written separately): every AgentRollout is reported
 * `Succeeded` for its current generation, with `clusters` clusters, unless paused (then it reports
 * `Progressing` with none succeeded yet).
 */
export async function fakeRolloutController(client: KubeClient): Promise<FakeRolloutController> {
  const informer = new Informer<RolloutObject>({
    client,
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'AgentRollout',
  });
  const state = { paused: false, clusters: 0 };
  const report = async (r: RolloutObject) => {
    const generation = r.metadata.generation ?? 0;
    const type = r.spec?.target?.transport?.type ?? 'unknown';
    const done = !state.paused;
    const status = {
      observedGeneration: generation,
      phase: done ? 'Succeeded' : 'Progressing',
      target: `transport ${type}`,
      total: state.clusters,
      counts: {
        ...ZERO_COUNTS,
        progressing: done ? 0 : state.clusters,
        succeeded: done ? state.clusters : 0,
      },
    };
    const current = r.status ?? {};
    if (
      current.observedGeneration === generation &&
      current.phase === status.phase &&
      current.total === status.total
    )
      return;
    try {
      await client.patch(
        {
          apiVersion: r.apiVersion,
          kind: r.kind,
          namespace: r.metadata.namespace,
          name: r.metadata.name ?? '',
        },
        { status },
        'merge',
        { subresource: 'status' },
      );
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };
  const onChange = (r: RolloutObject) => void report(r).catch(() => undefined);
  informer.addHandler({ add: onChange, update: (_o, r) => onChange(r) });
  informer.start();
  await informer.waitForSync();
  return {
    pause: () => {
      state.paused = true;
    },
    resume: () => {
      state.paused = false;
      for (const r of informer.list()) onChange(r);
    },
    get clusters() {
      return state.clusters;
    },
    set clusters(n: number) {
      state.clusters = n;
      for (const r of informer.list()) onChange(r);
    },
    stop: () => informer.stop(),
  };
}

/** A hub on a local control plane with the stand-ins running and (unless told not to) the operator. */
export interface TestHub {
  cp: ControlPlane;
  client: KubeClient;
  kubelet: Kubelet;
  rollouts: FakeRolloutController;
  /** Undefined with `operator: false`. */
  operator: InProcessOperator | undefined;
  stop(): Promise<void>;
}

export interface TestHubOptions {
  controlPlane?: ControlPlaneOptions;
  /** How to seed the hub; false for an empty control plane. */
  seed?: Parameters<typeof seedHub>[1] | false;
  /** Runs after seeding, before anything else starts. */
  before?: (client: KubeClient) => Promise<void>;
  /** Start the in-process operator (default true). */
  operator?: boolean;
  /** The operator's RBAC; hub namespaces are created unless the hub is not seeded. */
  operatorRbac?: OperatorRbacOptions;
}

/** Starts a control plane, seeds it, and starts the kubelet, the rollout stand-in and the operator. */
export async function startTestHub(name: string, opts: TestHubOptions = {}): Promise<TestHub> {
  const cp = await startControlPlaneWithOwnCrds({ name, ...opts.controlPlane });
  const client = adminClient(cp);
  if (opts.seed !== false) await seedHub(client, opts.seed);
  await opts.before?.(client);
  const kubelet = await startKubelet({ client });
  const rollouts = await fakeRolloutController(client);
  const operator =
    opts.operator === false
      ? undefined
      : await startOperator(
          await operatorClient(cp, 100, { createHubNamespaces: opts.seed !== false, ...opts.operatorRbac }),
          undefined,
          { logger: fileLogger(cp, 'operator') },
        );
  return {
    cp,
    client,
    kubelet,
    rollouts,
    operator,
    async stop() {
      await operator?.stop();
      await rollouts.stop();
      await kubelet.stop();
      client.close();
      await cp.stop();
    },
  };
}
