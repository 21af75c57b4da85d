/**
 * The import graph of `src/`: no cycles (type-only imports included: they still tie the files'
 * meaning together), and no arrow from a lower layer up to a higher one. Layers, lowest first:
 * schemas (`api`); pure cores (`rollout` planner, Maestro `render`, the console's contract and
 * label-selector strings, which the browser app bundles too);
 * the runtime (`runtime`, `kube`, `rbac`, and `tls`: the key material both controllers issue);
 * controllers and the console server; entry points.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

const LAYERS: [prefix: string, layer: number][] = [
  ['api/', 0],
  ['rollout/', 1],
  ['controllers/maestro/render/', 1],
  ['console/contract.ts', 1],
  ['console/label-selector-string.ts', 1],
  ['runtime/', 2],
  ['kube/', 2],
  ['rbac/', 2],
  ['tls/', 2],
  ['controllers/', 3],
  ['console/', 3],
  ['cli/', 4],
  ['main.ts', 4],
];

function layerOf(file: string): number {
  const found = LAYERS.find(([prefix]) => file.startsWith(prefix));
  if (!found) throw new Error(`${file} is in no layer: add its folder to LAYERS`);
  return found[1];
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [relative(SRC, p)] : [];
  });
}

/** Relative imports and re-exports of each file, as files under src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const deps = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) =>
      relative(SRC, resolve(SRC, dirname(file), (m[1] as string).replace(/\.js$/, '.ts'))),
    );
    graph.set(file, deps);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('resolves every relative import to a file of src/', () => {
    const missing = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => !graph.has(d)).map((d) => `${f} -> ${d}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no arrow from a lower layer up to a higher one', () => {
    const upward = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => layerOf(d) > layerOf(f)).map((d) => `${f} -> ${d}`),
    );
    expect(upward).toEqual([]);
  });
});
