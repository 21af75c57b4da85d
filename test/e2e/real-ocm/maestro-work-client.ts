/**
 * Maestro's own gRPC source client (`examples/manifestwork` of the pinned module, built by
 * `hack/build-maestro.sh work-client`): what a workload source does to send a ManifestWork to a
 * consumer through Maestro. It reads works over REST and publishes over gRPC, with mutual TLS.
 *
 * Maestro's REST sits behind an authenticating proxy that wants a bearer token. The Go SDK takes
 * one as a default header (`openapi.Configuration.DefaultHeader`), but the example has no flag for
 * it, so here it talks to a loopback forwarder that adds `restToken` and sends the request on to
 * the proxy over TLS verified against `caCert`: what a source built on the SDK sends.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../harness/control-plane.js';

const run = promisify(execFile);

export interface WorkClientOptions {
  restUrl: string;
  grpcAddress: string;
  /** Verifies both listeners (REST through SSL_CERT_FILE: the client has no CA flag for it). */
  caCert: string;
  client: { cert: string; key: string };
  source: string;
  /** The bearer token the source's REST requests carry. */
  restToken: string;
}

export interface MaestroWorkClient {
  apply(consumer: string, work: Record<string, unknown>): Promise<string>;
  get(consumer: string, name: string): Promise<Record<string, unknown>>;
  delete(consumer: string, name: string): Promise<string>;
  close(): void;
}

let built: Promise<string> | undefined;

/** A loopback HTTP server that forwards each request to `target` with `Authorization: Bearer token`. */
async function tokenForwarder(target: string, ca: string, token: string) {
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const out = httpsRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        ca,
        headers: { ...req.headers, host: upstream.host, authorization: `Bearer ${token}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', (err) => res.writeHead(502).end(err.message));
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

export async function maestroWorkClient(o: WorkClientOptions): Promise<MaestroWorkClient> {
  built ??= run('bash', [join(REPO_ROOT, 'hack/build-maestro.sh'), 'work-client'], {
    maxBuffer: 16 << 20,
  }).then((r) => r.stdout.trim().split('\n').pop() ?? '');
  const bin = await built;
  const dir = mkdtempSync(join(tmpdir(), 'mmo-work-client-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text, { mode: 0o600 });
    return join(dir, name);
  };
  const rest = await tokenForwarder(o.restUrl, o.caCert, o.restToken);
  const flags = [
    `--source=${o.source}`,
    `--maestro-server=${rest.url}`,
    `--grpc-server=${o.grpcAddress}`,
    `--grpc-server-ca-file=${file('ca.crt', o.caCert)}`,
    `--grpc-client-cert-file=${file('tls.crt', o.client.cert)}`,
    `--grpc-client-key-file=${file('tls.key', o.client.key)}`,
  ];
  const env = { ...process.env, SSL_CERT_FILE: join(dir, 'ca.crt') };
  const call = async (args: string[]) =>
    (await run(bin, [...args, ...flags], { env, timeout: 60_000 })).stdout;
  let n = 0;
  return {
    apply: (consumer, work) =>
      call(['apply', file(`work-${n++}.json`, JSON.stringify(work)), `--consumer-name=${consumer}`]),
    get: async (consumer, name) =>
      JSON.parse(
        await call(['get', name, `--consumer-name=${consumer}`]).then((out) => out.slice(out.indexOf('{'))),
      ) as Record<string, unknown>,
    delete: (consumer, name) => call(['delete', name, `--consumer-name=${consumer}`]),
    close: () => {
      rest.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
