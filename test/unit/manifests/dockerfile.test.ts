/**
 * No container engine runs here, so the operator image can't be built in tests; this lints the
 * Dockerfile for what it promises instead: multi-stage on UBI 9 with Node 22, production
 * dependencies only in the final stage, a non-root user, and an entrypoint that exists after
 * `npm run build` (compiled here into a scratch directory with the same tsconfig).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../../../hack/manifests.js';

interface Instruction {
  op: string;
  args: string;
}

/** Instructions per stage (comments dropped, continuation lines joined). */
function stages(dockerfile: string): Instruction[][] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const out: Instruction[][] = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const ins = { op: op.toUpperCase(), args: rest.join(' ') };
    if (ins.op === 'FROM') out.push([]);
    out[out.length - 1]?.push(ins);
  }
  return out;
}

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const all = stages(dockerfile);
const final = all[all.length - 1] ?? [];
const runs = (stage: Instruction[]) => stage.filter((i) => i.op === 'RUN').map((i) => i.args);

describe('Dockerfile', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'mmo-build-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('is multi-stage on UBI 9 with Node 22', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all)
      expect(stage[0]?.args).toMatch(/^registry\.access\.redhat\.com\/ubi9\/nodejs-22(\s|$|-|@)/);
    expect(runs(all[0] ?? []).join('\n')).toMatch(/npm ci\b/);
    expect(runs(all[0] ?? []).join('\n')).toMatch(/npm run build/);
  });

  it('installs only production dependencies in the final stage and copies the build output', () => {
    const installs = runs(final).filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    expect(installs.length).toBeGreaterThan(0);
    for (const r of installs) expect(r).toMatch(/--omit=dev/);
    expect(runs(final).some((r) => /npm run build|tsc/.test(r))).toBe(false);
    expect(final.some((i) => i.op === 'COPY' && /--from=\S+/.test(i.args) && /dist/.test(i.args))).toBe(true);
    expect(final.some((i) => i.op === 'COPY' && /\bsrc\b/.test(i.args) && !/--from/.test(i.args))).toBe(
      false,
    );
  });

  it('runs as a non-root user', () => {
    const users = final.filter((i) => i.op === 'USER').map((i) => i.args);
    const last = users[users.length - 1] ?? 'root';
    expect(last).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it('starts the compiled operator, and that file exists after npm run build', async () => {
    const entrypoint = final.filter((i) => i.op === 'ENTRYPOINT').pop();
    const argv = JSON.parse(entrypoint?.args ?? '[]') as string[];
    expect(argv[0]).toBe('node');
    const script = argv[1] ?? '';
    expect(script).toBe(`dist/src/main.js`);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: { build: string };
    };
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    // `npm run build`, with the output redirected so the working tree is left alone.
    await promisify(execFile)(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        join(scratch, 'dist'),
      ],
      { cwd: REPO_ROOT },
    );
    expect(existsSync(join(scratch, script))).toBe(true);
  }, 120_000);

  it('sends the build context nothing but what the build copies', () => {
    const ignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8');
    expect(ignore).toMatch(/^\*$/m);
    for (const kept of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/'])
      expect(ignore).toContain(`!${kept}`);
  });
});
