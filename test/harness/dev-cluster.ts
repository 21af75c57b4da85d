/**
 * `make dev-cluster` / `make dev-cluster-down`: one local control plane in the background, with
 * the upstream CRDs and ours installed, its kubeconfig at a fixed path printed on screen.
 *
 *   tsx test/harness/dev-cluster.ts up|down|status
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from './control-plane.js';

const root = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'mce-maestro-operator',
  'dev-cluster',
);
const pidsFile = join(root, 'pids.json');
const kubeconfig = join(root, 'kubeconfig');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPids(): number[] {
  if (!existsSync(pidsFile)) return [];
  return (JSON.parse(readFileSync(pidsFile, 'utf8')) as number[]).filter(alive);
}

async function up(): Promise<void> {
  if (readPids().length > 0) {
    console.log(`dev cluster already running; kubeconfig: ${kubeconfig}`);
    return;
  }
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  console.log('starting etcd and kube-apiserver (the first run builds them from Go modules, ~5 min)…');
  const cp = await startControlPlane({ name: 'dev', detached: true, dir: root });
  writeFileSync(pidsFile, JSON.stringify([cp.apiServer().pid, cp.etcd.pid]));
  console.log(`dev cluster up at ${cp.server}`);
  console.log(`kubeconfig: ${kubeconfig}`);
  console.log(`try: ${cp.binDir}/kubectl --kubeconfig ${kubeconfig} get crds`);
  console.log(`  or: export KUBECONFIG=${kubeconfig}`);
}

async function down(): Promise<void> {
  const pids = readPids();
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(alive)) process.kill(-pid, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
  console.log(pids.length > 0 ? 'dev cluster stopped' : 'no dev cluster was running');
}

const cmd = process.argv[2];
if (cmd === 'up') await up();
else if (cmd === 'down') await down();
else if (cmd === 'status')
  console.log(readPids().length > 0 ? `running; kubeconfig: ${kubeconfig}` : 'not running');
else {
  console.error('usage: dev-cluster.ts up|down|status');
  process.exit(2);
}
