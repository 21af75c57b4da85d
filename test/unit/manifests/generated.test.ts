/**
 * The committed output of `make manifests` and `make bundle` is what the generators produce now:
 * a schema, an RBAC table or a file in config/ changed without regenerating fails here. The
 * generators run in-process (not through make), and run twice to show they are deterministic.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { generateBundle, readRepoFile } from '../../../hack/bundle.js';
import { generateManifests, OWNED_DIRS, REPO_ROOT, type GeneratedFiles } from '../../../hack/manifests.js';

function generateAll(): GeneratedFiles {
  const manifests = generateManifests();
  const bundle = generateBundle((p) => manifests.get(p) ?? readRepoFile(p));
  return new Map([...manifests, ...bundle]);
}

const CSV = 'olm-bundle/manifests/mce-maestro-operator.clusterserviceversion.yaml';
const STALE = 'stale: run `make bundle` (manifests + bundle) and commit the result';

describe('generated files', () => {
  const files = generateAll();

  it('match what is committed', () => {
    const stale = [...files].filter(([path, content]) => {
      const full = join(REPO_ROOT, path);
      return !existsSync(full) || readFileSync(full, 'utf8') !== content;
    });
    expect({ stale: stale.map(([p]) => p), hint: STALE }).toEqual({ stale: [], hint: STALE });
  });

  it('leave no YAML behind that the generators no longer write', () => {
    const dirs = [...OWNED_DIRS, 'olm-bundle/manifests', 'olm-bundle/metadata'];
    const extra = dirs.flatMap((dir) =>
      readdirSync(join(REPO_ROOT, dir))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `${dir}/${f}`)
        .filter((p) => !files.has(p)),
    );
    expect(extra).toEqual([]);
  });

  it('are the same bytes on every run, with no timestamps but the release date', () => {
    expect(generateAll()).toEqual(files);
    // Dates in the samples (alm-examples) are data; the only date of the generator is createdAt.
    const csv = parse(files.get(CSV) ?? '') as { metadata: { annotations: Record<string, string> } };
    const { 'alm-examples': _examples, createdAt, ...rest } = csv.metadata.annotations;
    expect(createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
    const dated = [...files]
      .filter(([path]) => path !== CSV)
      .flatMap(([path, content]) => (/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(content) ? [path] : []));
    expect(dated).toEqual([]);
    expect(JSON.stringify({ ...csv, metadata: { annotations: rest } })).not.toMatch(/\d{4}-\d{2}-\d{2}T\d/);
  });

  it('name the CSV after the package version', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(files.get(CSV)).toContain(`name: mce-maestro-operator.v${version}\n`);
  });
});
