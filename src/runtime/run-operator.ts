import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { makePlanes, type Planes } from '../kube/planes.js';
import { KubeconfigError, loadKubeConfig } from './client/kubeconfig.js';
import { KubeClient } from './client/kube-client.js';
import { EventRecorder } from './events.js';
import { FlagError, parseFlags, USAGE, type OperatorFlags } from './flags.js';
import { parseBindAddress } from './http-servers.js';
import { LeaseLock } from './lease-lock.js';
import { createLogger, type Logger } from './logger.js';
import { Manager, type Registration } from './manager.js';
import { applyOperatorNetworkPolicy, operatorPorts } from './own-network-policy.js';

/** What every controller factory gets. */
export interface ControllerDeps {
  planes: Planes;
  logger: Logger;
  /** This process: `<POD_NAME or hostname>_<uuid>` (leader election holder, Event reportingInstance). */
  identity: string;
  /** Writes Events to the data plane. */
  recorder: EventRecorder;
  flags: OperatorFlags;
  /**
   * Where the operator's own pods run, when known ($POD_NAMESPACE or the pod's ServiceAccount):
   * the namespace and the API server of their cluster, for objects that serve the pods themselves.
   */
  home?: { namespace: string; client: KubeClient };
}

/** Builds one controller package's informers and controllers. */
export type ControllerFactory = (deps: ControllerDeps) => Registration | Promise<Registration>;

/** Exit codes: 0 clean shutdown, 1 failure or lost leadership (restart me), 2 bad input. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/**
 * The operator's main: flags → kubeconfigs → planes → manager → controllers, then run until
 * SIGTERM/SIGINT (graceful: drain, release the lease, exit 0) or lost leadership (exit 1).
 * Bad input (flags, a missing or unreadable kubeconfig) logs one clear line and returns 2.
 * Resolves with the exit code; the caller exits.
 */
export async function runOperator(
  argv: string[],
  factories: readonly ControllerFactory[],
  {
    env = process.env,
    signals = true,
    signal,
  }: {
    env?: NodeJS.ProcessEnv;
    signals?: boolean;
    /** Stops the operator like SIGTERM does (for in-process tests and the demo). */
    signal?: AbortSignal;
  } = {},
): Promise<number> {
  let flags: OperatorFlags;
  try {
    flags = parseFlags(argv, env);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    createLogger().fatal({ reason: err.message, usage: 'run with --help' }, 'invalid command line');
    return EXIT.badInput;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const log = createLogger(flags.logLevel);

  const podNamespace = env.POD_NAMESPACE || readIfExists(SA_NAMESPACE_FILE);
  let planes: Planes;
  let metricsAuthClient: KubeClient | undefined;
  let podCluster: KubeClient | undefined;
  const clients = new Map<string, KubeClient>();
  try {
    planes = buildPlanes(flags, env, clients);
    if (podNamespace !== undefined || (flags.metricsSecure && parseBindAddress(flags.metricsBindAddress)))
      podCluster = podClusterClient(flags, env, planes, clients, log);
    if (flags.metricsSecure && parseBindAddress(flags.metricsBindAddress)) metricsAuthClient = podCluster;
  } catch (err) {
    if (!(err instanceof KubeconfigError)) throw err;
    log.fatal({ path: err.path, reason: err.message }, 'cannot load kubeconfig');
    return EXIT.badInput;
  }
  const leaseNamespace = flags.leaderElectionNamespace ?? podNamespace;
  if (flags.leaderElect && !leaseNamespace) {
    log.fatal('leader election needs a namespace: set --leader-election-namespace or POD_NAMESPACE');
    return EXIT.badInput;
  }

  if (!flags.metricsSecure && parseBindAddress(flags.metricsBindAddress)) {
    log.warn(
      { metricsBindAddress: flags.metricsBindAddress },
      'metrics are served over plain HTTP without authentication (--metrics-secure=false): for local development only',
    );
  }

  // Every replica applies it (the same object, server-side apply): a standby's ports are open too.
  if (flags.networkPolicy && podNamespace && podCluster)
    await applyOperatorNetworkPolicy(podCluster, podNamespace, operatorPorts(flags), log);

  const home = podNamespace && podCluster ? { namespace: podNamespace, client: podCluster } : undefined;
  const identity = `${env.POD_NAME || hostname()}_${randomUUID()}`;
  const recorder = new EventRecorder({ client: planes.data, reportingInstance: identity, logger: log });
  const manager = new Manager({
    logger: log,
    apiServers: planes.same
      ? [{ plane: 'data+control', client: planes.data }]
      : [
          { plane: 'data', client: planes.data },
          { plane: 'control', client: planes.control },
        ],
    leaderElection:
      flags.leaderElect && leaseNamespace
        ? {
            lock: new LeaseLock(planes.data, leaseNamespace, flags.leaderElectionId),
            identity,
            leaseDurationMs: flags.leaseDurationMs,
            renewDeadlineMs: flags.renewDeadlineMs,
            retryPeriodMs: flags.retryPeriodMs,
          }
        : undefined,
    metricsBindAddress: flags.metricsBindAddress,
    metricsSecure: flags.metricsSecure,
    metricsCertDir: flags.metricsCertDir,
    metricsAuthClient,
    healthProbeBindAddress: flags.healthProbeBindAddress,
    gracefulShutdownTimeoutMs: flags.gracefulShutdownTimeoutMs,
  });
  log.info(
    {
      identity,
      dataPlane: planes.data.server,
      controlPlane: planes.control.server,
      leaderElect: flags.leaderElect,
    },
    'starting operator',
  );

  const stop = new AbortController();
  const removeHandlers = signals ? installSignalHandlers(stop, log) : () => undefined;
  // The runtime's timers are unref'd (a pending delay must not keep a finished test alive), so
  // while the operator runs something must: without this, an operator whose only pending work
  // is a timer (a backoff while the API server restarts, a requeueAfter) would exit with code 13.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  if (signal?.aborted) stop.abort();
  signal?.addEventListener('abort', () => stop.abort(), { once: true });
  try {
    for (const factory of factories)
      manager.add(await factory({ planes, logger: log, identity, recorder, flags, home }));
    const exit = await manager.start(stop.signal);
    if (exit === 'leader-lost') {
      log.error('leader election lost, exiting so the pod restarts cleanly');
      return EXIT.failure;
    }
    log.info('shutdown complete');
    return EXIT.ok;
  } catch (err) {
    log.fatal({ err }, 'operator failed');
    return EXIT.failure;
  } finally {
    clearInterval(keepAlive);
    removeHandlers();
    for (const client of clients.values()) client.close();
  }
}

/** Both planes default to --kubeconfig; one file means one client (one rate limiter, one stats). */
function buildPlanes(flags: OperatorFlags, env: NodeJS.ProcessEnv, clients: Map<string, KubeClient>): Planes {
  const clientFor = (path: string | undefined) => {
    const key = path ?? '';
    let client = clients.get(key);
    if (!client) {
      const { kubeConfig } = loadKubeConfig(path, env);
      client = new KubeClient({ kubeConfig, qps: flags.qps, burst: flags.burst });
      clients.set(key, client);
    }
    return client;
  };
  const data = clientFor(flags.dataPlaneKubeconfig ?? flags.kubeconfig);
  const control = clientFor(flags.controlPlaneKubeconfig ?? flags.kubeconfig);
  return makePlanes(data, control);
}

/**
 * The API server of the cluster the pod runs in: the one of --kubeconfig (by default in-cluster),
 * reusing a plane's client when it is the same file. It reviews scrapers' tokens (it issued
 * Prometheus' ServiceAccount token) and holds the pods' NetworkPolicy. When only the plane
 * kubeconfigs are given and there is no default kubeconfig, the data plane.
 */
function podClusterClient(
  flags: OperatorFlags,
  env: NodeJS.ProcessEnv,
  planes: Planes,
  clients: Map<string, KubeClient>,
  log: Logger,
): KubeClient {
  const key = flags.kubeconfig ?? '';
  const existing = clients.get(key);
  if (existing) return existing;
  try {
    const { kubeConfig } = loadKubeConfig(flags.kubeconfig, env);
    const client = new KubeClient({ kubeConfig, qps: flags.qps, burst: flags.burst });
    clients.set(key, client);
    return client;
  } catch (err) {
    if (!(err instanceof KubeconfigError) || flags.kubeconfig !== undefined) throw err;
    log.info(
      { server: planes.data.server },
      "no default kubeconfig: the data plane API server authenticates metrics scrapers and holds the pods' NetworkPolicy",
    );
    return planes.data;
  }
}

/** First SIGTERM/SIGINT: graceful shutdown. A second one: exit at once, like controller-runtime. */
function installSignalHandlers(stop: AbortController, log: Logger): () => void {
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      // A signal sent to the whole process group (kill -TERM -pgid, timeout(1)) can arrive twice
      // within milliseconds; only a deliberate second signal means "stop waiting".
      if (Date.now() - firstAt < 2_000) return;
      log.warn({ signal }, 'second signal, exiting immediately');
      process.exit(EXIT.failure);
    }
    firstAt = Date.now();
    log.info({ signal }, 'received signal, shutting down');
    stop.abort();
  };
  const onFatal = (err: unknown) => {
    log.fatal({ err }, 'unexpected error, exiting');
    process.exit(EXIT.failure);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
  };
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() || undefined : undefined;
}
