import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { enableDefaultMetrics, registry } from './metrics.js';

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

async function listen(address: string, handler: http.RequestListener): Promise<RunningServer | undefined> {
  const bind = parseBindAddress(address);
  if (!bind) return undefined;
  const server = http.createServer(handler);
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

/** Serves the Prometheus registry (with Node's default metrics) on `/metrics`. */
export function serveMetrics(address: string): Promise<RunningServer | undefined> {
  enableDefaultMetrics();
  return listen(address, (req, res) => {
    if (new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
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
