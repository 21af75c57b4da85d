/**
 * The OLM bundle passes operator-framework's own validators (default and OperatorHub suites),
 * built from `github.com/operator-framework/api` by hack/build-validators.sh (cached), which exit
 * non-zero on any error. Warnings are reported in the output and also fail here: there are none.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { MIN_KUBE_VERSION } from '../../../hack/bundle.js';
import { REPO_ROOT } from '../../harness/control-plane.js';

const run = promisify(execFile);

async function validate(...args: string[]): Promise<{ code: number; out: string }> {
  const built = await run('bash', [join(REPO_ROOT, 'hack/build-validators.sh')], { maxBuffer: 16 << 20 });
  const bin = built.stdout.trim().split('\n').pop() ?? '';
  try {
    const { stdout } = await run(bin, args, { cwd: REPO_ROOT });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('olm-bundle', () => {
  it('passes the bundle validators with no errors and no warnings', async () => {
    const result = await validate(join(REPO_ROOT, 'olm-bundle'), MIN_KUBE_VERSION);
    expect(result).toEqual({ code: 0, out: 'bundle mce-maestro-operator.v0.1.0: 0 errors, 0 warnings\n' });
  }, 600_000);

  it('is refused when it is broken (the validator does fail)', async () => {
    const result = await validate(join(REPO_ROOT, 'config'));
    expect(result.code).not.toBe(0);
  }, 600_000);
});
