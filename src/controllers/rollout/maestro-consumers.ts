/**
 * Registering a managed cluster as a Maestro consumer, through Maestro's REST API, as the
 * maestro-addon's cluster controller did (`GET /api/maestro/v1/consumers?search=name='<c>'`, then
 * `POST /api/maestro/v1/consumers {"name": "<c>"}` when none exists). Idempotent: a restart that
 * repeats it finds the consumer and writes nothing.
 *
 * Maestro's REST serves only TLS, with a certificate from the operator's `maestro-api-ca` (or the
 * OpenShift service CA), which no system trust store holds: requests verify the server against
 * `ca`, the PEM bundle the caller read from the hub, and never skip verification. Its
 * authenticating proxy (maestro/render/rest-proxy.ts) admits a request only with a bearer token
 * whose identity may `get`/`create` `maestros/rest`: `token` gives the operator's own, read per
 * request (ServiceAccount tokens rotate); it goes in the header only, never into a message.
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

export interface ConsumerClientOptions {
  /** PEM bundle that verifies Maestro's REST certificate. */
  ca?: string;
  /** The caller's bearer token (undefined: none is sent, and the proxy answers 401). */
  token?: () => Promise<string | undefined>;
}

/** One request; https URLs are verified against `ca` (PEM, one or more certificates). */
function sender({ ca, token }: ConsumerClientOptions): Send {
  return async (url, init) => {
    const bearer = await token?.();
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const options = {
        method: init.method,
        signal: init.signal,
        timeout: 10_000,
        headers: {
          ...(init.body ? { 'Content-Type': 'application/json' } : {}),
          ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
        },
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
  };
}

/** Why the proxy refused: the status alone says whether the token or the right is missing. */
function refusal(status: number): string {
  if (status === 401)
    return ' (the REST proxy found no valid bearer token: the operator must authenticate with a ServiceAccount token)';
  if (status === 403) return ' (the REST proxy refused: the operator needs get and create on maestros/rest)';
  return '';
}

export function maestroConsumers(restUrl: string, opts: ConsumerClientOptions = {}): ConsumerClient {
  const base = `${restUrl.replace(/\/$/, '')}/api/maestro/v1/consumers`;
  const send = sender(opts);
  return {
    async ensure(name, signal) {
      const search = new URLSearchParams({ search: `name = '${name}'` });
      const found = await send(`${base}?${search}`, { method: 'GET', signal });
      if (found.status < 200 || found.status > 299)
        throw new Error(`Maestro consumer lookup for ${name}: HTTP ${found.status}${refusal(found.status)}`);
      const list = JSON.parse(found.body) as { items?: { name?: string }[] };
      if ((list.items ?? []).some((c) => c.name === name)) return 'exists';
      const created = await send(base, { method: 'POST', body: JSON.stringify({ name }), signal });
      // 409: another writer (or an earlier attempt of ours) created it meanwhile.
      if (created.status === 409) return 'exists';
      if (created.status < 200 || created.status > 299)
        throw new Error(
          `Maestro consumer ${name}: HTTP ${created.status}${refusal(created.status)} ${created.body.slice(0, 200)}`,
        );
      return 'created';
    },
  };
}
