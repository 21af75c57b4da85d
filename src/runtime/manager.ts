import { backoffDelay, sleep } from './clock.js';
import { errorSummary } from './client/errors.js';
import type { KubeClient } from './client/kube-client.js';
import type { Controller } from './controller.js';
import { serveMetrics, serveProbes, type Check, type RunningServer } from './http-servers.js';
import { LeaderElector } from './leader-election.js';
import type { ResourceLock } from './lease-lock.js';
import type { Logger } from './logger.js';

export interface ManagerOptions {
  logger: Logger;
  /** The API servers to wait for before starting (one per plane). */
  apiServers: { plane: string; client: KubeClient }[];
  /** Run controllers only while holding this lock. */
  leaderElection?: {
    lock: ResourceLock;
    identity: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
  };
  /** `:8080` style; `0` or absent disables. */
  metricsBindAddress?: string;
  /**
   * HTTPS with TokenReview/SubjectAccessReview on every scrape (default true); false serves plain
   * HTTP to anyone (local development only).
   */
  metricsSecure?: boolean;
  /** tls.crt and tls.key of the metrics server; absent or empty means self-signed. */
  metricsCertDir?: string;
  /** Where scrapers' tokens are reviewed; default the first of `apiServers`. */
  metricsAuthClient?: KubeClient;
  healthProbeBindAddress?: string;
  /** How long shutdown waits for queues to drain (default 30 s). */
  gracefulShutdownTimeoutMs?: number;
}

/** Why `start` returned: a requested shutdown, or leadership lost (exit non-zero and restart). */
export type ManagerExit = 'shutdown' | 'leader-lost';

/** The part of an `Informer<T>` the manager drives, whatever its `T`. */
export interface ManagedInformer {
  readonly apiVersion: string;
  readonly kind: string;
  start(): void;
  stop(): Promise<void>;
  hasSynced(): boolean;
  served(): boolean;
}

/** What a controller package hands the manager. */
export interface Registration {
  informers?: ManagedInformer[];
  controllers?: Controller[];
}

/**
 * Owns informers and controllers, like controller-runtime's manager: serves metrics and probes,
 * waits (with a clear log line) for the API servers, starts the informers on every replica,
 * runs the controllers only while leading (if leader election is on), and shuts down in order
 * on `signal`: drain the queues (bounded), release the lease, stop the informers.
 */
export class Manager {
  private readonly informers: ManagedInformer[] = [];
  private readonly controllers: Controller[] = [];
  private readonly healthz = new Map<string, Check>([['ping', () => undefined]]);
  private readonly readyz = new Map<string, Check>();
  private servers: RunningServer[] = [];
  private apiServersReachable = false;
  private readonly log: Logger;
  /** Bound ports once started (tests bind port 0). */
  metricsPort: number | undefined;
  probePort: number | undefined;

  constructor(private readonly opts: ManagerOptions) {
    this.log = opts.logger.child({ component: 'manager' });
    this.readyz.set('apiserver', () => (this.apiServersReachable ? undefined : 'waiting for API server'));
    this.readyz.set('informers', () => {
      const waiting = this.informers.filter((i) => !i.hasSynced());
      if (waiting.length === 0) return undefined;
      return `not synced: ${waiting.map((i) => `${i.kind}.${i.apiVersion}${i.served() ? '' : ' (not served)'}`).join(', ')}`;
    });
  }

  /** Adds informers and controllers (before `start`). */
  add(reg: Registration): this {
    this.informers.push(...(reg.informers ?? []));
    this.controllers.push(...(reg.controllers ?? []));
    return this;
  }

  addHealthCheck(name: string, check: Check): void {
    this.healthz.set(name, check);
  }

  addReadyCheck(name: string, check: Check): void {
    this.readyz.set(name, check);
  }

  /** Runs until `signal` aborts (→ `shutdown`) or leadership is lost (→ `leader-lost`). */
  async start(signal: AbortSignal): Promise<ManagerExit> {
    const grace = this.opts.gracefulShutdownTimeoutMs ?? 30_000;
    try {
      await this.startServers();
      if (!(await this.waitForApiServers(signal))) return 'shutdown';
      for (const informer of this.informers) informer.start();
      if (!this.opts.leaderElection) {
        for (const c of this.controllers) void c.start();
        await aborted(signal);
        this.log.info('shutting down');
        await Promise.all(this.controllers.map((c) => c.stop({ drain: true, timeoutMs: grace })));
        return 'shutdown';
      }
      return await this.runElected(this.opts.leaderElection, signal, grace);
    } finally {
      await Promise.all(this.informers.map((i) => i.stop()));
      await Promise.all(this.servers.map((s) => s.close()));
      this.servers = [];
      this.log.info('stopped');
    }
  }

  private async runElected(
    le: NonNullable<ManagerOptions['leaderElection']>,
    signal: AbortSignal,
    grace: number,
  ): Promise<ManagerExit> {
    // The elector gets its own signal, aborted only after the controllers have drained, so the
    // lease is released last and a successor never overlaps with our in-flight reconciles.
    const electorStop = new AbortController();
    const elector = new LeaderElector({
      ...le,
      logger: this.opts.logger,
      onStartedLeading: (leading) => {
        this.log.info('became leader, starting controllers');
        for (const c of this.controllers) void c.start(leading);
      },
      onStoppedLeading: () => undefined,
    });
    const election = elector.run(electorStop.signal);
    const first = await Promise.race([election, aborted(signal).then(() => 'signal' as const)]);
    if (first === 'lost') {
      this.log.error('leader election lost');
      await Promise.all(this.controllers.map((c) => c.stop({ drain: false, timeoutMs: 5_000 })));
      return 'leader-lost';
    }
    this.log.info('shutting down');
    await Promise.all(this.controllers.map((c) => c.stop({ drain: true, timeoutMs: grace })));
    electorStop.abort();
    return (await election) === 'lost' ? 'leader-lost' : 'shutdown';
  }

  private async startServers(): Promise<void> {
    const authClient = this.opts.metricsAuthClient ?? this.opts.apiServers[0]?.client;
    const secure = this.opts.metricsSecure ?? true;
    if (secure && !authClient) throw new Error('secure metrics need an API server to review tokens');
    const metrics = await serveMetrics(
      this.opts.metricsBindAddress ?? '0',
      secure && authClient
        ? { secure, authClient, logger: this.opts.logger, certDir: this.opts.metricsCertDir }
        : { secure: false },
    );
    const probes = await serveProbes(this.opts.healthProbeBindAddress ?? '0', {
      healthz: this.healthz,
      readyz: this.readyz,
    });
    this.metricsPort = metrics?.port;
    this.probePort = probes?.port;
    this.servers = [metrics, probes].filter((s): s is RunningServer => s !== undefined);
    this.log.info(
      {
        metricsPort: this.metricsPort,
        metricsScheme: metrics?.scheme,
        metricsCert: metrics?.certSource,
        probePort: this.probePort,
      },
      'serving metrics and probes',
    );
  }

  /** Polls each API server's /version until it answers; false if `signal` aborted first. */
  private async waitForApiServers(signal: AbortSignal): Promise<boolean> {
    for (const { plane, client } of this.opts.apiServers) {
      for (let attempt = 0; !signal.aborted; attempt++) {
        try {
          const version = await client.version(signal);
          this.log.info(
            { plane, server: client.server, version: version.gitVersion },
            'API server reachable',
          );
          break;
        } catch (err) {
          if (signal.aborted) break;
          const retryInMs = backoffDelay(attempt, 1_000, 10_000);
          this.log.warn(
            { plane, server: client.server, error: errorSummary(err), retryInMs },
            'waiting for API server',
          );
          await sleep(retryInMs, signal);
        }
      }
    }
    this.apiServersReachable = !signal.aborted;
    return this.apiServersReachable;
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
