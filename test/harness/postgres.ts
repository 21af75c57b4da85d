/**
 * A real PostgreSQL server from Debian's packages on a free loopback port, in a temp directory,
 * for tests that run Maestro against the database the operator configured.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';
import { freePort } from './ports.js';
import { spawnManaged, type ManagedProcess } from './processes.js';

export interface Postgres {
  host: string;
  port: number;
  /** Runs SQL as the superuser and returns psql's unaligned output. */
  psql(sql: string, database?: string): string;
  /** Creates a role with a password and a database it owns. */
  createDatabase(name: string, user: string, password: string): void;
  stop(): Promise<void>;
}

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort() : [];
  const version = versions.pop();
  if (!version) throw new Error('PostgreSQL is not installed (run hack/ensure-deps.sh debian)');
  return join(root, version, 'bin', name);
}

/** PostgreSQL refuses to run as root: as root, run it as Debian's `postgres` user. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

/** A file the server reads (e.g. a TLS key), with the mode its volume gives it. */
export interface ServerFile {
  content: string;
  mode: number;
}

export interface PostgresOptions {
  /**
   * Files to place next to the data directory, as a kubelet would mount them: owned by root and
   * the postgres group (the pod's fsGroup), with their given mode. When not root, the server runs
   * as the current user and owns them, so the mode is narrowed to 0600 (PostgreSQL's rule for a
   * key owned by the server's user).
   */
  files?: Record<string, ServerFile>;
  /** Server settings (`-c name=value`); `path(name)` is where a file of `files` was written. */
  settings?: (path: (name: string) => string) => Record<string, string>;
  /** Accept TCP connections only over TLS (`hostssl`; plaintext is rejected). */
  sslOnly?: boolean;
}

export async function startPostgres(opts: PostgresOptions = {}): Promise<Postgres> {
  const dir = mkdtempSync(join(tmpdir(), 'mmo-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const port = await freePort();
  const superuser = process.getuid?.() === 0 ? 'postgres' : userInfo().username;
  if (process.getuid?.() === 0) chownSync(dir, uid('postgres'), gid('postgres'));
  const [initCmd, initArgs] = asServerUser(pgBin('initdb'), [
    '-D',
    data,
    '-U',
    superuser,
    '--auth=trust',
    '-E',
    'UTF8',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  writeFileSync(join(dir, 'pg.log'), '');
  if (process.getuid?.() === 0) chownSync(join(dir, 'pg.log'), uid('postgres'), gid('postgres'));
  // Password auth over TCP so the operator-rendered credentials are really checked.
  writeFileSync(
    join(data, 'pg_hba.conf'),
    opts.sslOnly
      ? 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 127.0.0.1/32 reject\n'
      : 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n',
  );
  const filesDir = join(dir, 'files');
  mkdirSync(filesDir, { mode: 0o755 });
  const asRoot = process.getuid?.() === 0;
  for (const [name, file] of Object.entries(opts.files ?? {})) {
    const path = join(filesDir, name);
    writeFileSync(path, file.content);
    if (asRoot) {
      chownSync(path, 0, gid('postgres'));
      chmodSync(path, file.mode);
    } else {
      chmodSync(path, file.mode & 0o600);
    }
  }
  const settings = Object.entries(opts.settings?.((name) => join(filesDir, name)) ?? {}).flatMap(([k, v]) => [
    '-c',
    `${k}=${v}`,
  ]);
  const [cmd, args] = asServerUser(pgBin('postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    ...settings,
  ]);
  const server: ManagedProcess = spawnManaged('postgres', cmd, args, { logFile: join(dir, 'pg.log') });
  const psql = (sql: string, database = 'postgres') =>
    execFileSync(
      pgBin('psql'),
      [
        '-h',
        dir,
        '-p',
        String(port),
        '-U',
        superuser,
        '-d',
        database,
        '-Atq',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        sql,
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  await eventually(() => psql('select 1').trim() === '1', {
    timeout: 30_000,
    message: `postgres on ${port}`,
  });
  return {
    host: '127.0.0.1',
    port,
    psql,
    createDatabase(name, user, password) {
      psql(`CREATE ROLE "${user}" LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
      psql(`CREATE DATABASE "${name}" OWNER "${user}"`);
    },
    async stop() {
      await server.stop('SIGINT', 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}
function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
