import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { consoleControllerFactory } from '../../../src/controllers/console/index.js';
import { sharedRolloutInformers } from '../../../src/controllers/rollout/world.js';
import type { ControllerDeps } from '../../../src/controllers/index.js';
import type { KubeClient } from '../../../src/runtime/client/kube-client.js';
import { parseFlags } from '../../../src/runtime/flags.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import type { Registration } from '../../../src/runtime/manager.js';

const dir = mkdtempSync(join(tmpdir(), 'console-factory-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function deps(args: string[]): ControllerDeps {
  // Informers touch their client only when started; these never are.
  const data = {} as KubeClient;
  return {
    planes: { data, control: data, same: true },
    logger: silentLogger,
    identity: 'test',
    recorder: {},
    flags: parseFlags(['--kubeconfig', kubeconfig, ...args], {}),
  } as unknown as ControllerDeps;
}

describe('consoleControllerFactory', () => {
  it('registers nothing when the console is off', async () => {
    expect(await consoleControllerFactory(deps([]))).toEqual({});
  });

  it('shares the rollout controllers’ informers: one ManagedCluster informer per data plane', async () => {
    const d = deps(['--console-bind-address=127.0.0.1:0']);
    const reg = (await consoleControllerFactory(d)) as Registration;
    const world = sharedRolloutInformers(d.planes.data, silentLogger);
    expect(sharedRolloutInformers(d.planes.data, silentLogger)).toBe(world);
    const clusterInformers = (reg.informers ?? []).filter((i) => i.kind === 'ManagedCluster');
    expect(clusterInformers).toEqual([world.clusters]);
    expect(reg.informers?.some((i) => i.kind === 'ConsoleServer')).toBe(true);
  });
});
