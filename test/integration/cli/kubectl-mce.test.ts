/**
 * kubectl-mce as a separate process against a real API server. No controller runs: the test plays
 * it by writing status through the status subresource, and checks what the commands change.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { stringify as stringifyYaml } from 'yaml';
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND } from '../../../src/api/agentrollout.js';
import type { AgentRolloutStatus } from '../../../src/api/agentrollout-status.js';
import { agentRolloutCrd } from '../../../src/api/agentrollout-crd.js';
import { RESUME_ANNOTATION, ROLLBACK_ANNOTATION, rolloutRef } from '../../../src/api/agentrollout-object.js';
import { KubeClient } from '../../../src/runtime/client/kube-client.js';
import type { KubeObject } from '../../../src/runtime/client/types.js';
import { REPO_ROOT, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { sampleStatus } from '../../unit/cli/fixtures.js';

jest.setTimeout(120_000);

const ns = 'team-a';
const ESC = '\x1b';

interface Rollout extends KubeObject {
  spec: {
    paused?: boolean;
    approvals?: { groupName: string }[];
    approved?: { groupName: string; revision: string }[];
  };
  status?: AgentRolloutStatus;
}

let cp: ControlPlane;
let client: KubeClient;
let crdDir: string;

beforeAll(async () => {
  crdDir = mkdtempSync(join(tmpdir(), 'kubectl-mce-crd-'));
  writeFileSync(join(crdDir, 'agentrollouts.yaml'), stringifyYaml(agentRolloutCrd()));
  cp = await startControlPlane({ name: 'kubectl-mce', upstreamCrds: false, extraCrds: [crdDir] });
  client = new KubeClient({ kubeConfig: cp.kubeConfig(), qps: 100, burst: 200 });
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
  if (crdDir) rmSync(crdDir, { recursive: true, force: true });
});

/** Creates a rollout gated on prod, and plays the controller: the sample status for its generation. */
async function createRollout(name: string, status: Partial<AgentRolloutStatus> = {}): Promise<Rollout> {
  const created = await client.create<Rollout>({
    apiVersion: AGENT_ROLLOUT_API_VERSION,
    kind: AGENT_ROLLOUT_KIND,
    metadata: { name, namespace: ns },
    spec: {
      target: { transport: { type: 'grpc' } },
      placementRef: { name: 'all-clusters' },
      approvals: [{ groupName: 'prod' }],
    } as Rollout['spec'],
  });
  await setStatus(name, { ...sampleStatus(), observedGeneration: created.metadata.generation, ...status });
  return get(name);
}

async function setStatus(name: string, status: Partial<AgentRolloutStatus>): Promise<void> {
  await client.patch(rolloutRef(ns, name), { status }, 'merge', { subresource: 'status' });
}

async function get(name: string): Promise<Rollout> {
  const r = await client.get<Rollout>(rolloutRef(ns, name));
  if (!r) throw new Error(`${name} not found`);
  return r;
}

interface CliRun {
  code: Promise<number | null>;
  interrupt: () => void;
  stdout: () => string;
  stderr: () => string;
}

/** Starts `node --import tsx src/cli/kubectl-mce.ts ARGS` with the test kubeconfig (no TTY). */
function startCli(args: string[]): CliRun {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/kubectl-mce.ts', ...args, '--kubeconfig', cp.kubeconfigPath],
    { cwd: REPO_ROOT, env: { ...process.env, KUBECONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  });
  return { code, interrupt: () => child.kill('SIGINT'), stdout: () => out, stderr: () => err };
}

async function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args);
  const code = await run.code;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

describe('kubectl mce rollout status', () => {
  it('prints phase, numbers and a bar per group', async () => {
    await createRollout('status-once');
    const { code, stdout, stderr } = await cli('rollout', 'status', 'status-once', '-n', ns);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Phase:      WaitingForApproval');
    expect(stdout).toContain('Progress:   [█████████░░░░░░░░░░░]   46%  14/30  (1 failed)');
    expect(stdout).toMatch(/^ {2}canary {2}\[█{20}\] {2}100% {2}5\/5 {3}took 45m$/m);
    expect(stdout).toMatch(/^ {2}wave-1 {2}\[█{18}░{2}\] {3}90% {2}9\/10 {2}1 failed {2}took 50m$/m);
    expect(stdout).toMatch(/^ {2}prod {4}\[░{20}\] {4}0% {2}0\/15 {2}waiting for approval$/m);
    expect(stdout).toContain('spoke-017  wave-1  Failed: klusterlet degraded: ImagePullBackOff');
    expect(stdout).not.toContain(ESC);
  });

  it('says a missing rollout is not found, on one line, exit 1', async () => {
    const { code, stdout, stderr } = await cli('rollout', 'status', 'nope', '-n', ns);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: agentrollout ${ns}/nope not found\n`);
  });

  it('--watch follows changes and exits 0 when the rollout succeeds', async () => {
    const r = await createRollout('watch-ok', { phase: 'Progressing', message: 'rolling out group wave-1' });
    const run = startCli(['rollout', 'status', 'watch-ok', '-n', ns, '--watch']);
    await eventually(() => run.stdout().includes('Phase:      Progressing'), { message: 'first frame' });
    await setStatus('watch-ok', { phase: 'Succeeded', message: 'all clusters succeeded', percent: 100 });
    expect(await run.code).toBe(0);
    const out = run.stdout();
    expect(out).toContain('Phase:      Succeeded');
    expect(out.indexOf('Phase:      Progressing')).toBeLessThan(out.indexOf('Phase:      Succeeded'));
    expect(out).not.toContain(ESC);
    expect(run.stderr()).toBe('');
    expect(r.metadata.generation).toBe(1);
  });

  it('--watch ends on Ctrl-C with exit 130', async () => {
    await createRollout('watch-interrupted', { phase: 'Progressing' });
    const run = startCli(['rollout', 'status', 'watch-interrupted', '-n', ns, '--watch']);
    await eventually(() => run.stdout().includes('Phase:      Progressing'), { message: 'first frame' });
    run.interrupt();
    expect(await run.code).toBe(130);
    expect(run.stderr()).toBe('');
  });

  it.each(['Failed', 'Aborted', 'RolledBack'] as const)(
    '--watch exits 1 when the rollout ends %s',
    async (phase) => {
      const name = `watch-${phase.toLowerCase()}`;
      await createRollout(name, { phase: 'Progressing' });
      const run = startCli(['rollout', 'status', name, '-n', ns, '-w']);
      await eventually(() => run.stdout().includes('Phase:      Progressing'), { message: 'first frame' });
      await setStatus(name, { phase, message: `rollout ${phase}` });
      expect(await run.code).toBe(1);
      expect(run.stdout()).toContain(`Phase:      ${phase}`);
    },
  );
});

describe('kubectl mce rollout pause, resume, approve, rollback', () => {
  it('pause sets spec.paused; resume clears it and stamps resume-requested-at', async () => {
    await createRollout('lifecycle');
    const paused = await cli('rollout', 'pause', 'lifecycle', '-n', ns);
    expect(paused).toEqual({ code: 0, stdout: `agentrollout ${ns}/lifecycle paused\n`, stderr: '' });
    expect((await get('lifecycle')).spec.paused).toBe(true);

    const before = Date.now();
    const resumed = await cli('rollout', 'resume', 'lifecycle', '-n', ns);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^agentrollout team-a\/lifecycle resumed \(resume requested at .*Z\)\n$/);
    const r = await get('lifecycle');
    expect(r.spec.paused).toBe(false);
    const at = Date.parse(r.metadata.annotations?.[RESUME_ANNOTATION] ?? '');
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it('rollback stamps rollback-requested-at and leaves the spec alone', async () => {
    const r0 = await createRollout('to-roll-back');
    const before = Date.now();
    const { code, stdout } = await cli('rollout', 'rollback', 'to-roll-back', '-n', ns);
    expect(code).toBe(0);
    expect(stdout).toContain('rollback requested at');
    const r = await get('to-roll-back');
    const at = Date.parse(r.metadata.annotations?.[ROLLBACK_ANNOTATION] ?? '');
    expect(at).toBeGreaterThanOrEqual(before);
    expect(r.spec).toEqual(r0.spec);
    expect(r.metadata.generation).toBe(r0.metadata.generation);
  });

  it('approve adds the grant for status.revision once, and refuses an ungated group', async () => {
    await createRollout('gated');
    const first = await cli('rollout', 'approve', 'gated', 'prod', '-n', ns);
    expect(first).toEqual({
      code: 0,
      stdout: `agentrollout ${ns}/gated: group prod approved for revision 5d41402abc4b\n`,
      stderr: '',
    });
    expect((await get('gated')).spec.approved).toEqual([{ groupName: 'prod', revision: '5d41402abc4b' }]);

    const again = await cli('rollout', 'approve', 'gated', 'prod', '-n', ns);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already approved');
    const afterAgain = await get('gated');
    expect(afterAgain.spec.approved).toHaveLength(1);

    const refused = await cli('rollout', 'approve', 'gated', 'canary', '-n', ns);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `error: group "canary" of ${ns}/gated has no approval gate in spec.approvals (gated groups: prod)\n`,
    );
    expect((await get('gated')).metadata.resourceVersion).toBe(afterAgain.metadata.resourceVersion);
  });

  it('a usage error exits 2 with one line on stderr', async () => {
    const { code, stdout, stderr } = await cli('rollout', 'approve', 'gated');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'error: rollout approve needs NAME and GROUP (see kubectl mce rollout approve --help)\n',
    );
  });
});
