/**
 * Our own CRDs, rendered from the zod schemas into a temp directory, for control planes that need
 * them before `make manifests` has written `crds/` (and to test exactly what the code generates).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { agentRolloutCrd } from '../../src/api/agentrollout-crd.js';
import { maestroCrd } from '../../src/api/maestro-crd.js';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.js';

/** Writes every CRD we own into a fresh directory and returns it (the caller removes it). */
function ownCrdDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmo-crds-'));
  writeFileSync(join(dir, 'maestros.yaml'), stringify(maestroCrd()));
  writeFileSync(join(dir, 'agentrollouts.yaml'), stringify(agentRolloutCrd()));
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
