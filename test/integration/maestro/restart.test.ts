/**
 * The operator as a separate process (`src/main.ts`): killed with SIGKILL in the middle of an
 * install, restarted, it converges to the same result without regenerating what already exists;
 * and a reconcile with nothing to change makes zero writes, as its own
 * `rest_client_requests_total` metric shows.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeClient } from '../../../src/runtime/index.js';
import { REPO_ROOT } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { freePort } from '../../harness/ports.js';
import { operatorKubeconfig } from '../../harness/operator-rbac.js';
import { spawnManaged, type ManagedProcess } from '../../harness/processes.js';
import {
  dbPassword,
  IMAGE_ENV,
  INSTALLED_OBJECTS,
  ownedObjects,
  ref,
  startTestHub,
  toggleMaestro,
  waitForCondition,
  type TestHub,
} from './fixtures.js';

let hub: TestHub;
let client: KubeClient;
let kubeconfig = '';
const processes: ManagedProcess[] = [];

function startOperatorProcess(name: string, args: string[]): ManagedProcess {
  const proc = spawnManaged(
    name,
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      `--kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      '--health-probe-bind-address=0',
      '--log-level=debug',
      // This test counts the operator's API writes on /metrics; secure metrics would add their own
      // TokenReview and SubjectAccessReview creates to the count (test/integration/runtime/
      // secure-metrics.test.ts covers the secure default).
      '--metrics-secure=false',
      ...args,
    ],
    { cwd: REPO_ROOT, env: { ...process.env, ...IMAGE_ENV }, logFile: join(hub.cp.dir, `${name}.log`) },
  );
  processes.push(proc);
  return proc;
}

/** Sums a counter of the operator's /metrics by a label predicate. */
async function metric(port: number, name: string, match: (labels: string) => boolean): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`).exec(line);
    if (m && match(m[1] ?? '')) sum += Number(m[2]);
  }
  return sum;
}
const writes = (port: number) =>
  metric(port, 'rest_client_requests_total', (l) => /method="(POST|PUT|PATCH|DELETE)"/.test(l));
const reconciles = (port: number) =>
  metric(port, 'controller_runtime_reconcile_total', (l) => l.includes('controller="maestro"'));

beforeAll(async () => {
  hub = await startTestHub('maestro-restart', { operator: false });
  client = hub.client;
  kubeconfig = await operatorKubeconfig(hub.cp);
}, 300_000);

afterAll(async () => {
  for (const p of processes) await p.stop('SIGKILL');
  await hub?.stop();
});

describe('operator process', () => {
  it('converges after a SIGKILL in the middle of an install', async () => {
    await toggleMaestro(client, true);
    // A slow client (2 requests/s) keeps the install going long enough to kill it half way. (The
    // metrics server also keeps the process alive while it only waits on the rate limiter.)
    const first = startOperatorProcess('operator-1', [
      `--metrics-bind-address=127.0.0.1:${await freePort()}`,
      '--qps=2',
      '--burst=1',
    ]);
    const partial = await eventually(
      async () => {
        const objects = await ownedObjects(client);
        if (
          !objects.includes('Secret maestro/maestro-db-config') ||
          objects.includes('Deployment maestro/maestro')
        ) {
          throw new Error(`not half way: ${objects.join(', ')}`);
        }
        return objects;
      },
      { timeout: 120_000, interval: 50, message: 'a half-done install' },
    );
    await first.stop('SIGKILL');
    expect(first.running()).toBe(false);
    expect(partial.length).toBeLessThan(INSTALLED_OBJECTS.length);
    const password = await dbPassword(client);
    expect(password).toBeDefined();

    const port = await freePort();
    startOperatorProcess('operator-2', [`--metrics-bind-address=127.0.0.1:${port}`]);
    await waitForCondition(client, 'Available', 'True', 'Available', 60_000);
    expect(await ownedObjects(client)).toEqual(INSTALLED_OBJECTS);
    // Existing material is reused, never regenerated.
    expect(await dbPassword(client)).toBe(password);

    // A reconcile with nothing to change writes nothing: poke the MCE, count the writes.
    await waitForCondition(client, 'Progressing', 'False', 'Reconciled');
    await eventually(async () => (await reconciles(port)) > 0);
    const settled = async () => {
      const w = await writes(port);
      await new Promise((r) => setTimeout(r, 500));
      return (await writes(port)) === w;
    };
    await eventually(settled, { timeout: 30_000 });
    const [writesBefore, reconcilesBefore] = [await writes(port), await reconciles(port)];
    await client.patch(ref.mce, { metadata: { annotations: { 'test.example.com/poke': 'yes' } } }, 'merge');
    await eventually(async () => (await reconciles(port)) > reconcilesBefore);
    await new Promise((r) => setTimeout(r, 500));
    expect(await writes(port)).toBe(writesBefore);
  });
});
