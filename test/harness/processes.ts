/**
 * Child processes for tests and the dev cluster that never outlive whoever started them.
 *
 * Each process runs under a tiny bash guard in its own process group: the guard polls the
 * parent's pid and terminates the child when the parent is gone, so a test runner killed by a
 * timeout or a crash doesn't leave kube-apiserver or etcd running. Signals go to the whole group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

const GUARD = [
  'parent=$1; shift',
  // A temp dir of the child's own, removed when it ends: OCM's controllers (library-go) write a
  // self-signed serving-cert-* directory into TMPDIR on every start and never remove it.
  'tmp=$(mktemp -d "${TMPDIR:-/tmp}/mmo-proc-XXXXXX") && export TMPDIR=$tmp',
  '"$@" & child=$!',
  'end() { rc=$1; [ -n "$tmp" ] && rm -rf "$tmp"; exit $rc; }',
  // Ask politely, then insist: a kube-apiserver whose etcd is gone can hang on SIGTERM.
  'finish() { kill -TERM $child 2>/dev/null; for _ in $(seq 1 20); do kill -0 $child 2>/dev/null || break; sleep 0.5; done; kill -KILL $child 2>/dev/null; wait $child; end $?; }',
  'trap finish TERM INT',
  'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done',
  'kill -0 $child 2>/dev/null && finish',
  'wait $child',
  'end $?',
].join('\n');

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** True until the process has exited. */
  running(): boolean;
  /** Sends a signal to the whole process group and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Guarded processes of this process that have not exited yet (see `stopAllManaged`). */
const running = new Set<ManagedProcess>();

/** Stops every guarded process this process started that is still running; returns their names. */
export async function stopAllManaged(): Promise<string[]> {
  const left = [...running];
  await Promise.all(left.map((p) => p.stop('SIGTERM', 5_000)));
  return left.map((p) => `${p.name} (pid ${p.pid})`);
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr are appended here; inherited when absent. */
  logFile?: string;
  /** The pid the guard watches; defaults to this process. `0` disables the guard (dev cluster). */
  parentPid?: number;
}

/** Starts `command args…` in its own process group under the parent-death guard. */
export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  opts: SpawnOptions = {},
): ManagedProcess {
  const fd = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
  const stdio: ('ignore' | 'inherit' | number)[] =
    fd === undefined ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd];
  const parent = opts.parentPid ?? process.pid;
  const child: ChildProcess =
    parent === 0
      ? spawn(command, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio, detached: true })
      : spawn('bash', ['-c', GUARD, 'guard', String(parent), command, ...args], {
          env: opts.env ?? process.env,
          cwd: opts.cwd,
          stdio,
          detached: true,
        });
  if (fd !== undefined) closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  let alive = true;
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      alive = false;
      running.delete(managed);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  // A child never keeps this process alive: the guard ends it within half a second of our exit,
  // so a test that fails half-way through a start cannot leave jest waiting on its children.
  child.unref();
  const managed: ManagedProcess = {
    name,
    pid,
    exited,
    running: () => alive,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) {
      if (!alive) return;
      killGroup(pid, signal);
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  // Detached processes (the dev cluster) outlive us on purpose; only guarded ones are tracked.
  if (parent !== 0) running.add(managed);
  return managed;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
