/**
 * Every image the operator ships with a default for is pinned by digest, so an install or a
 * rebuild can't silently pick up another image under a moved tag: the operand images in the
 * operator Deployment (`OPERAND_IMAGE_*`), which the CSV lists as relatedImages for mirroring, and
 * the Dockerfile's base images. The code itself has no image defaults: every operand image comes
 * from `OPERAND_IMAGE_*` (or the Maestro's spec.images), so overriding the variable is enough.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { clusterServiceVersion, readRepoFile } from '../../../hack/bundle.js';
import { REPO_ROOT } from '../../../hack/manifests.js';
import { IMAGE_REFERENCE_PATTERN } from '../../../src/api/maestro-fields.js';
import { OPERAND_IMAGE_ENV, operandImagesFromEnv } from '../../../src/controllers/maestro/render/settings.js';

const DIGEST_PINNED = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

interface Container {
  image: string;
  env?: { name: string; value?: string }[];
}
const manager = (
  parse(readFileSync(join(REPO_ROOT, 'config/manager/manager.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: Container[] } } };
  }
).spec.template.spec.containers[0];
if (!manager) throw new Error('config/manager/manager.yaml has no container');

const operandEnv = (manager.env ?? []).filter((e) => e.name.startsWith('OPERAND_IMAGE_'));
const defaults = Object.fromEntries(operandEnv.map((e) => [e.name, e.value ?? '']));

const csv = clusterServiceVersion(readRepoFile) as {
  spec: { relatedImages: { name: string; image: string }[] };
};
const generatedCsv = parse(
  readFileSync(
    join(REPO_ROOT, 'olm-bundle/manifests/mce-maestro-operator.clusterserviceversion.yaml'),
    'utf8',
  ),
) as { spec: { relatedImages: { name: string; image: string }[] } };

const fromLines = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')
  .split('\n')
  .filter((l) => /^FROM\s/i.test(l.trim()))
  .map((l) => l.trim().split(/\s+/)[1] ?? '');

describe('default images', () => {
  it('the operator Deployment sets every OPERAND_IMAGE_* the code reads, and no other', () => {
    expect(Object.keys(defaults).sort()).toEqual(Object.values(OPERAND_IMAGE_ENV).sort());
  });

  it.each(Object.values(OPERAND_IMAGE_ENV))('%s defaults to a digest-pinned image', (name) => {
    const image = defaults[name] ?? '';
    expect({ name, image, pinned: DIGEST_PINNED.test(image) }).toEqual({ name, image, pinned: true });
    // The operator validates OPERAND_IMAGE_* with the same pattern as spec.images.
    expect(IMAGE_REFERENCE_PATTERN.test(image)).toBe(true);
  });

  it('the code has no image of its own: an empty environment gives no operand image', () => {
    expect(operandImagesFromEnv({})).toEqual({});
    // ...and each variable alone overrides its image.
    for (const [key, name] of Object.entries(OPERAND_IMAGE_ENV))
      expect(
        operandImagesFromEnv({ [name]: `registry.example.com/${key}@sha256:${'0'.repeat(64)}` }),
      ).toEqual({
        [key]: `registry.example.com/${key}@sha256:${'0'.repeat(64)}`,
      });
  });

  it('every Dockerfile base image is digest-pinned', () => {
    expect(fromLines.length).toBeGreaterThanOrEqual(2);
    for (const image of fromLines)
      expect({ image, pinned: DIGEST_PINNED.test(image) }).toEqual({ image, pinned: true });
  });

  it('the CSV lists every operand default as a relatedImage, digest and all', () => {
    for (const related of [csv.spec.relatedImages, generatedCsv.spec.relatedImages]) {
      const images = related.map((r) => r.image);
      for (const image of Object.values(defaults)) expect(images).toContain(image);
      // Besides the operands, only the operator's own image (tagged at release).
      expect(related.filter((r) => !Object.values(defaults).includes(r.image))).toEqual([
        { name: 'mce-maestro-operator', image: manager.image },
      ]);
    }
  });
});
