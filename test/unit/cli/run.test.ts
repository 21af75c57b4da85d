import { describe, expect, it } from '@jest/globals';
import { runCli, type CliIo } from '../../../src/cli/run.js';
import { HELP } from '../../../src/cli/usage.js';

function fakeIo(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    env,
    now: () => 0,
    interrupt: new AbortController().signal,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('runCli without an API server', () => {
  it('prints help on stdout with exit 0', async () => {
    const t = fakeIo();
    expect(await runCli(['rollout', 'approve', '--help'], t.io)).toBe(0);
    expect(t.out()).toBe(`${HELP.approve}\n`);
    expect(t.err()).toBe('');
  });

  it('prints a usage error as one line on stderr with exit 2', async () => {
    const t = fakeIo();
    expect(await runCli(['rollout', 'status'], t.io)).toBe(2);
    expect(t.err()).toMatch(/^error: rollout status needs NAME .*\n$/);
    expect(t.err().trim()).not.toContain('\n');
    expect(t.out()).toBe('');
  });

  it('reports an unusable kubeconfig as one line with exit 1', async () => {
    const t = fakeIo();
    expect(await runCli(['rollout', 'status', 'r1', '--kubeconfig', '/nonexistent/kubeconfig'], t.io)).toBe(
      1,
    );
    expect(t.err()).toBe('error: kubeconfig file does not exist (/nonexistent/kubeconfig)\n');
  });
});
