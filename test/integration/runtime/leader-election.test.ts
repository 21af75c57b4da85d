import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { REPO_ROOT, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { consistently, eventually } from '../../harness/eventually.js';
import { spawnManaged, type ManagedProcess } from '../../harness/processes.js';
import type { KubeClient } from '../../../src/runtime/client/kube-client.js';
import type { KubeObject } from '../../../src/runtime/client/types.js';
import { adminClient, echoConfigMap, logLines } from './helpers.js';

jest.setTimeout(180_000);

const IDENTITY = 'echo.test/identity';
const TEST = { fieldManager: 'test' };
let cp: ControlPlane;
let client: KubeClient;
const processes: ManagedProcess[] = [];

beforeAll(async () => {
  cp = await startControlPlane({ name: 'runtime-leader', upstreamCrds: false });
  client = adminClient(cp);
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  client?.close();
  await cp?.stop();
});

function startEcho(name: string): { proc: ManagedProcess; log: string } {
  const log = join(cp.dir, `${name}.log`);
  const proc = spawnManaged(
    name,
    process.execPath,
    [
      '--import',
      'tsx',
      'test/harness/fixtures/echo-operator.ts',
      `--kubeconfig=${cp.kubeconfigPath}`,
      '--leader-elect',
      '--leader-election-namespace=default',
      '--leader-election-id=echo-lock',
      '--metrics-bind-address=0',
      '--health-probe-bind-address=0',
      '--log-level=debug',
    ],
    { cwd: REPO_ROOT, logFile: log, env: { ...process.env, POD_NAME: name } },
  );
  processes.push(proc);
  return { proc, log };
}

const reconciledBy = (log: string) => logLines(log).filter((l) => l.msg === 'reconciled').length;
const holder = async () =>
  (
    await client.get<KubeObject & { spec?: { holderIdentity?: string } }>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: 'default',
      name: 'echo-lock',
    })
  )?.spec?.holderIdentity ?? '';
const stampedBy = async (name: string) =>
  (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name }))?.metadata
    .annotations?.[IDENTITY] ?? '';

describe('leader election between two operator processes', () => {
  it('lets exactly one reconcile, and the standby takes over within 20 s when the leader is killed', async () => {
    const a = startEcho('op-a');
    await eventually(async () => (await holder()).startsWith('op-a_'), { timeout: 30_000 });
    const b = startEcho('op-b');
    await eventually(() => logLines(b.log).some((l) => l.msg === 'attempting to acquire leader lease'), {
      timeout: 30_000,
    });

    // The test writes as its own field manager so its applies never drop the operator's annotations.
    for (const n of ['le-1', 'le-2', 'le-3']) await client.apply(echoConfigMap(n, 'default', n), TEST);
    for (const n of ['le-1', 'le-2', 'le-3']) {
      await eventually(async () => (await stampedBy(n)).startsWith('op-a_'), { timeout: 15_000 });
    }
    await client.apply(echoConfigMap('le-1', 'default', 'changed'), TEST);
    await consistently(
      async () => (await stampedBy('le-1')).startsWith('op-a_') && reconciledBy(b.log) === 0,
      {
        duration: 3_000,
      },
    );
    expect(reconciledBy(a.log)).toBeGreaterThanOrEqual(3);
    expect(logLines(b.log).some((l) => l.msg === 'successfully acquired lease')).toBe(false);

    const killedAt = Date.now();
    await a.proc.stop('SIGKILL');
    await eventually(async () => (await stampedBy('le-1')).startsWith('op-b_'), {
      timeout: 25_000,
      interval: 100,
    });
    const tookOver = Date.now() - killedAt;
    console.log(`leader takeover: the standby stamped ${tookOver} ms after SIGKILL of the leader`);
    expect(tookOver).toBeLessThan(20_000);
    expect(await holder()).toMatch(/^op-b_/);
    for (const n of ['le-2', 'le-3']) {
      await eventually(async () => (await stampedBy(n)).startsWith('op-b_'), { timeout: 10_000 });
    }

    // SIGTERM: drain, release the lease (holder cleared at once), exit 0.
    await b.proc.stop('SIGTERM', 30_000);
    expect(await b.proc.exited).toBe(0);
    expect(await holder()).toBe('');
    const msgs = logLines(b.log).map((l) => l.msg);
    expect(msgs).toEqual(
      expect.arrayContaining(['received signal, shutting down', 'released lease', 'shutdown complete']),
    );
  });
});
