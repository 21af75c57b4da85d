/**
 * A real Maestro server (built from its pinned Go module) on loopback, with its database in a real
 * PostgreSQL and no message broker: enough for tests that use its REST API (consumers).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './control-plane.js';
import { eventually } from './eventually.js';
import { freePort } from './ports.js';
import { startPostgres, type Postgres } from './postgres.js';
import { spawnManaged } from './processes.js';

const run = promisify(execFile);

export interface MaestroServer {
  restUrl: string;
  consumers(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startMaestroServer(): Promise<MaestroServer> {
  const bin =
    (await run('bash', [join(REPO_ROOT, 'hack/build-maestro.sh')], { maxBuffer: 16 << 20 })).stdout
      .trim()
      .split('\n')
      .pop() ?? '';
  const pg: Postgres = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'mmo-maestro-'));
  const password = 'maestro-test-password';
  pg.createDatabase('maestro', 'maestro', password);
  const files = { host: pg.host, port: String(pg.port), user: 'maestro', password, name: 'maestro' };
  for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, `db.${k}`), v);
  const db = (['host', 'port', 'user', 'password', 'name'] as const).map(
    (k) => `--db-${k}-file=${join(dir, `db.${k}`)}`,
  );
  await run(bin, ['migration', ...db, '--db-sslmode=disable', '--alsologtostderr', '-v=1']);
  const [http, grpc, health, metrics] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const server = spawnManaged(
    'maestro',
    bin,
    [
      'server',
      ...db,
      '--db-sslmode=disable',
      '--server-hostname=127.0.0.1',
      `--http-server-bindport=${http}`,
      `--grpc-server-bindport=${grpc}`,
      `--health-check-server-bindport=${health}`,
      `--metrics-server-bindport=${metrics}`,
      '--disable-message-broker=true',
      '--alsologtostderr',
      '-v=1',
    ],
    { logFile: join(dir, 'maestro.log'), env: { ...process.env, MAESTRO_ENV: 'production' } },
  );
  const restUrl = `http://127.0.0.1:${http}`;
  await eventually(async () => (await fetch(`http://127.0.0.1:${health}/healthcheck`)).ok, {
    timeout: 60_000,
    message: `maestro /healthcheck (log ${dir}/maestro.log)`,
  });
  return {
    restUrl,
    async consumers() {
      const body = (await (await fetch(`${restUrl}/api/maestro/v1/consumers?size=1000`)).json()) as {
        items?: { name?: string }[];
      };
      return (body.items ?? []).map((c) => c.name ?? '').sort();
    },
    async stop() {
      await server.stop('SIGTERM', 5_000);
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
