import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ClientRateLimiter, applyCors, preflight } from '../../../src/console/server/http.js';
import { fromKube, fromZod } from '../../../src/console/server/errors.js';
import { ApiError } from '../../../src/runtime/client/errors.js';

function fakeRes() {
  const headers: Record<string, string> = {};
  let status = 0;
  let body = '';
  const res = {
    setHeader: (k: string, v: string) => (headers[k.toLowerCase()] = v),
    writeHead: (s: number, h?: Record<string, string | number>) => {
      status = s;
      for (const [k, v] of Object.entries(h ?? {})) headers[k.toLowerCase()] = String(v);
    },
    end: (b?: string) => (body = b ?? ''),
  } as unknown as ServerResponse;
  return { res, headers, status: () => status, body: () => body };
}
const req = (origin?: string) => ({ headers: origin ? { origin } : {} }) as IncomingMessage;
const allowed = new Set(['https://console.example.com']);

describe('CORS', () => {
  it('answers a listed origin exactly, and always varies on Origin', () => {
    const r = fakeRes();
    expect(applyCors(req('https://console.example.com'), r.res, allowed)).toBe(true);
    expect(r.headers['access-control-allow-origin']).toBe('https://console.example.com');
    expect(r.headers.vary).toBe('Origin');
  });

  it('gives an unlisted origin no CORS header and a 403 preflight', () => {
    const r = fakeRes();
    expect(applyCors(req('https://evil.example.com'), r.res, allowed)).toBe(false);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const p = fakeRes();
    preflight(req('https://evil.example.com'), p.res, allowed);
    expect(p.status()).toBe(403);
    expect(p.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a listed preflight with the methods and headers', () => {
    const p = fakeRes();
    preflight(req('https://console.example.com'), p.res, allowed);
    expect(p.status()).toBe(204);
    expect(p.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
  });
});

describe('ClientRateLimiter', () => {
  it('allows a burst, then refills at the rate, per client', () => {
    let now = 0;
    const l = new ClientRateLimiter(10, 3, () => now);
    expect([l.take('a'), l.take('a'), l.take('a'), l.take('a')]).toEqual([true, true, true, false]);
    expect(l.take('b')).toBe(true);
    now = 100; // 1 token at 10/s
    expect(l.take('a')).toBe(true);
    expect(l.take('a')).toBe(false);
  });
});

describe('errors', () => {
  it('names the field of a zod issue with a dot path', () => {
    const r = z.object({ labels: z.record(z.string(), z.string()) }).safeParse({ labels: { env: 5 } });
    if (r.success) throw new Error('expected a failure');
    expect(fromZod(r.error).body()).toMatchObject({ status: 400, field: 'labels.env' });
  });

  it('passes an API server 4xx on verbatim and hides 5xx details behind 502', () => {
    const forbidden = new ApiError(403, 'Forbidden', 'user "u" cannot create', undefined, undefined, 'POST /x');
    expect(fromKube(forbidden).body()).toEqual({ status: 403, reason: 'Forbidden', message: 'user "u" cannot create' });
    expect(fromKube(new ApiError(500, 'InternalError', 'boom', undefined, undefined, 'POST /x')).status).toBe(502);
  });
});
