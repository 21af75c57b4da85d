/**
 * A real local control plane for tests, demos and `make dev-cluster`: etcd and kube-apiserver
 * built from Go modules (hack/build-control-plane.sh), started on free loopback ports with real
 * authentication (a static token for the admin, ServiceAccount tokens for everything else) and
 * RBAC authorization, the equivalent of controller-runtime's envtest.
 *
 * Like envtest it runs no controller-manager and no scheduler: no garbage collector, no
 * Deployment controller, no kubelet. Tests that need those behaviours play them explicitly
 * (see `kubelet.ts`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { eventually } from './eventually.js';
import { createControlPlanePki } from './pki.js';
import { freePort, isBindFailure, tcpOpen } from './ports.js';
import { spawnManaged, type ManagedProcess } from './processes.js';

const run = promisify(execFile);
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN_TOKEN = 'admin-token-for-local-control-plane';

export interface ControlPlaneOptions {
  /** Label used in directory and log names. */
  name?: string;
  /** Install the upstream OCM/MCE CRDs (default true). */
  upstreamCrds?: boolean;
  /** Install our own CRDs from `crds/` (default true when that folder has any). */
  ownCrds?: boolean;
  /** Extra CRD files or directories. */
  extraCrds?: string[];
  /** Keep processes alive when the parent exits (dev cluster). */
  detached?: boolean;
  /** Where to put data, certificates, logs and the kubeconfig; a temp dir by default. */
  dir?: string;
  /**
   * Also run kube-controller-manager with the controllers a real hub has and envtest lacks:
   * CSR signing (client certificates of the klusterlet agents, signed by the control plane's CA,
   * which kube-apiserver trusts for client authentication), CSR cleanup, the garbage collector,
   * the namespace controller and ClusterRole aggregation. Off by default: the Deployment and
   * StatefulSet controllers stay off either way (no scheduler or kubelet runs here).
   */
  controllerManager?: boolean;
}

export interface ControlPlane {
  readonly dir: string;
  readonly server: string;
  /** Admin kubeconfig file (system:masters, static token). */
  readonly kubeconfigPath: string;
  readonly binDir: string;
  readonly etcd: ManagedProcess;
  /** PEM of the CA that signs the serving certificate and, with `controllerManager`, client CSRs. */
  readonly caCert: string;
  apiServer(): ManagedProcess;
  /** A fresh admin KubeConfig object. */
  kubeConfig(): KubeConfig;
  /** Runs the locally built kubectl as admin (or with another kubeconfig) and returns stdout. */
  kubectl(args: string[], opts?: { kubeconfig?: string; input?: string }): Promise<string>;
  /** Writes a kubeconfig for a ServiceAccount token (minted with the TokenRequest API). */
  serviceAccountKubeconfig(namespace: string, name: string): Promise<string>;
  /** Stops kube-apiserver (etcd keeps running). */
  stopApiServer(signal?: NodeJS.Signals): Promise<void>;
  /** Starts kube-apiserver again on the same port and waits until it is ready. */
  startApiServer(): Promise<void>;
  /** Stops everything and removes the directory (kept when KEEP_CONTROL_PLANE=1). */
  stop(): Promise<void>;
}

let toolsOnce: Promise<{ binDir: string; crdDir: string }> | undefined;

/** Builds (or finds in the cache) the binaries and the upstream CRDs, once per process. */
export function controlPlaneTools(): Promise<{ binDir: string; crdDir: string }> {
  toolsOnce ??= (async () => {
    const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';
    const bin = await run('bash', [join(REPO_ROOT, 'hack/build-control-plane.sh')], { maxBuffer: 64 << 20 });
    const crds = await run('bash', [join(REPO_ROOT, 'hack/upstream-crds.sh')], { maxBuffer: 64 << 20 });
    return { binDir: lastLine(bin.stdout), crdDir: lastLine(crds.stdout) };
  })();
  return toolsOnce;
}

/** Starts etcd and kube-apiserver, installs CRDs and waits until they are Established. */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const name = opts.name ?? 'cp';
  const { binDir, crdDir } = await controlPlaneTools();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `mmo-${name}-`));
  mkdirSync(join(dir, 'pki'), { recursive: true });
  const parentPid = opts.detached ? 0 : process.pid;

  const pki = await createControlPlanePki();
  const files = {
    ca: join(dir, 'pki/ca.crt'),
    caKey: join(dir, 'pki/ca.key'),
    cert: join(dir, 'pki/apiserver.crt'),
    key: join(dir, 'pki/apiserver.key'),
    saKey: join(dir, 'pki/sa.key'),
    saPub: join(dir, 'pki/sa.pub'),
    tokens: join(dir, 'pki/tokens.csv'),
    kubeconfig: join(dir, 'kubeconfig'),
  };
  writeFileSync(files.ca, pki.caCert);
  writeFileSync(files.caKey, pki.caKey, { mode: 0o600 });
  writeFileSync(files.cert, pki.servingCert);
  writeFileSync(files.key, pki.servingKey, { mode: 0o600 });
  writeFileSync(files.saKey, pki.serviceAccountKey, { mode: 0o600 });
  writeFileSync(files.saPub, pki.serviceAccountPub);
  writeFileSync(files.tokens, `${ADMIN_TOKEN},admin,admin-uid,"system:masters"\n`, { mode: 0o600 });

  // Everything started so far: stopped again when a later step fails, so a failed start leaves
  // no process behind (and no jest kept alive by one).
  const started: ManagedProcess[] = [];
  const stopStarted = () => Promise.all(started.map((p) => p.stop('SIGTERM', 5_000)));
  try {
    const etcdUrl = { value: '' };
    const etcd = await startListening('etcd', join(dir, 'etcd.log'), async () => {
      const [etcdPort, etcdPeerPort] = [await freePort(), await freePort()];
      etcdUrl.value = `http://127.0.0.1:${etcdPort}`;
      const proc = spawnManaged(
        'etcd',
        join(binDir, 'etcd'),
        [
          '--name=default',
          `--data-dir=${join(dir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl.value}`,
          `--advertise-client-urls=${etcdUrl.value}`,
          `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
          `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
          '--unsafe-no-fsync=true',
          '--log-level=warn',
        ],
        { logFile: join(dir, 'etcd.log'), parentPid },
      );
      started.push(proc);
      await eventually(
        async () => {
          if (!proc.running()) throw new Error(`etcd exited; see ${dir}/etcd.log`);
          const res = await fetch(`${etcdUrl.value}/health`);
          return ((await res.json()) as { health?: string }).health === 'true';
        },
        { timeout: 30_000, message: `etcd on ${etcdUrl.value} (log: ${dir}/etcd.log)` },
      );
      return proc;
    });

    let server = '';
    let apiArgs: string[] = [];
    let apiServer: ManagedProcess | undefined;
    const startApi = async () => {
      const proc = spawnManaged('kube-apiserver', join(binDir, 'kube-apiserver'), apiArgs, {
        logFile: join(dir, 'kube-apiserver.log'),
        parentPid,
      });
      apiServer = proc;
      started.push(proc);
      await eventually(
        async () => {
          if (!proc.running()) throw new Error(`kube-apiserver exited; see ${dir}/kube-apiserver.log`);
          const body = await httpsGet(`${server}/readyz`, pki.caCert);
          return body.trim() === 'ok';
        },
        {
          timeout: 60_000,
          interval: 200,
          message: `kube-apiserver on ${server} (log: ${dir}/kube-apiserver.log)`,
        },
      );
      return proc;
    };
    await startListening('kube-apiserver', join(dir, 'kube-apiserver.log'), async () => {
      const apiPort = await freePort();
      server = `https://127.0.0.1:${apiPort}`;
      apiArgs = [
        `--etcd-servers=${etcdUrl.value}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, 'pki')}`,
        `--tls-cert-file=${files.cert}`,
        `--tls-private-key-file=${files.key}`,
        `--token-auth-file=${files.tokens}`,
        // Client certificates signed by our CA authenticate (the klusterlet agents' CSRs).
        `--client-ca-file=${files.ca}`,
        '--authorization-mode=RBAC',
        '--service-cluster-ip-range=10.0.0.0/24',
        `--service-account-issuer=${server}`,
        `--service-account-key-file=${files.saPub}`,
        `--service-account-signing-key-file=${files.saKey}`,
        // As envtest: without the ServiceAccount admission plugin, pods need no pre-existing "default" SA.
        '--disable-admission-plugins=ServiceAccount',
        '--allow-privileged=true',
        // /debug/pprof for investigations (`go tool pprof` on a CPU profile taken during a benchmark).
        process.env.MCE_TEST_APISERVER_PROFILING ? '--profiling=true' : '--profiling=false',
        '--v=1',
      ];
      return startApi();
    });

    writeFileSync(files.kubeconfig, kubeconfigYaml(server, pki.caCert, 'admin', ADMIN_TOKEN));
    if (opts.controllerManager) {
      started.push(await startControllerManager(binDir, dir, files, parentPid));
    }
    const kubectl = async (args: string[], o: { kubeconfig?: string; input?: string } = {}) => {
      const child = run(
        join(binDir, 'kubectl'),
        [
          `--kubeconfig=${o.kubeconfig ?? files.kubeconfig}`,
          // The default discovery cache (~/.kube/cache) is keyed by host:port, and ports get reused.
          `--cache-dir=${join(dir, 'kube-cache')}`,
          ...args,
        ],
        { maxBuffer: 256 << 20 },
      );
      if (o.input !== undefined) {
        child.child.stdin?.end(o.input);
      }
      return (await child).stdout;
    };

    const crdPaths: string[] = [];
    if (opts.upstreamCrds ?? true) crdPaths.push(crdDir);
    const ownDir = join(REPO_ROOT, 'crds');
    if ((opts.ownCrds ?? true) && safeList(ownDir).some((f) => f.endsWith('.yaml'))) crdPaths.push(ownDir);
    crdPaths.push(...(opts.extraCrds ?? []));
    if (crdPaths.length > 0) {
      await kubectl([
        'apply',
        '--server-side',
        '--force-conflicts',
        '--field-manager=test-harness',
        ...crdPaths.flatMap((p) => ['-f', p]),
      ]);
      // A CRD whose status the API server has not written yet makes `kubectl wait` fail at once
      // (".status.conditions accessor error: <nil>") instead of waiting for it: ask again.
      await eventually(
        () => kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']),
        { timeout: 120_000, interval: 500, message: 'every CRD Established' },
      );
    }

    return {
      dir,
      server,
      kubeconfigPath: files.kubeconfig,
      binDir,
      etcd,
      apiServer: () => {
        if (!apiServer) throw new Error('kube-apiserver not started');
        return apiServer;
      },
      kubeConfig() {
        const kc = new KubeConfig();
        kc.loadFromFile(files.kubeconfig);
        return kc;
      },
      kubectl,
      async serviceAccountKubeconfig(namespace, saName) {
        const token = (await kubectl(['create', 'token', '-n', namespace, saName, '--duration=24h'])).trim();
        const path = join(dir, `kubeconfig-${namespace}-${saName}`);
        writeFileSync(
          path,
          kubeconfigYaml(server, pki.caCert, `system:serviceaccount:${namespace}:${saName}`, token),
        );
        return path;
      },
      async stopApiServer(signal: NodeJS.Signals = 'SIGTERM') {
        await apiServer?.stop(signal);
      },
      startApiServer: async () => {
        await startApi();
      },
      caCert: pki.caCert,
      async stop() {
        // Newest first: the controller-manager before its API server, the API server before etcd.
        for (const p of [...started].reverse()) await p.stop('SIGTERM', 5_000);
        if (process.env.KEEP_CONTROL_PLANE !== '1' && !opts.dir)
          rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopStarted();
    if (process.env.KEEP_CONTROL_PLANE !== '1' && !opts.dir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Starts a server whose listen ports `start` picks, and starts it again on fresh ports (up to
 * three times) when it failed because a port was taken between `freePort` and its bind.
 */
async function startListening<T extends ManagedProcess>(
  name: string,
  logFile: string,
  start: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const logBefore = safeRead(logFile).length;
    try {
      return await start();
    } catch (err) {
      const log = safeRead(logFile).slice(logBefore);
      if (attempt >= 3 || !isBindFailure(log)) throw err;
      console.warn(
        `${name}: a listen port was taken; starting again on other ports (attempt ${attempt + 1})`,
      );
    }
  }
}

/** kube-controller-manager with the controllers of a hub that have no kubelet to talk to. */
async function startControllerManager(
  binDir: string,
  dir: string,
  files: { ca: string; caKey: string; saKey: string; kubeconfig: string },
  parentPid: number,
): Promise<ManagedProcess> {
  const logFile = join(dir, 'kube-controller-manager.log');
  return startListening('kube-controller-manager', logFile, async () => {
    const port = await freePort();
    const proc = spawnManaged(
      'kube-controller-manager',
      join(binDir, 'kube-controller-manager'),
      [
        `--kubeconfig=${files.kubeconfig}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${port}`,
        `--cert-dir=${join(dir, 'pki/kcm')}`,
        '--leader-elect=false',
        '--controllers=csrsigning,csrcleaner,garbagecollector,namespace,clusterrole-aggregation,serviceaccount',
        `--cluster-signing-cert-file=${files.ca}`,
        `--cluster-signing-key-file=${files.caKey}`,
        `--root-ca-file=${files.ca}`,
        `--service-account-private-key-file=${files.saKey}`,
        '--v=1',
      ],
      { logFile, parentPid },
    );
    await eventually(
      async () => {
        if (!proc.running()) throw new Error(`kube-controller-manager exited; see ${logFile}`);
        return tcpOpen(port);
      },
      { timeout: 60_000, interval: 250, message: `kube-controller-manager (log: ${logFile})` },
    );
    return proc;
  });
}

function kubeconfigYaml(server: string, ca: string, user: string, token: string): string {
  const caData = Buffer.from(ca).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: local`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${caData}`,
    'users:',
    `- name: ${JSON.stringify(user)}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: local',
    '  context:',
    '    cluster: local',
    `    user: ${JSON.stringify(user)}`,
    'current-context: local',
    '',
  ].join('\n');
}

async function httpsGet(url: string, ca: string): Promise<string> {
  const https = await import('node:https');
  return new Promise((resolveBody, reject) => {
    const req = https.get(
      url,
      { ca, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, timeout: 2_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolveBody(body));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
