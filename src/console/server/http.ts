/**
 * The browser-facing rules every answer follows: security headers, CORS for listed origins only,
 * JSON bodies with a size bound, and a per-client request budget.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './errors.js';

/**
 * No inline script; `connect-src *` because the console in one region fetches the API of every
 * other region of the geography (their URLs are the user's choice, kept in localStorage, so no
 * fixed list exists); tokens still go only where the user added a region.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src *; img-src 'self' data:; frame-ancestors 'none'";

/** Largest request body: an install-config or kubeconfig fits well within it. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}

/**
 * CORS with an exact-origin allow-list. A listed origin gets Allow-Origin (never `*`, never
 * credentials: tokens travel in the Authorization header); an unlisted one gets no CORS header,
 * so the browser withholds the answer. Returns whether the origin is listed (absent Origin: a
 * same-origin or non-browser call, allowed).
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: ReadonlySet<string>): boolean {
  res.setHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (!allowed.has(origin.toLowerCase())) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', 'Content-Type, Server-Timing');
  return true;
}

/** Answers a preflight: 204 with the allowed methods and headers, or 403 for an unlisted origin. */
export function preflight(req: IncomingMessage, res: ServerResponse, allowed: ReadonlySet<string>): void {
  if (req.headers.origin === undefined || !applyCors(req, res, allowed)) {
    sendJson(res, 403, {
      status: 403,
      reason: 'Forbidden',
      message: 'this origin is not in --console-allowed-origins',
    });
    return;
  }
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Max-Age', '600');
  res.writeHead(204);
  res.end();
}

const arrivals = new WeakMap<ServerResponse, number>();

/** Marks the request's arrival, for the `Server-Timing` of its JSON answer. */
export function markArrival(res: ServerResponse): void {
  arrivals.set(res, performance.now());
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  const arrived = arrivals.get(res);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(data),
    'Cache-Control': 'no-store',
    // The handling time up to a serialised body (token and access reviews, the page, JSON): what a
    // benchmark or an operator's browser tools read as server time, without debug logging.
    ...(arrived === undefined ? {} : { 'Server-Timing': `app;dur=${(performance.now() - arrived).toFixed(1)}` }),
  });
  res.end(data);
}

/** The JSON body, at most MAX_BODY_BYTES (413 beyond; 400 when it is not JSON). */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, 'RequestEntityTooLarge', `the request body is larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new HttpError(413, 'RequestEntityTooLarge', `the request body is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'BadRequest', 'the request body is not JSON', 'body');
  }
}

/**
 * Requests per client address: a token bucket each, refilled at `ratePerSecond` up to `burst`.
 * A console loading 30,000 rows in pages of 500 needs 60 requests at once; a flood gets 429.
 * Buckets of clients idle for a minute are dropped, so the map stays small.
 */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond = 50,
    private readonly burst = 200,
    private readonly now: () => number = Date.now,
    private readonly maxClients = 10_000,
  ) {}

  take(client: string): boolean {
    const now = this.now();
    let b = this.buckets.get(client);
    if (!b) {
      if (this.buckets.size >= this.maxClients) this.sweep(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(client, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k);
    if (this.buckets.size >= this.maxClients) this.buckets.clear();
  }
}
