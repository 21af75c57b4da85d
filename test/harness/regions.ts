/**
 * Local "regions" for the console's tests and demo: each region is a hub of its own, a real
 * kube-apiserver + etcd with the upstream and our CRDs (Hive's on the regions that ask), a fleet
 * of simulated clusters, and the operator running as a child process with the console flags.
 *
 * The clusters are ManagedCluster objects written directly (labels, and a status through the
 * status subresource), with no agents behind them: the console reads what the hub holds, and
 * hundreds or thousands of clusters per region cost a few requests each instead of a process or
 * an agent simulation each. ManagedClusterSets are the real upstream kind; membership is the
 * `cluster.open-cluster-management.io/clusterset` label, as on a hub.
 *
 * The operators run as child processes (`node --import tsx src/main.ts`), not in-process: the
 * operator keeps process-wide singletons (the prom-client registry of /metrics, among others),
 * so three in one process would share them; and a child can be stopped alone to play an outage.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { KubeClient, type KubeObject } from '../../src/runtime/index.js';
import { spkiHash } from './browser.js';
import { REPO_ROOT, type ControlPlane } from './control-plane.js';
import { sleep } from './eventually.js';
import { operatorKubeconfig } from './operator-rbac.js';
import { startControlPlaneWithOwnCrds } from './own-crds.js';
import { createControlPlanePki } from './pki.js';
import { freePort } from './ports.js';
import { spawnManaged, type ManagedProcess } from './processes.js';
import { WritePool } from './fleet/pool.js';

const run = promisify(execFile);

export const CLUSTERSET_LABEL = 'cluster.open-cluster-management.io/clusterset';
/** Namespace of the users `createUser` makes (ServiceAccounts: tokens without an identity provider). */
export const USERS_NAMESPACE = 'console-users';

export interface RegionsOptions {
  /** How many regions (default 3). */
  count?: number;
  /** Region names (default `region-a`, `region-b`, …). */
  names?: string[];
  /** The geography every region reports (default `test-geo`). */
  geography?: string;
  /** Simulated clusters per region: one number for all, or one per region (default 200). */
  clustersPerRegion?: number | number[];
  /** ManagedClusterSets; clusters are spread over them round-robin (default set-a, set-b). */
  sets?: string[];
  /** Indexes of the regions whose API server serves hive.openshift.io (default none). */
  hiveOn?: number[];
  /**
   * Create a namespace per cluster, as a hub has (add-ons and ManifestWorks live there). Default:
   * only up to 300 clusters per region; thousands of namespaces only slow the start down.
   */
  clusterNamespaces?: boolean;
  /** Run the operator in each region (default true). */
  operator?: boolean;
  /**
   * Origins the consoles accept besides the regions' own (each region serves the console, and its
   * page talks to every region, so every region's origin is allowed everywhere).
   */
  extraAllowedOrigins?: string[];
  /** The built console (default `<repo>/console/dist`). */
  staticDir?: string;
  /** Changes a simulated cluster before it is written (extra labels, claims, …). */
  decorate?: (cluster: SimulatedClusterObject, index: number, region: RegionInfo) => void;
}

export interface RegionInfo {
  readonly index: number;
  readonly name: string;
  readonly geography: string;
}

/** What `startRegions` wrote for one cluster. */
export interface SimulatedCluster {
  name: string;
  set: string;
  available: 'True' | 'False' | 'Unknown';
  kubernetesVersion: string;
}

export interface SimulatedClusterObject extends KubeObject {
  metadata: KubeObject['metadata'] & { labels: Record<string, string> };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
}

export interface Region extends RegionInfo {
  readonly cp: ControlPlane;
  /** An admin client of this region's API server. */
  readonly client: KubeClient;
  readonly hive: boolean;
  readonly clusters: readonly SimulatedCluster[];
  /** `https://127.0.0.1:<port>`: the console and its API (an origin: no trailing slash). */
  readonly consoleUrl: string;
  /** PEM of the CA that signed the console's serving certificate (in `consoleCertDir`). */
  readonly consoleCa: string;
  /** base64 SHA-256 of the console certificate's key, for `launchBrowser({ trustSpki })`. */
  readonly consoleSpki: string;
  /** The operator process, while it runs. */
  operator: ManagedProcess | undefined;
  /** The operator's log (JSON lines). */
  readonly operatorLog: string;
  /** False once `stopRegion` ran. */
  running: boolean;
  /** One HTTPS request to this region's console, verifying its certificate against `consoleCa`. */
  consoleRequest(path: string, init?: ConsoleRequestInit): Promise<ConsoleResponse>;
  /**
   * One HTTPS request to this region's kube-apiserver, verifying its CA: what the API server
   * itself answers a user's token, to compare the console's answers with.
   */
  kubeRequest(path: string, init?: ConsoleRequestInit): Promise<ConsoleResponse>;
}

export interface ConsoleRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Default 10 s. */
  timeoutMs?: number;
}

export interface ConsoleResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type PolicyRule = {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
};

/** Rules for `createUser`: a bare list is cluster-wide; `namespaces` adds Roles per namespace. */
export type UserRules = PolicyRule[] | { cluster?: PolicyRule[]; namespaces?: Record<string, PolicyRule[]> };

export interface ConsoleUser {
  /** The user name the API server sees: `system:serviceaccount:console-users:<name>`. */
  username: string;
  /** A bearer token from the TokenRequest API (valid 24 h). */
  token: string;
}

export interface Regions {
  readonly regions: readonly Region[];
  /** Every region's console origin (what each region's allow-list holds, with the extras). */
  readonly allowedOrigins: readonly string[];
  /** A ServiceAccount with exactly `rules` in `region`, and a token for it. */
  createUser(region: number | Region, name: string, rules: UserRules): Promise<ConsoleUser>;
  /** Stops a region's operator, API server and etcd: an outage, as the browser sees it. */
  stopRegion(index: number): Promise<void>;
  /** Stops every region. Safe to call twice. */
  stop(): Promise<void>;
}

const K8S_VERSIONS = ['v1.31.6', 'v1.32.4', 'v1.33.2'];
const VENDORS = ['OpenShift', 'OpenShift', 'EKS', 'AKS', 'GKE'];
const CLOUD_REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1', 'eu-central-1'];

let hiveCrdsOnce: Promise<string> | undefined;

/** The generated Hive CRDs (`hack/upstream-crds.sh hive`), once per process. */
export function hiveCrdDir(): Promise<string> {
  const once = (hiveCrdsOnce ??= run('bash', [join(REPO_ROOT, 'hack/upstream-crds.sh'), 'hive'], {
    maxBuffer: 16 << 20,
  }).then((r) => r.stdout.trim().split('\n').pop() ?? ''));
  return once;
}

/**
 * Availability of the i-th cluster: one in ten False, one in twenty-five Unknown (a lease that
 * expired), the rest True, so lists and filters have more than one status to show.
 */
export function simulatedAvailability(i: number): SimulatedCluster['available'] {
  if (i % 25 === 24) return 'Unknown';
  if (i % 10 === 9) return 'False';
  return 'True';
}

/** The ManagedCluster `startRegions` writes for the i-th cluster of a region. */
export function simulatedCluster(
  region: RegionInfo,
  i: number,
  sets: readonly string[],
): SimulatedClusterObject {
  const name = `${region.name}-c${String(i).padStart(5, '0')}`;
  const set = sets[i % sets.length] ?? 'default';
  const vendor = VENDORS[i % VENDORS.length] ?? 'OpenShift';
  const kubernetesVersion = K8S_VERSIONS[i % K8S_VERSIONS.length] ?? 'v1.33.2';
  const available = simulatedAvailability(i);
  const now = new Date().toISOString();
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastTransitionTime: now,
  });
  return {
    apiVersion: 'cluster.open-cluster-management.io/v1',
    kind: 'ManagedCluster',
    metadata: {
      name,
      labels: {
        [CLUSTERSET_LABEL]: set,
        name,
        vendor,
        cloud: vendor === 'OpenShift' ? 'Amazon' : vendor,
        region: CLOUD_REGIONS[i % CLOUD_REGIONS.length] ?? 'us-east-1',
        environment: i % 3 === 0 ? 'prod' : 'dev',
      },
    },
    spec: { hubAcceptsClient: true, leaseDurationSeconds: 60 },
    status: {
      conditions: [
        condition(
          'HubAcceptedManagedCluster',
          'True',
          'HubClusterAdminAccepted',
          'Accepted by hub cluster admin',
        ),
        condition('ManagedClusterJoined', 'True', 'ManagedClusterJoined', 'Managed cluster joined'),
        available === 'True'
          ? condition(
              'ManagedClusterConditionAvailable',
              'True',
              'ManagedClusterAvailable',
              'Managed cluster is available',
            )
          : available === 'False'
            ? condition(
                'ManagedClusterConditionAvailable',
                'False',
                'ManagedClusterKubeAPIServerUnavailable',
                'Managed cluster kube-apiserver is unavailable',
              )
            : condition(
                'ManagedClusterConditionAvailable',
                'Unknown',
                'ManagedClusterLeaseUpdateStopped',
                'Registration agent stopped updating its lease',
              ),
      ],
      version: { kubernetes: kubernetesVersion },
      clusterClaims: [
        { name: 'id.k8s.io', value: name },
        { name: 'product.open-cluster-management.io', value: vendor },
      ],
      allocatable: { cpu: '16', memory: '64Gi' },
      capacity: { cpu: '16', memory: '64Gi' },
    },
  };
}

/** Starts `count` regions; everything started is stopped again when any step fails. */
export async function startRegions(opts: RegionsOptions = {}): Promise<Regions> {
  const count = opts.count ?? 3;
  const names =
    opts.names ?? Array.from({ length: count }, (_, i) => `region-${String.fromCharCode(97 + i)}`);
  if (names.length !== count) throw new Error(`startRegions: ${names.length} names for ${count} regions`);
  const geography = opts.geography ?? 'test-geo';
  const sets = opts.sets ?? ['set-a', 'set-b'];
  const perRegion = (i: number) =>
    Array.isArray(opts.clustersPerRegion)
      ? (opts.clustersPerRegion[i] ?? 0)
      : (opts.clustersPerRegion ?? 200);
  const hiveOn = new Set(opts.hiveOn ?? []);
  const hiveDir = hiveOn.size > 0 ? await hiveCrdDir() : undefined;

  // Console ports first: every region's allow-list names every region's origin.
  const ports = await Promise.all(names.map(() => freePort()));
  const allowedOrigins = [...ports.map((p) => `https://127.0.0.1:${p}`), ...(opts.extraAllowedOrigins ?? [])];

  const regions: Region[] = [];
  const stopOne = async (r: Region) => {
    r.running = false;
    await r.operator?.stop('SIGTERM', 10_000);
    r.client.close();
    await r.cp.stop();
  };
  const stopAll = async () => {
    await Promise.all(regions.filter((r) => r.running).map(stopOne));
  };
  try {
    // Regions in parallel (each API server and operator is its own process; one region's operator
    // compiles while another's clusters are written); a failure of one still lets the others
    // finish starting, so that all of them are stopped below.
    const results = await Promise.allSettled(
      names.map(async (name, index) => {
        const info: RegionInfo = { index, name, geography };
        const region = await startRegionPlane(
          info,
          ports[index] ?? 0,
          hiveOn.has(index) ? hiveDir : undefined,
        );
        regions.push(region);
        await populate(region, perRegion(index), sets, opts);
        if (opts.operator ?? true) await startOperator(region, allowedOrigins, opts);
        return region;
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    regions.sort((a, b) => a.index - b.index);
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    regions,
    allowedOrigins,
    createUser: (region, name, rules) =>
      createUser(typeof region === 'number' ? mustRegion(regions, region) : region, name, rules),
    async stopRegion(index) {
      const r = mustRegion(regions, index);
      if (r.running) await stopOne(r);
    },
    stop: stopAll,
  };
}

function mustRegion(regions: readonly Region[], index: number): Region {
  const r = regions[index];
  if (!r) throw new Error(`no region ${index} (there are ${regions.length})`);
  return r;
}

async function startRegionPlane(
  info: RegionInfo,
  consolePort: number,
  hiveDir: string | undefined,
): Promise<Region> {
  const cp = await startControlPlaneWithOwnCrds({ name: info.name, extraCrds: hiveDir ? [hiveDir] : [] });
  // The console's serving certificate (127.0.0.1, localhost) from a CA of this region.
  let pki: Awaited<ReturnType<typeof createControlPlanePki>>;
  try {
    pki = await createControlPlanePki();
    const certDir = join(cp.dir, 'console-tls');
    mkdirSync(certDir, { recursive: true });
    writeFileSync(join(certDir, 'tls.crt'), pki.servingCert);
    writeFileSync(join(certDir, 'tls.key'), pki.servingKey, { mode: 0o600 });
  } catch (err) {
    await cp.stop();
    throw err;
  }
  const client = new KubeClient({ kubeConfig: cp.kubeConfig(), qps: 1000, burst: 2000 });
  const consoleUrl = `https://127.0.0.1:${consolePort}`;
  return {
    ...info,
    cp,
    client,
    hive: hiveDir !== undefined,
    clusters: [],
    consoleUrl,
    consoleCa: pki.caCert,
    consoleSpki: spkiHash(pki.servingCert),
    operator: undefined,
    operatorLog: join(cp.dir, 'operator.log'),
    running: true,
    consoleRequest: (path, init) => httpsRequest(`${consoleUrl}${path}`, pki.caCert, init),
    kubeRequest: (path, init) => httpsRequest(`${cp.server}${path}`, cp.caCert, init),
  };
}

function httpsRequest(url: string, ca: string, init: ConsoleRequestInit = {}): Promise<ConsoleResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers,
        ca,
        agent: false,
        timeout: init.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: timeout`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** POSTs a JSON body to the region's kube-apiserver as the user of `token`. */
export function postAsUser(
  region: Region,
  path: string,
  token: string,
  body: object,
): Promise<ConsoleResponse> {
  return region.kubeRequest(path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Writes the sets, the clusters (object, then status) and, if asked, their namespaces. */
async function populate(
  region: Region,
  count: number,
  sets: readonly string[],
  opts: RegionsOptions,
): Promise<void> {
  const { client } = region;
  for (const set of sets) {
    await client.create({
      apiVersion: 'cluster.open-cluster-management.io/v1beta2',
      kind: 'ManagedClusterSet',
      metadata: { name: set },
      spec: { clusterSelector: { selectorType: 'ExclusiveClusterSetLabel' } },
    } as KubeObject);
  }
  if (region.hive) {
    // Release images the "create cluster" form offers, as a hub with Hive has.
    for (const v of ['4.17.12', '4.18.3']) {
      await client.create({
        apiVersion: 'hive.openshift.io/v1',
        kind: 'ClusterImageSet',
        metadata: { name: `img${v}-x86-64-appsub`, labels: { visible: 'true' } },
        spec: { releaseImage: `quay.io/openshift-release-dev/ocp-release:${v}-x86_64` },
      } as KubeObject);
    }
  }
  const namespaces = opts.clusterNamespaces ?? count <= 300;
  const pool = new WritePool(16);
  const clusters: SimulatedCluster[] = [];
  await pool.each(
    Array.from({ length: count }, (_, i) => i),
    async (i) => {
      const obj = simulatedCluster(region, i, sets);
      opts.decorate?.(obj, i, region);
      const { status, ...rest } = obj;
      const name = String(obj.metadata.name);
      const created = await client.create(rest as KubeObject);
      // Status is ignored on create (status subresource): written as the registration agent would.
      await client.update({ ...created, status } as KubeObject, { subresource: 'status' });
      if (namespaces) {
        await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject);
      }
      const available = (status.conditions as { type: string; status: string }[]).find(
        (c) => c.type === 'ManagedClusterConditionAvailable',
      )?.status as SimulatedCluster['available'];
      clusters[i] = {
        name,
        set: obj.metadata.labels[CLUSTERSET_LABEL] ?? '',
        available: available ?? 'Unknown',
        kubernetesVersion: (status.version as { kubernetes: string }).kubernetes,
      };
    },
  );
  (region as { clusters: readonly SimulatedCluster[] }).clusters = clusters;
}

/** The operator's command line for a region (console flags included). */
export function operatorArgs(
  region: Region,
  kubeconfig: string,
  healthPort: number,
  allowedOrigins: readonly string[],
  opts: RegionsOptions,
): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    '--leader-elect=false',
    '--metrics-bind-address=0',
    `--health-probe-bind-address=127.0.0.1:${healthPort}`,
    '--log-level=info',
    `--console-bind-address=${new URL(region.consoleUrl).host}`,
    `--console-region=${region.name}`,
    `--console-geography=${region.geography}`,
    `--console-allowed-origins=${allowedOrigins.join(',')}`,
    `--console-cert-dir=${join(region.cp.dir, 'console-tls')}`,
    `--console-static-dir=${opts.staticDir ?? join(REPO_ROOT, 'console', 'dist')}`,
  ];
}

/**
 * Starts the operator as its own ServiceAccount (the generated RBAC only) and waits until it is
 * ready (/readyz) and its console answers, or until it exits.
 */
async function startOperator(
  region: Region,
  allowedOrigins: readonly string[],
  opts: RegionsOptions,
): Promise<void> {
  const kubeconfig = await operatorKubeconfig(region.cp);
  const healthPort = await freePort();
  const proc = spawnManaged(
    `operator-${region.name}`,
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', ...operatorArgs(region, kubeconfig, healthPort, allowedOrigins, opts)],
    { cwd: REPO_ROOT, logFile: region.operatorLog },
  );
  region.operator = proc;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!proc.running()) {
      const code = await proc.exited;
      region.operator = undefined;
      const reason = refusal(region.operatorLog);
      throw new Error(
        `operator of ${region.name} exited with ${code}: ${reason ?? tail(region.operatorLog)}`,
      );
    }
    if ((await ready(healthPort)) && (await consoleAnswers(region))) return;
    if (Date.now() > deadline)
      throw new Error(`operator of ${region.name} not ready in 90s (log: ${region.operatorLog})`);
    await sleep(250);
  }
}

async function ready(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/** Any HTTP answer from the console's public /info: it listens and speaks TLS with our certificate. */
async function consoleAnswers(region: Region): Promise<boolean> {
  try {
    await region.consoleRequest('/info', { timeoutMs: 2_000 });
    return true;
  } catch {
    return false;
  }
}

/** The `reason` of the operator's "invalid command line" log line, if it logged one. */
function refusal(logFile: string): string | undefined {
  for (const line of safeRead(logFile).split('\n')) {
    try {
      const entry = JSON.parse(line) as { msg?: string; reason?: string };
      if (entry.msg === 'invalid command line') return entry.reason ?? 'invalid command line';
    } catch {
      // Not JSON (tsx or Node warnings).
    }
  }
  return undefined;
}

async function createUser(region: Region, name: string, rules: UserRules): Promise<ConsoleUser> {
  const { cluster = [], namespaces = {} } = Array.isArray(rules) ? { cluster: rules } : rules;
  const subject = { kind: 'ServiceAccount', name, namespace: USERS_NAMESPACE };
  const role = `console-user-${name}`;
  const docs: object[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: USERS_NAMESPACE } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: USERS_NAMESPACE } },
  ];
  if (cluster.length > 0) {
    docs.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: role },
        rules: cluster,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: role },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [subject],
      },
    );
  }
  for (const [namespace, nsRules] of Object.entries(namespaces)) {
    docs.push(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: role, namespace },
        rules: nsRules,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: role, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
        subjects: [subject],
      },
    );
  }
  await region.cp.kubectl(['apply', '--server-side', '--field-manager=test-harness', '-f', '-'], {
    input: docs.map((d) => stringify(d)).join('---\n'),
  });
  // `kubectl create token` is the TokenRequest API (no audience: the API server's own).
  const token = (
    await region.cp.kubectl(['create', 'token', '-n', USERS_NAMESPACE, name, '--duration=24h'])
  ).trim();
  return { username: `system:serviceaccount:${USERS_NAMESPACE}:${name}`, token };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function tail(file: string, lines = 15): string {
  return safeRead(file).trim().split('\n').slice(-lines).join('\n');
}
