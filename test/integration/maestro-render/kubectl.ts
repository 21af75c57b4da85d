/**
 * kubectl against the test control plane, returning exit code, stdout and stderr instead of
 * throwing, so tests can assert on rejections (403 Forbidden, 422 Invalid) and on warnings.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { ControlPlane } from '../../harness/control-plane.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectlRaw(cp: ControlPlane, args: string[], input?: unknown): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      join(cp.binDir, 'kubectl'),
      // A discovery cache per control plane: ports are reused by later control planes with other CRDs.
      [`--kubeconfig=${cp.kubeconfigPath}`, `--cache-dir=${join(cp.dir, 'kubectl-cache')}`, ...args],
      { maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input === undefined ? '' : JSON.stringify(input));
  });
}

/** A v1 List of objects, as `kubectl -f -` reads it. */
export function list(items: unknown[]): { apiVersion: 'v1'; kind: 'List'; items: unknown[] } {
  return { apiVersion: 'v1', kind: 'List', items };
}

/** `kubectl apply --server-side --dry-run=server` with our field manager, one `-o name` line per object. */
export function dryRunApply(cp: ControlPlane, items: unknown[]): Promise<KubectlResult> {
  return kubectlRaw(
    cp,
    [
      'apply',
      '--server-side',
      '--dry-run=server',
      '--field-manager=mce-maestro-operator',
      '-o',
      'name',
      '-f',
      '-',
    ],
    list(items),
  );
}
