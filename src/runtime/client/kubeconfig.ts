import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** A kubeconfig that can't be used; `path` says which file (or source) was tried. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where a loaded kubeconfig came from, for the startup log line. */
export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  /** A file path, or `in-cluster`. */
  source: string;
}

/**
 * Loads a kubeconfig the way controller-runtime does: the explicit path if given, else
 * `$KUBECONFIG`, else the in-cluster service account, else `~/.kube/config`. Unlike client-node's
 * `loadFromDefault`, it never falls back to `http://localhost:8080`: anything unusable throws a
 * `KubeconfigError` naming the file.
 */
export function loadKubeConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): LoadedKubeConfig {
  if (path) return { kubeConfig: fromFile(path), source: path };
  const fromEnv = env.KUBECONFIG?.split(':').filter(Boolean) ?? [];
  if (fromEnv.length > 0) {
    const kc = fromFile(fromEnv[0] ?? '');
    for (const extra of fromEnv.slice(1)) {
      if (existsSync(extra)) kc.mergeConfig(fromFile(extra));
    }
    return { kubeConfig: kc, source: fromEnv.join(':') };
  }
  if (env.KUBERNETES_SERVICE_HOST && existsSync(join(SA_DIR, 'token'))) {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return { kubeConfig: kc, source: 'in-cluster' };
  }
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return { kubeConfig: fromFile(home), source: home };
  throw new KubeconfigError(
    'no kubeconfig found: pass --kubeconfig, set KUBECONFIG, run in a cluster, or create ~/.kube/config',
    home,
  );
}

function fromFile(path: string): KubeConfig {
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KubeconfigError(
      code === 'ENOENT'
        ? 'kubeconfig file does not exist'
        : `kubeconfig file is not readable (${code ?? 'error'})`,
      path,
    );
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KubeconfigError(`kubeconfig file is not valid: ${(err as Error).message}`, path);
  }
  kc.makePathsAbsolute(dirname(path));
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server)
    throw new KubeconfigError('kubeconfig has no current context with a cluster server', path);
  return kc;
}
