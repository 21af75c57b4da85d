import { parseArgs } from 'node:util';
import { DEFAULT_ALLOWED_IMAGE_REGISTRIES } from '../api/agentrollout-admission.js';
import { parseBindAddress } from './http-servers.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

/** The operator's command line, after defaults and environment fallbacks. */
export interface OperatorFlags {
  /** `--help`: print usage and exit. */
  help: boolean;
  /** Explicit kubeconfig; absent means $KUBECONFIG, in-cluster, then ~/.kube/config. */
  kubeconfig: string | undefined;
  dataPlaneKubeconfig: string | undefined;
  controlPlaneKubeconfig: string | undefined;
  leaderElect: boolean;
  leaderElectionNamespace: string | undefined;
  leaderElectionId: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  metricsBindAddress: string;
  /** `--metrics-secure` (default true): HTTPS with TokenReview/SubjectAccessReview; false is plain HTTP. */
  metricsSecure: boolean;
  /** `--metrics-cert-dir`: tls.crt and tls.key of the metrics server (self-signed when absent). */
  metricsCertDir: string;
  healthProbeBindAddress: string;
  qps: number;
  burst: number;
  logLevel: LogLevel;
  gracefulShutdownTimeoutMs: number;
  /** `--allowed-image-registries`: registry prefixes AgentRollout images may come from. */
  allowedImageRegistries: string[];
  /** `--console-bind-address`: HTTPS address of the regional console; empty means off. */
  consoleBindAddress: string;
  /** `--console-region`, `--console-geography`: names the console shows (default: empty). */
  consoleRegion: string;
  consoleGeography: string;
  /** `--console-allowed-origins`: exact `scheme://host[:port]` origins CORS answers. */
  consoleAllowedOrigins: string[];
  /** `--console-cert-dir`: tls.crt and tls.key of the console (self-signed when absent). */
  consoleCertDir: string | undefined;
  /** `--console-static-dir`: the built console app; undefined means `<root>/console/dist`. */
  consoleStaticDir: string | undefined;
  /** `--console-route` (default false): with the console on, apply its OpenShift Route at start. */
  consoleRoute: boolean;
  /** `--network-policy` (default true): apply the NetworkPolicy of the operator's own pods at start. */
  networkPolicy: boolean;
}

/**
 * Where the metrics certificate is mounted: on OpenShift the Secret the service-ca operator fills
 * through the `service.beta.openshift.io/serving-cert-secret-name` annotation on the metrics Service.
 */
export const DEFAULT_METRICS_CERT_DIR = '/var/run/secrets/metrics-tls';

/** A command line that can't be used; main prints it and exits 2. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

// `--kubeconfig` has no variable of its own: the loader reads $KUBECONFIG (a path list) itself.
const OPTIONS: Record<string, { type: 'string' | 'boolean'; env?: string }> = {
  help: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  'data-plane-kubeconfig': { type: 'string', env: 'DATA_PLANE_KUBECONFIG' },
  'control-plane-kubeconfig': { type: 'string', env: 'CONTROL_PLANE_KUBECONFIG' },
  'leader-elect': { type: 'boolean', env: 'LEADER_ELECT' },
  'leader-election-namespace': { type: 'string', env: 'LEADER_ELECTION_NAMESPACE' },
  'leader-election-id': { type: 'string', env: 'LEADER_ELECTION_ID' },
  'leader-election-lease-duration': { type: 'string', env: 'LEADER_ELECTION_LEASE_DURATION' },
  'leader-election-renew-deadline': { type: 'string', env: 'LEADER_ELECTION_RENEW_DEADLINE' },
  'leader-election-retry-period': { type: 'string', env: 'LEADER_ELECTION_RETRY_PERIOD' },
  'metrics-bind-address': { type: 'string', env: 'METRICS_BIND_ADDRESS' },
  'metrics-secure': { type: 'boolean', env: 'METRICS_SECURE' },
  'metrics-cert-dir': { type: 'string', env: 'METRICS_CERT_DIR' },
  'health-probe-bind-address': { type: 'string', env: 'HEALTH_PROBE_BIND_ADDRESS' },
  qps: { type: 'string', env: 'KUBE_API_QPS' },
  burst: { type: 'string', env: 'KUBE_API_BURST' },
  'log-level': { type: 'string', env: 'LOG_LEVEL' },
  'graceful-shutdown-timeout': { type: 'string', env: 'GRACEFUL_SHUTDOWN_TIMEOUT' },
  'allowed-image-registries': { type: 'string', env: 'ALLOWED_IMAGE_REGISTRIES' },
  'console-bind-address': { type: 'string', env: 'CONSOLE_BIND_ADDRESS' },
  'console-region': { type: 'string', env: 'CONSOLE_REGION' },
  'console-geography': { type: 'string', env: 'CONSOLE_GEOGRAPHY' },
  'console-allowed-origins': { type: 'string', env: 'CONSOLE_ALLOWED_ORIGINS' },
  'console-cert-dir': { type: 'string', env: 'CONSOLE_CERT_DIR' },
  'console-static-dir': { type: 'string', env: 'CONSOLE_STATIC_DIR' },
  'console-route': { type: 'boolean', env: 'CONSOLE_ROUTE' },
  'network-policy': { type: 'boolean', env: 'NETWORK_POLICY' },
};

/** Usage text for `--help`. */
export const USAGE = `Usage: mce-maestro-operator [flags]
  --kubeconfig PATH                 kubeconfig for both planes (default: $KUBECONFIG, in-cluster, ~/.kube/config)
  --data-plane-kubeconfig PATH      API server of MCE, our CRs and OCM objects (default: --kubeconfig)
  --control-plane-kubeconfig PATH   API server of the operand workloads (default: --kubeconfig)
  --leader-elect                    run controllers only while holding the Lease (default false)
  --leader-election-namespace NS    namespace of the Lease (default: $POD_NAMESPACE or the pod's namespace)
  --leader-election-id NAME         name of the Lease (default mce-maestro-operator)
  --leader-election-lease-duration, --leader-election-renew-deadline, --leader-election-retry-period
                                    durations like 15s, 10s, 2s (the defaults)
  --metrics-bind-address ADDR       :8080 style, 0 disables (default :8080)
  --metrics-secure                  serve metrics over HTTPS, only to bearer tokens allowed to get the
                                    non-resource URL /metrics (TokenReview + SubjectAccessReview);
                                    --metrics-secure=false serves plain HTTP to anyone: local development
                                    only (default true)
  --metrics-cert-dir DIR            tls.crt and tls.key of the metrics server, reloaded when they change;
                                    without them a self-signed certificate (default ${DEFAULT_METRICS_CERT_DIR})
  --health-probe-bind-address ADDR  :8081 style, 0 disables (default :8081)
  --qps N --burst N                 client-side rate limit per API server (default 20 and 30)
  --log-level LEVEL                 trace, debug, info, warn, error (default info)
  --graceful-shutdown-timeout D     how long SIGTERM waits for queues to drain (default 30s)
  --allowed-image-registries LIST   comma-separated registry prefixes AgentRollout images may come from,
                                    enforced by the admission policy the operator applies and by the
                                    rollout controller (default ${DEFAULT_ALLOWED_IMAGE_REGISTRIES.join(',')})
  --console-bind-address ADDR       serve the regional console and its API over HTTPS, e.g. :9443
                                    (default empty: off); see docs/console.md
  --console-region NAME             region name the console shows (default empty)
  --console-geography NAME          geography name the console shows (default empty)
  --console-allowed-origins LIST    comma-separated exact origins (https://console.example.com:8443) whose
                                    browser pages may call this region's API (CORS); no wildcard
  --console-cert-dir DIR            tls.crt and tls.key of the console server, reloaded when they change;
                                    without them a self-signed certificate
  --console-static-dir DIR          the built console app (default: console/dist of the install)
  --console-route                   with the console on, apply its Route (OpenShift, re-encrypt) in the
                                    operator's namespace at start, for OLM installs (default false)
  --network-policy                  at start, apply a NetworkPolicy to the operator's pods that admits only
                                    the metrics and console ports; --network-policy=false leaves it to
                                    the admin (default true)
Every flag also reads an environment variable, e.g. LEADER_ELECT=true, LOG_LEVEL=debug.`;

/**
 * Parses flags with environment fallbacks (flag wins). Throws `FlagError` with a message naming
 * the flag for anything unknown or malformed.
 */
export function parseFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): OperatorFlags {
  let values: Record<string, string | boolean | undefined>;
  // Go's flag package accepts `--leader-elect=false`; parseArgs doesn't, so take those out first.
  const explicitBools: Record<string, boolean> = {};
  const args = argv.filter((arg) => {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m?.[1] || OPTIONS[m[1]]?.type !== 'boolean') return true;
    explicitBools[m[1]] = parseBool(`--${m[1]}`, m[2]);
    return false;
  });
  try {
    const options = Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, { type: o.type }]));
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new FlagError((err as Error).message);
  }
  Object.assign(values, explicitBools);
  const str = (name: string): string | undefined => {
    const v = values[name];
    if (typeof v === 'string') return v;
    const variable = OPTIONS[name]?.env;
    const e = variable ? env[variable] : undefined;
    return e === undefined || e === '' ? undefined : e;
  };
  const flags: OperatorFlags = {
    help: values.help === true,
    kubeconfig: str('kubeconfig'),
    dataPlaneKubeconfig: str('data-plane-kubeconfig'),
    controlPlaneKubeconfig: str('control-plane-kubeconfig'),
    leaderElect:
      typeof values['leader-elect'] === 'boolean'
        ? values['leader-elect']
        : parseBool('LEADER_ELECT', env.LEADER_ELECT),
    leaderElectionNamespace: str('leader-election-namespace'),
    leaderElectionId: str('leader-election-id') ?? 'mce-maestro-operator',
    leaseDurationMs: parseDuration(
      '--leader-election-lease-duration',
      str('leader-election-lease-duration') ?? '15s',
    ),
    renewDeadlineMs: parseDuration(
      '--leader-election-renew-deadline',
      str('leader-election-renew-deadline') ?? '10s',
    ),
    retryPeriodMs: parseDuration(
      '--leader-election-retry-period',
      str('leader-election-retry-period') ?? '2s',
    ),
    metricsBindAddress: str('metrics-bind-address') ?? ':8080',
    metricsSecure:
      typeof values['metrics-secure'] === 'boolean'
        ? values['metrics-secure']
        : parseBool('METRICS_SECURE', env.METRICS_SECURE, true),
    metricsCertDir: str('metrics-cert-dir') ?? DEFAULT_METRICS_CERT_DIR,
    healthProbeBindAddress: str('health-probe-bind-address') ?? ':8081',
    qps: parseNumber('--qps', str('qps') ?? '20'),
    burst: parseNumber('--burst', str('burst') ?? '30'),
    logLevel: parseLevel(str('log-level') ?? 'info'),
    gracefulShutdownTimeoutMs: parseDuration(
      '--graceful-shutdown-timeout',
      str('graceful-shutdown-timeout') ?? '30s',
    ),
    allowedImageRegistries: parseRegistries(str('allowed-image-registries')),
    consoleBindAddress: str('console-bind-address') ?? '',
    consoleRegion: str('console-region') ?? '',
    consoleGeography: str('console-geography') ?? '',
    consoleAllowedOrigins: parseOrigins(str('console-allowed-origins')),
    consoleCertDir: str('console-cert-dir'),
    consoleStaticDir: str('console-static-dir'),
    consoleRoute:
      typeof values['console-route'] === 'boolean'
        ? values['console-route']
        : parseBool('CONSOLE_ROUTE', env.CONSOLE_ROUTE, false),
    networkPolicy:
      typeof values['network-policy'] === 'boolean'
        ? values['network-policy']
        : parseBool('NETWORK_POLICY', env.NETWORK_POLICY, true),
  };
  for (const [flag, address] of [
    ['--metrics-bind-address', flags.metricsBindAddress],
    ['--health-probe-bind-address', flags.healthProbeBindAddress],
    ['--console-bind-address', flags.consoleBindAddress || '0'],
  ] as const) {
    try {
      parseBindAddress(address);
    } catch (err) {
      throw new FlagError(`${flag}: ${(err as Error).message}`);
    }
  }
  if (flags.burst < 1 && flags.qps > 0) throw new FlagError('--burst must be at least 1');
  return flags;
}

/** Parses Go-style durations: `500ms`, `15s`, `2m`, `1h`, `1m30s`. */
export function parseDuration(flag: string, value: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * (units[m[2] ?? ''] ?? NaN);
    matched += m[0].length;
  }
  if (value === '' || matched !== value.length || !Number.isFinite(total)) {
    throw new FlagError(`${flag}: ${JSON.stringify(value)} is not a duration (use e.g. 500ms, 15s, 2m)`);
  }
  return total;
}

/** Comma-separated registry prefixes such as `quay.io/stolostron,registry.redhat.io`. */
function parseRegistries(value: string | undefined): string[] {
  if (value === undefined) return [...DEFAULT_ALLOWED_IMAGE_REGISTRIES];
  const list = value.split(',').map((r) => r.trim().replace(/\/+$/, ''));
  const bad = list.find((r) => !/^[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]+)?(\/[a-z0-9._-]+)*$/.test(r));
  if (bad !== undefined)
    throw new FlagError(
      `--allowed-image-registries: ${JSON.stringify(bad)} is not a registry such as quay.io/stolostron`,
    );
  return list;
}

/**
 * Comma-separated exact origins, as a browser sends them in `Origin`: `scheme://host[:port]`, no
 * path and no wildcard, since an origin on the list may call the API with its users' tokens.
 */
function parseOrigins(value: string | undefined): string[] {
  if (value === undefined) return [];
  const list = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of list) {
    if (
      !/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(origin) &&
      !/^https?:\/\/\[[0-9a-fA-F:]+\](:[0-9]{1,5})?$/.test(origin)
    )
      throw new FlagError(
        `--console-allowed-origins: ${JSON.stringify(origin)} is not an exact origin such as https://console.example.com:8443 (no wildcard, no path)`,
      );
  }
  return list.map((o) => o.toLowerCase());
}

function parseNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new FlagError(`${flag}: ${JSON.stringify(value)} is not a number`);
  return n;
}

function parseBool(name: string, value: string | undefined, fallback = false): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new FlagError(`${name}: ${JSON.stringify(value)} is not a boolean`);
}

function parseLevel(value: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === value);
  if (!level)
    throw new FlagError(`--log-level: ${JSON.stringify(value)} is not one of ${LOG_LEVELS.join(', ')}`);
  return level;
}
