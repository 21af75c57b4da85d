/**
 * Runs the benchmarks in test/bench/*.bench.ts and prints their figures.
 *
 *   npm run bench                 # all, as a table
 *   npm run bench -- --json       # all, one JSON document on stdout (logs go to stderr)
 *   npm run bench -- planner      # only files whose name contains "planner"
 *
 * A bench file exports `run(options): Promise<BenchResult[]>`. Figures are measured, never
 * asserted here; each result carries its target so a reader (or CI log) sees both side by side.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const filters = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const results: BenchResult[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  process.stderr.write(`bench: ${file}\n`);
  const out = await mod.run({ log: (line: string) => process.stderr.write(`  ${line}\n`) });
  results.push(...out);
  if (!json) {
    for (const r of out) {
      const target = r.target === undefined ? '' : ` (target ${r.target.op} ${r.target.value}${r.unit})`;
      const verdict = r.target === undefined ? '' : r.pass ? '  ok' : '  MISSED';
      console.log(`${r.name}: ${formatNumber(r.value)}${r.unit}${target}${verdict}`);
    }
  }
}
if (json) console.log(JSON.stringify({ results }, null, 2));

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 3 : 1);
}
