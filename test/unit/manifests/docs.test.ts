/**
 * One reference page per kind (docs/<kind>.md), kept in step with the schemas: every field of the
 * spec is in the page's "Spec" section and every status field in its "Status" section, by its
 * path or by a documented parent (a list, a map, a nested block, or a parent whose row names it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { JsonSchemaProps } from '../../../src/api/openapi.js';
import { ownCrds, REPO_ROOT } from '../../../hack/manifests.js';

interface Field {
  path: string;
  /** Ancestors, nearest last, with whether they are lists or maps. */
  ancestors: { path: string; collection: boolean }[];
}

/** Leaf fields (no nested properties) under `node`, with `[]` for list items. */
function leaves(node: JsonSchemaProps, prefix = '', ancestors: Field['ancestors'] = []): Field[] {
  const out: Field[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    const item = child.items?.properties ? child.items : undefined;
    const nested = child.properties ? child : item;
    if (!nested) {
      out.push({ path, ancestors });
      continue;
    }
    const self = { path, collection: Boolean(item || child.additionalProperties) };
    out.push(...leaves(nested, item ? `${path}[]` : path, [...ancestors, self]));
  }
  return out;
}

/** Text of the `## <title>` section (up to the next `## `). */
function section(markdown: string, title: string): string {
  const parts = markdown.split(/^## /m);
  return parts.find((p) => p.startsWith(`${title}\n`)) ?? '';
}

const backticked = (text: string) => new Set([...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? ''));

function undocumented(fields: Field[], text: string): string[] {
  const tokens = backticked(text);
  return fields
    .filter((f) => {
      if (tokens.has(f.path)) return false;
      const name = f.path.split('.').pop() ?? '';
      return !f.ancestors.some(
        (a) => tokens.has(a.path) && (a.collection || a.path.includes('.') || tokens.has(name)),
      );
    })
    .map((f) => f.path);
}

describe.each(ownCrds().map((c) => [c.spec.names.kind, c] as const))('docs for %s', (kind, crd) => {
  const page = readFileSync(join(REPO_ROOT, 'docs', `${kind.toLowerCase()}.md`), 'utf8');
  const root = crd.spec.versions.find((v) => v.storage)?.schema.openAPIV3Schema;

  it('document every spec field', () => {
    const spec = leaves(root?.properties?.spec ?? {});
    expect(spec.length).toBeGreaterThan(10);
    expect(undocumented(spec, section(page, 'Spec'))).toEqual([]);
  });

  it('document every status field', () => {
    const status = leaves(root?.properties?.status ?? {});
    expect(status.length).toBeGreaterThan(3);
    expect(undocumented(status, section(page, 'Status'))).toEqual([]);
  });

  it('show an example of the kind', () => {
    expect(page).toContain(`kind: ${kind}\n`);
  });
});
