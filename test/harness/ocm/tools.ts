/**
 * The real OCM programs and CRDs, built from the pinned Go module open-cluster-management.io/ocm
 * (hack/build-ocm.sh, hack/upstream-crds.sh ocm-hub|ocm-spoke), cached outside the repository.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../control-plane.js';

const run = promisify(execFile);
const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';
const once = new Map<string, Promise<string>>();

function cached(key: string, script: string, args: string[]): Promise<string> {
  let p = once.get(key);
  if (!p) {
    p = run('bash', [join(REPO_ROOT, script), ...args], { maxBuffer: 64 << 20 }).then((r) =>
      lastLine(r.stdout),
    );
    once.set(key, p);
  }
  return p;
}

/** The bin directory of the OCM programs at `version` (default: OCM_VERSION of hack/versions.env). */
export const ocmBinDir = (version?: string): Promise<string> =>
  cached(`bin-${version ?? ''}`, 'hack/build-ocm.sh', version ? [version] : []);

/** The hub CRDs the real hub controllers expect. */
export const ocmHubCrdDir = (): Promise<string> => cached('hub', 'hack/upstream-crds.sh', ['ocm-hub']);

/** The CRDs the real klusterlet agent expects on a managed cluster (AppliedManifestWork, ClusterClaim…). */
export const ocmSpokeCrdDir = (): Promise<string> => cached('spoke', 'hack/upstream-crds.sh', ['ocm-spoke']);
