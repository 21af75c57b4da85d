/**
 * Registering a managed cluster as a Maestro consumer, through Maestro's REST API, as the
 * maestro-addon's cluster controller did (`GET /api/maestro/v1/consumers?search=name='<c>'`, then
 * `POST /api/maestro/v1/consumers {"name": "<c>"}` when none exists). Idempotent: a restart that
 * repeats it finds the consumer and writes nothing.
 *
 * Maestro's REST serves only TLS, with a certificate from the operator's `maestro-api-ca` (or the
 * OpenShift service CA), which no system trust store holds: requests verify the server against
 * `ca`, the PEM bundle the caller read from the hub, and never skip verification.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ConsumerClient {
  ensure(name: string, signal?: AbortSignal): Promise<'exists' | 'created'>;
}

interface Reply {
  status: number;
  body: string;
}

type Send = (
  url: string,
  init: { method: 'GET' | 'POST'; body?: string; signal?: AbortSignal },
) => Promise<Reply>;

/** One request; https URLs are verified against `ca` (PEM, one or more certificates). */
function sender(ca: string | undefined): Send {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const options = {
        method: init.method,
        signal: init.signal,
        timeout: 10_000,
        headers: init.body ? { 'Content-Type': 'application/json' } : {},
      };
      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      };
      const req =
        target.protocol === 'https:'
          ? httpsRequest(target, { ...options, ...(ca ? { ca } : {}) }, onResponse)
          : httpRequest(target, options, onResponse);
      req.on('timeout', () => req.destroy(new Error(`Maestro REST ${target.host}: no answer in 10 s`)));
      req.on('error', reject);
      req.end(init.body);
    });
}

export function maestroConsumers(restUrl: string, opts: { ca?: string } = {}): ConsumerClient {
  const base = `${restUrl.replace(/\/$/, '')}/api/maestro/v1/consumers`;
  const send = sender(opts.ca);
  return {
    async ensure(name, signal) {
      const search = new URLSearchParams({ search: `name = '${name}'` });
      const found = await send(`${base}?${search}`, { method: 'GET', signal });
      if (found.status < 200 || found.status > 299)
        throw new Error(`Maestro consumer lookup for ${name}: HTTP ${found.status}`);
      const list = JSON.parse(found.body) as { items?: { name?: string }[] };
      if ((list.items ?? []).some((c) => c.name === name)) return 'exists';
      const created = await send(base, { method: 'POST', body: JSON.stringify({ name }), signal });
      // 409: another writer (or an earlier attempt of ours) created it meanwhile.
      if (created.status === 409) return 'exists';
      if (created.status < 200 || created.status > 299)
        throw new Error(`Maestro consumer ${name}: HTTP ${created.status} ${created.body.slice(0, 200)}`);
      return 'created';
    },
  };
}
