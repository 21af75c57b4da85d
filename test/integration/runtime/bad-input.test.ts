import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { REPO_ROOT, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { freePort } from '../../harness/ports.js';
import { spawnManaged, type ManagedProcess } from '../../harness/processes.js';
import type { KubeClient } from '../../../src/runtime/client/kube-client.js';
import { adminClient, echoConfigMap, logLines } from './helpers.js';

jest.setTimeout(180_000);

let cp: ControlPlane;
let client: KubeClient;
const processes: ManagedProcess[] = [];

beforeAll(async () => {
  cp = await startControlPlane({ name: 'runtime-bad-input', upstreamCrds: false });
  client = adminClient(cp);
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  client?.close();
  await cp?.stop();
});

function spawn(name: string, script: string, args: string[]) {
  const log = join(cp.dir, `${name}.log`);
  const proc = spawnManaged(name, process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    logFile: log,
  });
  processes.push(proc);
  return { proc, log };
}

describe('bad input', () => {
  it('exits 2 with one clear line naming a missing kubeconfig', async () => {
    const missing = join(cp.dir, 'no-such-kubeconfig');
    const { proc, log } = spawn('missing-kubeconfig', 'src/main.ts', [`--kubeconfig=${missing}`]);
    expect(await proc.exited).toBe(2);
    const lines = logLines(log);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 60, msg: 'cannot load kubeconfig', path: missing });
    expect(String(lines[0]?.reason)).toContain('does not exist');
  });

  it('exits 2 on an invalid flag, naming it', async () => {
    const { proc, log } = spawn('bad-flag', 'src/main.ts', ['--qps=fast']);
    expect(await proc.exited).toBe(2);
    expect(logLines(log)).toEqual([
      expect.objectContaining({ msg: 'invalid command line', reason: expect.stringContaining('--qps') }),
    ]);
  });

  it('waits for an API server that is down at start, not ready meanwhile, then reconciles', async () => {
    await cp.stopApiServer();
    const probePort = await freePort();
    const { proc, log } = spawn('echo-late', 'test/harness/fixtures/echo-operator.ts', [
      `--kubeconfig=${cp.kubeconfigPath}`,
      '--metrics-bind-address=0',
      `--health-probe-bind-address=127.0.0.1:${probePort}`,
    ]);
    await eventually(() => logLines(log).filter((l) => l.msg === 'waiting for API server').length >= 2, {
      timeout: 30_000,
    });
    const waiting = logLines(log).find((l) => l.msg === 'waiting for API server');
    expect(waiting).toMatchObject({ level: 40, server: cp.server, plane: 'data+control' });
    expect(waiting?.retryInMs).toEqual(expect.any(Number));
    expect((await fetch(`http://127.0.0.1:${probePort}/healthz`)).status).toBe(200);
    const notReady = await fetch(`http://127.0.0.1:${probePort}/readyz`);
    expect(notReady.status).toBe(500);
    expect(await notReady.text()).toContain('[-]apiserver failed: waiting for API server');
    expect(proc.running()).toBe(true);

    await cp.startApiServer();
    await client.apply(echoConfigMap('late', 'default', 'v1'), { fieldManager: 'test' });
    await eventually(
      async () =>
        (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'late' }))
          ?.metadata.annotations?.['echo.test/observed'] === 'v1',
      { timeout: 30_000 },
    );
    await eventually(async () => (await fetch(`http://127.0.0.1:${probePort}/readyz`)).status === 200);
    expect(proc.running()).toBe(true);
    await proc.stop('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
