/**
 * The regional console (docs/console.md): when `--console-bind-address` is set, an HTTPS server
 * that serves the console app and its API from the rollout controllers' informer caches (shared,
 * not duplicated) and writes users' actions with their own tokens. It runs on every replica, not
 * only the leader: reads come from each replica's caches and writes are the user's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeStreams } from '../../console/server/change-stream.js';
import { ConsoleAuth } from '../../console/server/auth.js';
import { FleetView } from '../../console/server/fleet-view.js';
import { startConsoleServer, type RunningConsole } from '../../console/server/server.js';
import { defaultStaticDir, installRoot } from '../../console/server/static-files.js';
import { userClientFactory } from '../../console/server/user-client.js';
import { KubeClient } from '../../runtime/client/kube-client.js';
import { loadKubeConfig } from '../../runtime/client/kubeconfig.js';
import { parseBindAddress } from '../../runtime/http-servers.js';
import type { ManagedInformer } from '../../runtime/manager.js';
import type { ControllerFactory } from '../../runtime/run-operator.js';
import { sharedRolloutInformers } from '../rollout/world.js';
import { applyConsoleRoute } from './route.js';

/**
 * The review client's own budget: a page load asks a few reviews, a user of a hub with 100 sets a
 * hundred once per 10 s; the operator's controllers keep theirs.
 */
const REVIEW_QPS = 100;
const REVIEW_BURST = 200;

function operatorVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(installRoot(), 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The manager starts informers on every replica and stops them at shutdown; the console server has
 * the same lifecycle, so it is handed to the manager in that shape.
 */
class ConsoleRunnable implements ManagedInformer {
  readonly apiVersion = 'console.maestro.multicluster.openshift.io/v1';
  readonly kind = 'ConsoleServer';
  private running: Promise<RunningConsole | undefined> | undefined;
  private started = false;

  constructor(private readonly startServer: () => Promise<RunningConsole | undefined>) {}

  start(): void {
    this.running ??= this.startServer().then((s) => {
      this.started = s !== undefined;
      return s;
    });
  }
  async stop(): Promise<void> {
    const server = await this.running?.catch(() => undefined);
    await server?.close();
  }
  hasSynced(): boolean {
    return this.started;
  }
  served(): boolean {
    return true;
  }
}

export const consoleControllerFactory: ControllerFactory = (deps) => {
  const { flags } = deps;
  if (!parseBindAddress(flags.consoleBindAddress)) return {};
  const logger = deps.logger.child({ component: 'console' });
  const world = sharedRolloutInformers(deps.planes.data, deps.logger.child({ component: 'agent-rollout' }));
  const fleet = new FleetView(world);
  // The data plane's kubeconfig: its API server holds the clusters, the users and their RBAC.
  const { kubeConfig } = loadKubeConfig(flags.dataPlaneKubeconfig ?? flags.kubeconfig);
  const reviewClient = new KubeClient({ kubeConfig, qps: REVIEW_QPS, burst: REVIEW_BURST });
  const auth = new ConsoleAuth(reviewClient, logger);
  const streams = new ChangeStreams(fleet, auth, logger);
  const { home } = deps;
  if (flags.consoleRoute && !home)
    logger.warn("--console-route is on but the operator's namespace is unknown (set POD_NAMESPACE): no Route");
  const runnable = new ConsoleRunnable(async () => {
    if (flags.consoleRoute && home) await applyConsoleRoute(home.client, home.namespace, logger);
    try {
      return await startConsoleServer({
        bindAddress: flags.consoleBindAddress,
        certDir: flags.consoleCertDir,
        staticDir: flags.consoleStaticDir ?? defaultStaticDir(),
        allowedOrigins: flags.consoleAllowedOrigins,
        auth,
        streams,
        logger,
        context: {
          fleet,
          auth,
          userClient: userClientFactory(kubeConfig),
          operator: deps.planes.data,
          region: flags.consoleRegion,
          geography: flags.consoleGeography,
          operatorVersion: operatorVersion(),
          now: () => new Date(),
        },
      });
    } catch (err) {
      // Readiness then reports the console as not started; the controllers keep running.
      logger.error({ err }, 'the console server could not start');
      return undefined;
    }
  });
  return { informers: [...world.all(), runnable] };
};
