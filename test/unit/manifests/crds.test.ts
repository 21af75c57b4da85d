/**
 * What the generated CRDs promise a user: a description on every field, defaults and enums where
 * the schema has them, CEL rules where a schema can't say it, printer columns and the status
 * subresource.
 */
import { describe, expect, it } from '@jest/globals';
import type { JsonSchemaProps } from '../../../src/api/openapi.js';
import { ownCrds } from '../../../hack/manifests.js';

/** Paths of properties without a description (array items and map values are not fields). */
function undescribed(node: JsonSchemaProps, path: string): string[] {
  const out: string[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const p = `${path}.${name}`;
    if (!child.description && p !== '.metadata') out.push(p);
    out.push(...undescribed(child, p));
  }
  if (node.items) out.push(...undescribed(node.items, `${path}[]`));
  if (node.additionalProperties) out.push(...undescribed(node.additionalProperties, `${path}.*`));
  return out;
}

function collect(node: JsonSchemaProps, pick: (n: JsonSchemaProps) => boolean): JsonSchemaProps[] {
  const children = [
    ...Object.values(node.properties ?? {}),
    ...(node.items ? [node.items] : []),
    ...(node.additionalProperties ? [node.additionalProperties] : []),
  ];
  return [...(pick(node) ? [node] : []), ...children.flatMap((c) => collect(c, pick))];
}

describe.each(ownCrds().map((c) => [c.spec.names.kind, c] as const))('CRD %s', (_kind, crd) => {
  const version = crd.spec.versions.find((v) => v.storage);
  const root = version?.schema.openAPIV3Schema ?? {};

  it('describes every field', () => {
    expect(undescribed(root, '')).toEqual([]);
  });

  it('has defaults, enums and CEL rules', () => {
    expect(collect(root, (n) => n.default !== undefined).length).toBeGreaterThan(3);
    expect(collect(root, (n) => (n.enum?.length ?? 0) > 1).length).toBeGreaterThan(1);
    expect(collect(root, (n) => (n['x-kubernetes-validations']?.length ?? 0) > 0).length).toBeGreaterThan(0);
  });

  it('has the status subresource and printer columns with an age', () => {
    expect(version?.subresources).toEqual({ status: {} });
    expect(version?.additionalPrinterColumns?.map((c) => c.name)).toContain('Age');
    expect(crd.spec.versions.filter((v) => v.storage)).toHaveLength(1);
  });
});
