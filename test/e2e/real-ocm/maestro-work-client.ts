/**
 * Maestro's own gRPC source client (`examples/manifestwork` of the pinned module, built by
 * `hack/build-maestro.sh work-client`): what a workload source does to send a ManifestWork to a
 * consumer through Maestro. It reads works over REST and publishes over gRPC, with mutual TLS.
 */
import { execFile } from 'node:child_process';
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
}

export interface MaestroWorkClient {
  apply(consumer: string, work: Record<string, unknown>): Promise<string>;
  get(consumer: string, name: string): Promise<Record<string, unknown>>;
  delete(consumer: string, name: string): Promise<string>;
  close(): void;
}

let built: Promise<string> | undefined;

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
  const flags = [
    `--source=${o.source}`,
    `--maestro-server=${o.restUrl}`,
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
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
