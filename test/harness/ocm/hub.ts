/**
 * A real OCM hub: kube-apiserver, etcd and kube-controller-manager (CSR signing, garbage
 * collection, namespaces), with the real hub controllers of open-cluster-management.io/ocm run as
 * local processes exactly as the cluster-manager operator's Deployments run them (same commands,
 * same namespace), but with the admin kubeconfig instead of their ServiceAccounts:
 *
 * - `registration controller`: accepts clusters (auto-approval of the bootstrap identity, as MCE
 *   configures it), writes their RBAC, checks their leases (Available / unknown / tainted);
 * - `placement controller`: schedules Placements into PlacementDecisions;
 * - `addon manager`: installs add-ons, computes desired configs, rolls ClusterManagementAddOn
 *   strategies out, and runs AddOnTemplate add-ons (their ManifestWorks);
 * - `registration webhook-server`: the admission webhooks of ManagedClusters (defaults, such as
 *   the `default` cluster set label, and who may accept a cluster or move it between sets) and of
 *   ManagedClusterSetBindings, registered with the API server by URL instead of a Service.
 *
 * What runs on the managed clusters is `spoke.ts`.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, type KubeObject } from '../../../src/runtime/index.js';
import type { ControlPlane } from '../control-plane.js';
import type { BootstrapContent } from '../fleet/klusterlet-render.js';
import { eventually } from '../eventually.js';
import { createControlPlanePki } from '../pki.js';
import { freePort, isBindFailure, tcpOpen } from '../ports.js';
import { spawnManaged, type ManagedProcess } from '../processes.js';
import { startControlPlaneWithOwnCrds } from '../own-crds.js';
import { ocmBinDir, ocmHubCrdDir } from './tools.js';

export const HUB_NAMESPACE = 'open-cluster-management-hub';
/** The ServiceAccount whose token agents bootstrap with (MCE: agent-registration-bootstrap). */
export const BOOTSTRAP_SA = { namespace: 'open-cluster-management', name: 'agent-registration-bootstrap' };

/** The hub controllers, by the name of their process. */
export const HUB_CONTROLLERS = {
  'registration-controller': ['registration', 'controller'],
  'placement-controller': ['placement', 'controller'],
  'addon-manager': ['addon', 'manager'],
} as const;
export type HubControllerName = keyof typeof HUB_CONTROLLERS;
export type HubProcessName = HubControllerName | 'registration-webhook' | 'grpc-server';

export interface OcmHub {
  readonly cp: ControlPlane;
  readonly client: KubeClient;
  readonly binDir: string;
  kubeConfig(): KubeConfig;
  /** A kubeconfig with the bootstrap ServiceAccount's token, as MCE's import secret carries. */
  bootstrapKubeconfig(): Promise<string>;
  /** The gRPC server, when started with `grpc`. */
  readonly grpc?: GrpcEndpoint;
  /** The bootstrap ServiceAccount's token (what MCE's import Secret carries). */
  bootstrapToken(): Promise<string>;
  /** What an agent's bootstrap Secret holds: the kubeconfig, and the gRPC endpoint when served. */
  bootstrapContent(): Promise<BootstrapContent>;
  /** The running hub controller processes, by name. */
  readonly controllers: ReadonlyMap<HubProcessName, ManagedProcess>;
  stop(): Promise<void>;
}

export interface OcmHubOptions {
  name?: string;
  /** The hub controllers to run (default: all). */
  controllers?: HubControllerName[];
  /**
   * Also serve registration and work over gRPC, as a ClusterManager with the grpc registration
   * driver does: `server grpc` (TLS from its own CA, token and mTLS authentication, SAR
   * authorization), and the registration controller signing grpc client CSRs with that CA and
   * approving the bootstrap identity's.
   */
  grpc?: boolean;
}

/** Where agents reach the hub's gRPC server. */
export interface GrpcEndpoint {
  /** `host:port`. */
  url: string;
  /** PEM of the CA of its serving certificate. */
  caCert: string;
}

/** Starts a hub with the real OCM hub controllers and waits until they run. */
export async function startOcmHub(opts: OcmHubOptions = {}): Promise<OcmHub> {
  const [binDir, hubCrds] = await Promise.all([ocmBinDir(), ocmHubCrdDir()]);
  const cp = await startControlPlaneWithOwnCrds({
    name: opts.name ?? 'ocm-hub',
    controllerManager: true,
    extraCrds: [hubCrds],
  });
  const client = new KubeClient({ kubeConfig: cp.kubeConfig(), qps: 200, burst: 400 });
  const controllers = new Map<HubProcessName, ManagedProcess>();
  let endpoint: GrpcEndpoint | undefined;
  try {
    for (const o of hubObjects()) await client.apply(o, { fieldManager: 'test-harness', force: true });
    const logs = join(cp.dir, 'ocm');
    mkdirSync(logs, { recursive: true });
    controllers.set('registration-webhook', await startRegistrationWebhook(cp, binDir, logs));
    const grpc = opts.grpc ? await startGrpcServer(cp, binDir, logs) : undefined;
    if (grpc) {
      controllers.set('grpc-server', grpc.process);
      endpoint = grpc.endpoint;
    }
    for (const name of opts.controllers ?? (Object.keys(HUB_CONTROLLERS) as HubControllerName[])) {
      const [program, command] = HUB_CONTROLLERS[name];
      const args = [
        command,
        `--kubeconfig=${cp.kubeconfigPath}`,
        `--namespace=${HUB_NAMESPACE}`,
        '--disable-leader-election',
        `--listen=127.0.0.1:${await freePort()}`,
        ...(name === 'registration-controller'
          ? [
              // As MCE configures it: CSRs of the bootstrap identity are approved and its
              // clusters accepted without an admin (clusteradm accept).
              '--feature-gates=ManagedClusterAutoApproval=true',
              `--auto-approved-csr-users=system:serviceaccount:${BOOTSTRAP_SA.namespace}:${BOOTSTRAP_SA.name}`,
              ...(grpc
                ? [
                    '--enabled-registration-drivers=csr,grpc',
                    `--grpc-ca-file=${grpc.caFile}`,
                    `--grpc-key-file=${grpc.caKeyFile}`,
                    `--auto-approved-grpc-users=system:serviceaccount:${BOOTSTRAP_SA.namespace}:${BOOTSTRAP_SA.name}`,
                  ]
                : []),
            ]
          : []),
      ];
      controllers.set(
        name,
        spawnManaged(name, join(binDir, program), args, { logFile: join(logs, `${name}.log`) }),
      );
    }
  } catch (err) {
    await Promise.all([...controllers.values()].map((p) => p.stop()));
    client.close();
    await cp.stop();
    throw err;
  }
  let bootstrap: Promise<string> | undefined;
  let token: Promise<string> | undefined;
  const bootstrapToken = () => {
    token ??= cp
      .kubectl(['create', 'token', '-n', BOOTSTRAP_SA.namespace, BOOTSTRAP_SA.name, '--duration=24h'])
      .then((t) => t.trim());
    return token;
  };
  const bootstrapKubeconfig = () => {
    bootstrap ??= (async () => {
      const path = await cp.serviceAccountKubeconfig(BOOTSTRAP_SA.namespace, BOOTSTRAP_SA.name);
      const copy = join(cp.dir, 'bootstrap-hub-kubeconfig');
      writeFileSync(copy, readFileSync(path));
      return copy;
    })();
    return bootstrap;
  };
  return {
    grpc: endpoint,
    cp,
    client,
    binDir,
    controllers,
    kubeConfig: () => cp.kubeConfig(),
    bootstrapToken,
    bootstrapKubeconfig,
    async bootstrapContent() {
      const kubeconfig = readFileSync(await bootstrapKubeconfig(), 'utf8');
      return endpoint ? { kubeconfig, grpc: { ...endpoint, token: await bootstrapToken() } } : { kubeconfig };
    },
    async stop() {
      await Promise.all([...controllers.values()].map((p) => p.stop()));
      client.close();
      await cp.stop();
    },
  };
}

const WEBHOOKS = {
  mutating: [
    [
      'managedclustermutators',
      '/mutate-cluster-open-cluster-management-io-v1-managedcluster',
      'managedclusters',
    ],
  ],
  validating: [
    [
      'managedclustervalidators',
      '/validate-cluster-open-cluster-management-io-v1-managedcluster',
      'managedclusters',
    ],
    [
      'managedclustersetbindingvalidators',
      '/validate-cluster-open-cluster-management-io-v1beta2-managedclustersetbinding',
      'managedclustersetbindings',
    ],
  ],
} as const;

/**
 * The registration webhook server (ocm manifests/cluster-manager/management/registration/
 * webhook-deployment.yaml: `webhook-server` with DefaultClusterSet on), serving with the API
 * server's own certificate (valid for 127.0.0.1, signed by the CA the API server trusts), and its
 * webhook configurations (hub/registration/webhook-*configuration.yaml) pointing at its URL.
 */
async function startRegistrationWebhook(
  cp: ControlPlane,
  binDir: string,
  logs: string,
): Promise<ManagedProcess> {
  const certDir = join(logs, 'webhook-certs');
  mkdirSync(certDir, { recursive: true });
  copyFileSync(join(cp.dir, 'pki/apiserver.crt'), join(certDir, 'tls.crt'));
  copyFileSync(join(cp.dir, 'pki/apiserver.key'), join(certDir, 'tls.key'));
  // The webhook's manager also binds a health probe on :8000 and metrics on :8080 of every
  // interface (ocm pkg/common/options/webhook.go; no flags for them), so two hubs on one machine
  // at once take turns: a start that lost those ports is tried again.
  const logFile = join(logs, 'registration-webhook.log');
  let port = 0;
  let proc: ManagedProcess | undefined;
  for (let attempt = 1; !proc; attempt++) {
    port = await freePort();
    const started = spawnManaged(
      'registration-webhook',
      join(binDir, 'registration'),
      [
        'webhook-server',
        `--port=${port}`,
        `--certdir=${certDir}`,
        `--kubeconfig=${cp.kubeconfigPath}`,
        '--feature-gates=DefaultClusterSet=true',
      ],
      { logFile },
    );
    const up = await eventually(async () => (started.running() ? tcpOpen(port) : 'exited'), {
      timeout: 30_000,
      message: 'the registration webhook server',
    });
    if (up === true) proc = started;
    else if (attempt >= 5 || !isBindFailure(readFileSync(logFile, 'utf8')))
      throw new Error(`the registration webhook exited; see ${logFile}`);
    else await new Promise((r) => setTimeout(r, 3_000));
  }
  const caBundle = Buffer.from(cp.caCert).toString('base64');
  const hook = ([name, path, resource]: readonly [string, string, string]) => ({
    name: `${name}.admission.cluster.open-cluster-management.io`,
    failurePolicy: 'Fail',
    clientConfig: { url: `https://127.0.0.1:${port}${path}`, caBundle },
    rules: [
      {
        operations: ['CREATE', 'UPDATE'],
        apiGroups: ['cluster.open-cluster-management.io'],
        apiVersions: ['*'],
        resources: [resource],
      },
    ],
    admissionReviewVersions: ['v1beta1', 'v1'],
    sideEffects: 'None',
    timeoutSeconds: 10,
  });
  const client = new KubeClient({ kubeConfig: cp.kubeConfig() });
  try {
    for (const [kind, hooks] of [
      ['MutatingWebhookConfiguration', WEBHOOKS.mutating],
      ['ValidatingWebhookConfiguration', WEBHOOKS.validating],
    ] as const)
      for (const h of hooks)
        await client.apply(
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind,
            metadata: { name: `${h[0]}.admission.cluster.open-cluster-management.io` },
            webhooks: [hook(h)],
          } as KubeObject,
          { fieldManager: 'test-harness', force: true },
        );
  } finally {
    client.close();
  }
  return proc;
}

/**
 * `server grpc` (ocm manifests/cluster-manager/management/grpc-server/deployment.yaml) with its
 * own CA: the serving certificate (127.0.0.1) and the client certificates the registration
 * controller signs for agents come from it. Its config is the flat format of sdk-go
 * `pkg/server/grpc/options.go`.
 */
async function startGrpcServer(
  cp: ControlPlane,
  binDir: string,
  logs: string,
): Promise<{ process: ManagedProcess; endpoint: GrpcEndpoint; caFile: string; caKeyFile: string }> {
  const pki = await createControlPlanePki();
  const dir = join(logs, 'grpc');
  mkdirSync(dir, { recursive: true });
  const file = (name: string, content: string, mode = 0o644) => {
    writeFileSync(join(dir, name), content, { mode });
    return join(dir, name);
  };
  const caFile = file('ca.crt', pki.caCert);
  const caKeyFile = file('ca.key', pki.caKey, 0o600);
  const port = await freePort();
  const config = file(
    'config.yaml',
    [
      `tls_cert_file: ${file('tls.crt', pki.servingCert)}`,
      `tls_key_file: ${file('tls.key', pki.servingKey, 0o600)}`,
      `client_ca_file: ${caFile}`,
      `server_bind_port: "${port}"`,
      '',
    ].join('\n'),
  );
  const proc = spawnManaged(
    'grpc-server',
    join(binDir, 'server'),
    [
      'grpc',
      `--server-config=${config}`,
      `--kubeconfig=${cp.kubeconfigPath}`,
      `--namespace=${HUB_NAMESPACE}`,
      '--disable-leader-election',
      `--listen=127.0.0.1:${await freePort()}`,
    ],
    { logFile: join(logs, 'grpc-server.log') },
  );
  await eventually(
    async () => {
      if (!proc.running()) throw new Error(`the gRPC server exited; see ${logs}/grpc-server.log`);
      return tcpOpen(port);
    },
    { timeout: 30_000, message: 'the hub gRPC server' },
  );
  return { process: proc, endpoint: { url: `127.0.0.1:${port}`, caCert: pki.caCert }, caFile, caKeyFile };
}

/** The hub's namespaces and the bootstrap identity (OCM's cluster-manager chart: bootstrap_*.yaml). */
function hubObjects(): KubeObject[] {
  const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return [
    ns(HUB_NAMESPACE),
    ns(BOOTSTRAP_SA.namespace),
    ns('multicluster-engine'),
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { namespace: BOOTSTRAP_SA.namespace, name: BOOTSTRAP_SA.name },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'open-cluster-management:bootstrap' },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
        {
          apiGroups: ['certificates.k8s.io'],
          resources: ['certificatesigningrequests'],
          verbs: ['create', 'get', 'list', 'watch'],
        },
        {
          apiGroups: ['cluster.open-cluster-management.io'],
          resources: ['managedclusters'],
          verbs: ['get', 'create', 'list', 'watch'],
        },
        {
          apiGroups: ['cluster.open-cluster-management.io'],
          resources: ['managedclustersets/join'],
          verbs: ['create'],
        },
      ],
    } as KubeObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'open-cluster-management:bootstrap:agent-registration' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'open-cluster-management:bootstrap',
      },
      subjects: [{ kind: 'ServiceAccount', namespace: BOOTSTRAP_SA.namespace, name: BOOTSTRAP_SA.name }],
    } as KubeObject,
  ];
}
