/**
 * Our own CRDs, rendered from the zod schemas into a temp directory, for control planes that need
 * them before `make manifests` has written `crds/` (and to test exactly what the code generates).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { agentRolloutCrd } from '../../src/api/agentrollout-crd.js';
import { maestroCrd } from '../../src/api/maestro-crd.js';

/** Writes every CRD we own into a fresh directory and returns it (pass it to `extraCrds`). */
export function ownCrdDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmo-crds-'));
  writeFileSync(join(dir, 'maestros.yaml'), stringify(maestroCrd()));
  writeFileSync(join(dir, 'agentrollouts.yaml'), stringify(agentRolloutCrd()));
  return dir;
}
