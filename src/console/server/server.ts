/**
 * The regional console server: HTTPS only, beside metrics and probes, off unless
 * `--console-bind-address` is set. It routes `/info`, `/api/v1/...` and the static app, and
 * applies the browser-safety rules (http.ts) to every answer. Authentication happens before any
 * `/api/` handler runs; handlers never see a request without a reviewed token.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBindAddress } from '../../runtime/http-servers.js';
import { ServingCertificate, type CertSource } from '../../runtime/serving-cert.js';
import type { Logger } from '../../runtime/logger.js';
import { PATHS } from '../contract.js';
import type { ChangeStreams } from './change-stream.js';
import type { Caller, ConsoleAuth } from './auth.js';
import { HttpError, notFound } from './errors.js';
import * as h from './handlers.js';
import { ClientRateLimiter, applyCors, markArrival, preflight, securityHeaders, sendJson } from './http.js';
import { serveStatic } from './static-files.js';

/** A request that takes longer is answered 503 (SSE streams excepted). */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ConsoleServerOptions {
  bindAddress: string;
  certDir: string | undefined;
  staticDir: string;
  allowedOrigins: readonly string[];
  context: h.HandlerContext;
  auth: ConsoleAuth;
  streams: ChangeStreams;
  logger: Logger;
  rateLimiter?: ClientRateLimiter;
}

export interface RunningConsole {
  port: number;
  certSource: CertSource;
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, caller: Caller, m: string[]) => Promise<unknown>;

const seg = '([^/]+)';
/** Method + path pattern → handler; the first match wins (import before {name}). */
function routes(ctx: h.HandlerContext, streams: ChangeStreams): [string, RegExp, Route][] {
  return [
    [
      'GET',
      /^\/api\/v1\/clusters$/,
      (req, _res, c) => h.listClusters(ctx, c, new URL(req.url ?? '/', 'https://x').searchParams),
    ],
    ['POST', /^\/api\/v1\/clusters\/import$/, (req, _res, c) => h.importCluster(ctx, c, req)],
    ['GET', new RegExp(`^/api/v1/clusters/${seg}$`), (_req, _res, c, m) => h.getCluster(ctx, c, m[0] ?? '')],
    [
      'DELETE',
      new RegExp(`^/api/v1/clusters/${seg}$`),
      (req, _res, c, m) => h.detachCluster(ctx, c, m[0] ?? '', req),
    ],
    [
      'PATCH',
      new RegExp(`^/api/v1/clusters/${seg}/labels$`),
      (req, _res, c, m) => h.patchLabels(ctx, c, m[0] ?? '', req),
    ],
    [
      'PUT',
      new RegExp(`^/api/v1/clusters/${seg}/addons/${seg}$`),
      (req, _res, c, m) => h.setAddOn(ctx, c, m[0] ?? '', m[1] ?? '', req),
    ],
    ['GET', /^\/api\/v1\/rollouts$/, (_req, _res, c) => h.listRollouts(ctx, c)],
    ['POST', /^\/api\/v1\/rollouts$/, (req, _res, c) => h.createRollout(ctx, c, req)],
    [
      'GET',
      new RegExp(`^/api/v1/rollouts/${seg}/${seg}$`),
      (_req, _res, c, m) => h.getRollout(ctx, c, m[0] ?? '', m[1] ?? ''),
    ],
    [
      'POST',
      new RegExp(`^/api/v1/rollouts/${seg}/${seg}/actions$`),
      (req, _res, c, m) => h.rolloutAction(ctx, c, m[0] ?? '', m[1] ?? '', req),
    ],
    [
      'POST',
      /^\/api\/v1\/hive\/clusterdeployments$/,
      (req, _res, c) => h.createClusterDeployment(ctx, c, req),
    ],
    ['GET', /^\/api\/v1\/hive\/machinepools$/, (_req, _res, c) => h.listMachinePools(ctx, c)],
    [
      'PATCH',
      new RegExp(`^/api/v1/hive/machinepools/${seg}/${seg}$`),
      (req, _res, c, m) => h.scaleMachinePool(ctx, c, m[0] ?? '', m[1] ?? '', req),
    ],
    [
      'GET',
      /^\/api\/v1\/events$/,
      async (_req, res, c) => {
        await streams.open(res, c);
        return STREAMING;
      },
    ],
  ];
}

/** A handler that answered itself (the event stream). */
const STREAMING = Symbol('streaming');

const WRITE_STATUS: Record<string, number> = { POST: 201 };

export async function startConsoleServer(opts: ConsoleServerOptions): Promise<RunningConsole | undefined> {
  const bind = parseBindAddress(opts.bindAddress);
  if (!bind) return undefined;
  const log = opts.logger.child({ component: 'console' });
  const allowed = new Set(opts.allowedOrigins);
  const limiter = opts.rateLimiter ?? new ClientRateLimiter();
  const table = routes(opts.context, opts.streams);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // 1. Every answer carries the security headers; CORS only for listed origins.
    securityHeaders(res);
    const url = new URL(req.url ?? '/', 'https://console.invalid');
    const path = url.pathname;
    if (req.method === 'OPTIONS') return preflight(req, res, allowed);
    const listed = applyCors(req, res, allowed);
    // 2. A per-client budget, before any work (and before any review is asked of the API server).
    if (!limiter.take(req.socket.remoteAddress ?? '')) {
      res.setHeader('Retry-After', '1');
      throw new HttpError(429, 'TooManyRequests', 'too many requests from this client; retry shortly');
    }
    // 3. Public endpoints and the static app.
    if (path === PATHS.info && req.method === 'GET') return sendJson(res, 200, await h.getInfo(opts.context));
    if (!path.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new HttpError(405, 'MethodNotAllowed', `${req.method} is not allowed here`);
      return serveStatic(opts.staticDir, path, res);
    }
    // 4. A browser on an unlisted origin gets nothing from the API (its answer would be withheld anyway).
    if (!listed) throw new HttpError(403, 'Forbidden', 'this origin is not in --console-allowed-origins');
    // 5. The caller, from a reviewed bearer token; then the route.
    const caller = await opts.auth.authenticate(req.headers.authorization);
    for (const [method, pattern, route] of table) {
      if (method !== req.method) continue;
      const m = pattern.exec(path);
      if (!m) continue;
      let params: string[];
      try {
        params = m.slice(1).map((p) => decodeURIComponent(p));
      } catch {
        throw new HttpError(400, 'BadRequest', 'malformed path');
      }
      const result = await route(req, res, caller, params);
      if (result === STREAMING) return;
      return sendJson(res, WRITE_STATUS[req.method] ?? 200, result);
    }
    throw notFound(`${req.method} ${path} is not an API endpoint`);
  };

  const cert = new ServingCertificate({
    certDir: opts.certDir,
    commonName: 'mce-maestro-operator-console',
    dnsNames: ['localhost', 'mce-maestro-operator-console'],
    onReload: (r) =>
      r.ok
        ? log.info('console certificate reloaded')
        : log.error({ error: r.error }, 'console certificate unusable'),
  });
  // The callback runs on a later poll, after `server` exists.
  const pair = await cert.start((next) => server.setSecureContext(next));
  const server: Server = createServer({ ...pair, minVersion: 'TLSv1.2' }, (req, res) => {
    const started = Date.now();
    markArrival(res);
    // Requests (not event streams) that take too long are answered 503 instead of hanging.
    const timer = setTimeout(() => {
      if (!res.headersSent && !res.writableEnded)
        sendJson(res, 503, { status: 503, reason: 'Timeout', message: 'the request took too long' });
    }, REQUEST_TIMEOUT_MS);
    timer.unref();
    res.on('close', () => clearTimeout(timer));
    handle(req, res)
      .catch((err: unknown) => {
        const e = err instanceof HttpError ? err : new HttpError(500, 'InternalError', 'internal error');
        if (!(err instanceof HttpError))
          log.error({ err, path: req.url?.split('?')[0] }, 'console request failed');
        if (!res.headersSent && !res.writableEnded) sendJson(res, e.status, e.body());
        else if (!res.writableEnded) res.end();
      })
      .finally(() => {
        clearTimeout(timer);
        // Never the query string nor headers: neither may carry a token, but don't risk it.
        log.debug(
          {
            method: req.method,
            path: req.url?.split('?')[0],
            status: res.statusCode,
            ms: Date.now() - started,
          },
          'console request',
        );
      });
  });
  // Slow clients can't hold connections forever; event streams send a heartbeat every 15 s.
  server.headersTimeout = 20_000;
  server.requestTimeout = 0;
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info(
    { port, cert: cert.source, staticDir: opts.staticDir, allowedOrigins: opts.allowedOrigins },
    'serving the regional console',
  );
  return {
    port,
    certSource: cert.source,
    async close() {
      cert.stop();
      opts.streams.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
