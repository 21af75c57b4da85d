/**
 * Our own CRDs, rendered from the zod schemas into a temp directory, for control planes that need
 * them before `make manifests` has written `crds/` (and to test exactly what the code generates).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { allCrds } from '../../src/api/crds.js';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.js';

/** Writes every CRD we own into a fresh directory and returns it (the caller removes it). */
function ownCrdDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmo-crds-'));
  for (const crd of allCrds()) writeFileSync(join(dir, `${crd.spec.names.plural}.yaml`), stringify(crd));
  return dir;
}

/** A local control plane with the upstream CRDs and ours as the code generates them now. */
export async function startControlPlaneWithOwnCrds(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const crds = ownCrdDir();
  try {
    return await startControlPlane({ ...opts, ownCrds: false, extraCrds: [crds, ...(opts.extraCrds ?? [])] });
  } finally {
    rmSync(crds, { recursive: true, force: true });
  }
}
