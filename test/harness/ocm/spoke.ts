/**
 * A real managed cluster: its own kube-apiserver and etcd, with the real klusterlet agent of
 * open-cluster-management.io/ocm (`registration-operator agent`, the Singleton mode MCE deploys:
 * registration and work agents in one process) run as a local process with the flags its
 * Deployment has. It bootstraps with the hub's bootstrap token, gets its client certificate
 * through a CSR the hub approves and kube-controller-manager signs, joins, renews its lease and
 * applies ManifestWorks to this API server.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient, type KubeObject } from '../../../src/runtime/index.js';
import { startControlPlane, type ControlPlane } from '../control-plane.js';
import { startKubelet, type Kubelet } from '../kubelet.js';
import { startProcessKubelet, type ProcessKubelet } from '../process-kubelet.js';
import {
  mergeKlusterletConfigs,
  renderKlusterletManifests,
  type BootstrapContent,
} from '../fleet/klusterlet-render.js';
import type { HubImages } from '../fleet/types.js';
import { freePort } from '../ports.js';
import { spawnManaged, type ManagedProcess } from '../processes.js';
import type { OcmHub } from './hub.js';
import { ocmBinDir, ocmSpokeCrdDir } from './tools.js';

export const AGENT_NAMESPACE = 'open-cluster-management-agent';

/** Where the agent of a cluster that is not imported logs (it runs as a plain process). */
export const agentLogFile = (cp: Pick<ControlPlane, 'dir'>) => join(cp.dir, 'klusterlet-agent.log');

export interface OcmSpoke {
  readonly name: string;
  readonly cp: ControlPlane;
  readonly client: KubeClient;
  /** The directory where the agent keeps its hub kubeconfig and client certificate. */
  readonly hubKubeconfigDir: string;
  /** The running agent, or undefined while it is stopped. */
  agent(): ManagedProcess | undefined;
  /** The process kubelet of an imported cluster (it runs the klusterlet operator and agent). */
  processKubelet(): ProcessKubelet | undefined;
  /** Starts the klusterlet agent (again), from the OCM binaries at `version` (default: OCM_VERSION). */
  startAgent(version?: string): Promise<void>;
  /** Stops the klusterlet agent: the hub sees the cluster's lease expire. */
  stopAgent(): Promise<void>;
  stop(): Promise<void>;
}

export interface OcmSpokeOptions {
  /**
   * Import the cluster as MCE does instead of starting the agent directly: the klusterlet
   * operator's RBAC, the bootstrap Secret and the import controller's klusterlet manifests (the
   * operator Deployment and the Klusterlet CR, Singleton mode) are applied to the cluster; the
   * process kubelet runs the operator, the operator deploys the agent, the process kubelet runs
   * the agent. Images map to OCM versions by their tag (`versions`: tag → OCM version).
   */
  import?: { images: HubImages; versions: Record<string, string> };
  /**
   * More programs the process kubelet of an imported cluster runs: image → local binary (the
   * Maestro agent a transport rollout delivers), and the in-cluster host names they dial, each
   * mapped to a loopback address (cluster DNS for the processes).
   */
  processes?: { binaries: Record<string, string>; hosts?: Record<string, string> };
}

/** Starts a managed cluster's API server and its klusterlet agent, registered with `hub` as `name`. */
export async function startOcmSpoke(
  hub: OcmHub,
  name: string,
  opts: OcmSpokeOptions = {},
): Promise<OcmSpoke> {
  const cp = await startControlPlane({
    name: `spoke-${name}`,
    upstreamCrds: false,
    ownCrds: false,
    extraCrds: [await ocmSpokeCrdDir()],
    // An imported cluster's work agent acts as klusterlet-work-sa, bound to the built-in `admin`
    // ClusterRole, whose rules ClusterRole aggregation (kube-controller-manager) fills in.
    controllerManager: opts.import !== undefined,
  });
  const client = new KubeClient({ kubeConfig: cp.kubeConfig(), qps: 100, burst: 200 });
  // No container runtime runs here: the kubelet stand-in reports the Deployments that works
  // apply (add-on agents) rolled out, which is what the work agent's status feedback reads.
  let kubelet: Kubelet | undefined;
  let processKubelet: ProcessKubelet | undefined;
  const hubKubeconfigDir = join(cp.dir, 'hub-kubeconfig');
  mkdirSync(hubKubeconfigDir, { recursive: true });
  // One agent id for the cluster's life: a restarted agent is the same agent (its certificate's
  // user name carries the id), as the Klusterlet's pod keeps it.
  const agentId = randomUUID();
  let agent: ManagedProcess | undefined;
  const spoke: OcmSpoke = {
    name,
    cp,
    client,
    hubKubeconfigDir,
    agent: () => agent,
    processKubelet: () => processKubelet,
    async startAgent(version?: string) {
      if (opts.import)
        throw new Error(`${name}: the klusterlet operator runs the agent of an imported cluster`);
      if (agent?.running()) return;
      const [binDir, bootstrap] = await Promise.all([ocmBinDir(version), hub.bootstrapKubeconfig()]);
      agent = spawnManaged(
        `klusterlet-agent-${name}`,
        join(binDir, 'registration-operator'),
        [
          'agent',
          `--kubeconfig=${cp.kubeconfigPath}`,
          `--spoke-kubeconfig=${cp.kubeconfigPath}`,
          `--cluster-name=${name}`,
          `--agent-id=${agentId}`,
          `--bootstrap-kubeconfig=${bootstrap}`,
          `--hub-kubeconfig-dir=${hubKubeconfigDir}`,
          `--hub-kubeconfig=${join(hubKubeconfigDir, 'kubeconfig')}`,
          // Without these two the agent looks for the in-pod paths after bootstrap and dies.
          `--workload-source-config=${join(hubKubeconfigDir, 'kubeconfig')}`,
          `--namespace=${AGENT_NAMESPACE}`,
          '--disable-leader-election',
          `--listen=127.0.0.1:${await freePort()}`,
        ],
        { logFile: agentLogFile(cp) },
      );
    },
    async stopAgent() {
      await agent?.stop();
      agent = undefined;
    },
    async stop() {
      await spoke.stopAgent();
      await processKubelet?.stop();
      await kubelet?.stop();
      client.close();
      await cp.stop();
    },
  };
  try {
    await client.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: AGENT_NAMESPACE } },
      { fieldManager: 'test-harness' },
    );
    if (opts.import) {
      const imported = opts.import;
      const extra = opts.processes?.binaries ?? {};
      const binaryFor = (image: string) => {
        if (extra[image]) return Promise.resolve(extra[image]);
        const version = image.includes('/registration-operator:')
          ? imported.versions[image.split(':').pop() ?? '']
          : undefined;
        return version
          ? ocmBinDir(version).then((dir) => join(dir, 'registration-operator'))
          : Promise.resolve(undefined);
      };
      processKubelet = await startProcessKubelet({ cp, client, binaryFor, hosts: opts.processes?.hosts });
      const images = (w: KubeObject) =>
        (w as { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }).spec?.template?.spec
          ?.containers ?? [];
      kubelet = await startKubelet({
        client,
        skip: (w) =>
          (w.metadata.namespace === AGENT_NAMESPACE && w.metadata.name?.startsWith('klusterlet') === true) ||
          images(w).some((c) => c.image !== undefined && extra[c.image] !== undefined),
      });
      const bootstrap = { kubeconfig: readFileSync(await hub.bootstrapKubeconfig(), 'utf8') };
      for (const o of importManifests(name, bootstrap, imported.images))
        await client.apply(o, { fieldManager: 'import-controller', force: true });
    } else {
      kubelet = await startKubelet({ client });
      await spoke.startAgent();
    }
  } catch (err) {
    await spoke.stop();
    throw err;
  }
  return spoke;
}

/**
 * What MCE's import controller applies to a cluster it imports (its import.yaml through the
 * auto-import Secret): the klusterlet operator's ServiceAccount and binding to the ClusterRole of
 * ocm deploy/klusterlet/config/rbac (installed with the CRDs), the ClusterRole that lets the work
 * agent (as `admin`) manage the Klusterlet it delivers (import controller
 * `pkg/bootstrap/manifests/klusterlet/clusterrole_aggregate.yaml`), and the
 * same klusterlet manifests (with the bootstrap Secret) it keeps in `<cluster>-klusterlet` afterwards.
 */
function importManifests(cluster: string, bootstrap: BootstrapContent, images: HubImages): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: AGENT_NAMESPACE } },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { namespace: AGENT_NAMESPACE, name: 'klusterlet' },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'klusterlet' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'klusterlet' },
      subjects: [{ kind: 'ServiceAccount', namespace: AGENT_NAMESPACE, name: 'klusterlet' }],
    } as KubeObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        name: 'open-cluster-management:klusterlet-admin-aggregate-clusterrole',
        labels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' },
      },
      rules: [
        {
          apiGroups: ['operator.open-cluster-management.io'],
          resources: ['klusterlets'],
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
        },
      ],
    } as KubeObject,
    ...(renderKlusterletManifests(
      cluster,
      images,
      mergeKlusterletConfigs(undefined, undefined),
      bootstrap,
    ) as KubeObject[]),
  ];
}
