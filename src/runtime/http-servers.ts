import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';
import { MetricsAuthorizer, type ReviewClient } from './metrics-auth.js';
import { enableDefaultMetrics, registry } from './metrics.js';
import { ServingCertificate, type CertSource } from './serving-cert.js';

/** A named check for `/healthz` or `/readyz`; returns an error message when failing. */
export type Check = () => string | undefined | Promise<string | undefined>;

/**
 * Parses a controller-runtime style bind address: `:8080` (all interfaces), `127.0.0.1:8080`,
 * or `0` (disabled → undefined).
 */
export function parseBindAddress(address: string): { host: string; port: number } | undefined {
  if (address === '0' || address === '') return undefined;
  const i = address.lastIndexOf(':');
  if (i < 0)
    throw new Error(`bind address ${JSON.stringify(address)} must look like :8080 or host:port, or be 0`);
  const host = address.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0';
  const port = Number(address.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`bind address ${JSON.stringify(address)} has an invalid port`);
  }
  return { host, port };
}

/** A started HTTP server. */
export interface RunningServer {
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

async function listen(
  address: string,
  handler: http.RequestListener,
  create: (handler: http.RequestListener) => http.Server = (h) => http.createServer(h),
): Promise<RunningServer | undefined> {
  const bind = parseBindAddress(address);
  if (!bind) return undefined;
  const server = create(handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Serves `/healthz` and `/readyz` like controller-runtime's probe server: 200 `ok` when every
 * check passes, 500 listing `[-]name failed: reason` otherwise; `?verbose` lists passing checks.
 */
export function serveProbes(
  address: string,
  checks: { healthz: Map<string, Check>; readyz: Map<string, Check> },
): Promise<RunningServer | undefined> {
  return listen(address, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://probe');
    const path = url.pathname.replace(/\/$/, '');
    const set = path === '/healthz' ? checks.healthz : path === '/readyz' ? checks.readyz : undefined;
    if (!set) {
      res.writeHead(404).end('not found\n');
      return;
    }
    void runChecks(set).then((results) => {
      const failed = results.filter((r) => r.error !== undefined);
      const verbose = url.searchParams.has('verbose') || failed.length > 0;
      const lines = results.map((r) =>
        r.error === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.error}`,
      );
      const body = verbose
        ? `${lines.join('\n')}\n${path.slice(1)} ${failed.length ? 'check failed' : 'check passed'}\n`
        : 'ok';
      res.writeHead(failed.length ? 500 : 200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
    });
  });
}

/**
 * How `/metrics` is served. `secure` (the default of `--metrics-secure`) is controller-runtime's
 * secure metrics server: HTTPS, and every request authenticated with a TokenReview and authorized
 * with a SubjectAccessReview for `get` on `/metrics` (see `metrics-auth.ts`). `secure: false`
 * is plain HTTP open to anyone who reaches the port: local development only.
 */
export type MetricsServing =
  | { secure: false }
  | {
      secure: true;
      /** Client for the reviews: the API server that issued the scrapers' tokens. */
      authClient: ReviewClient;
      logger: Logger;
      /** tls.crt and tls.key; absent or empty means a self-signed certificate made at start. */
      certDir?: string;
      /** How often `certDir` is read again for a rotated certificate (default 10 s). */
      certReloadIntervalMs?: number;
      /** Decision cache TTLs (defaults 1 min and 10 s). */
      allowTtlMs?: number;
      denyTtlMs?: number;
    };

/** A running metrics server: `scheme` and, for HTTPS, where the certificate came from. */
export interface RunningMetricsServer extends RunningServer {
  scheme: 'http' | 'https';
  certSource?: CertSource;
}

/** Serves the Prometheus registry (with Node's default metrics) on `/metrics`. */
export async function serveMetrics(
  address: string,
  serving: MetricsServing,
): Promise<RunningMetricsServer | undefined> {
  if (!parseBindAddress(address)) return undefined;
  enableDefaultMetrics();
  if (!serving.secure) {
    const server = await listen(address, (req, res) => {
      if (isMetricsPath(req, res)) writeMetrics(res);
    });
    return server && { ...server, scheme: 'http' };
  }

  const log = serving.logger.child({ component: 'metrics-server' });
  const authorizer = new MetricsAuthorizer({
    client: serving.authClient,
    logger: serving.logger,
    allowTtlMs: serving.allowTtlMs,
    denyTtlMs: serving.denyTtlMs,
  });
  const certificate = new ServingCertificate({
    certDir: serving.certDir,
    commonName: 'mce-maestro-operator-metrics',
    dnsNames: ['localhost', 'mce-maestro-operator-metrics'],
    reloadIntervalMs: serving.certReloadIntervalMs,
    onReload: (r) =>
      r.ok
        ? log.info({ certDir: serving.certDir }, 'serving a rotated metrics certificate')
        : log.warn(
            { certDir: serving.certDir, error: r.error },
            'metrics certificate changed but cannot be used; still serving the previous one',
          ),
  });
  let tlsServer: https.Server | undefined;
  const pem = await certificate.start((pair) =>
    tlsServer?.setSecureContext({ ...pair, minVersion: 'TLSv1.2' }),
  );
  let running: RunningServer | undefined;
  try {
    running = await listen(
      address,
      (req, res) => {
        if (!isMetricsPath(req, res)) return;
        authorizer.authorize(req.headers.authorization).then(
          (decision) => {
            if (decision.status === 200) writeMetrics(res);
            else
              res
                .writeHead(decision.status, {
                  'Content-Type': 'text/plain; charset=utf-8',
                  ...(decision.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}),
                })
                .end(`${decision.reason}\n`);
          },
          (err: unknown) => res.writeHead(500).end(`${String(err)}\n`),
        );
      },
      (handler) => {
        tlsServer = https.createServer({ ...pem, minVersion: 'TLSv1.2' }, handler);
        return tlsServer;
      },
    );
  } catch (err) {
    certificate.stop();
    throw err;
  }
  if (!running) return undefined;
  const { port, close } = running;
  return {
    port,
    scheme: 'https',
    certSource: certificate.source,
    close: async () => {
      certificate.stop();
      await close();
    },
  };
}

function isMetricsPath(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (new URL(req.url ?? '/', 'http://metrics').pathname === '/metrics') return true;
  res.writeHead(404).end('not found\n');
  return false;
}

function writeMetrics(res: http.ServerResponse): void {
  registry.metrics().then(
    (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
    (err: unknown) => res.writeHead(500).end(String(err)),
  );
}

async function runChecks(checks: Map<string, Check>): Promise<{ name: string; error: string | undefined }[]> {
  return Promise.all(
    [...checks].map(async ([name, check]) => {
      try {
        return { name, error: await check() };
      } catch (err) {
        return { name, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}
