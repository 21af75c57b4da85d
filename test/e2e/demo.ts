/**
 * `make demo`: the operator's main job on an embedded local control plane. By default on the real
 * OCM hub with three real managed clusters (`demo-real.ts`), then the regional console over three
 * local regions (`demo-console.ts`); `--simulated` runs the same kind of story over 500 simulated
 * clusters (`demo-simulated.ts`); `--console` runs only the console part.
 *
 * The default runs each part as a child process, one after the other: each part ends with
 * `process.exit` and owns its own servers, and a part that fails still lets the next one show
 * itself (the exit code is the worst of the two). Ctrl-C ends the part that runs and skips the rest.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
if (args.includes('--console')) await import('./demo-console.js');
else if (args.includes('--simulated')) await import('./demo-simulated.js');
else {
  const here = dirname(fileURLToPath(import.meta.url));
  // The terminal's Ctrl-C reaches the running part too (same process group); it handles it.
  process.on('SIGINT', () => undefined);
  let worst = 0;
  for (const part of ['demo-real.ts', 'demo-console.ts']) {
    const exit = await new Promise<number | string>((resolve) => {
      const child = spawn(process.execPath, [...process.execArgv, join(here, part), ...args], {
        stdio: 'inherit',
      });
      child.on('exit', (code, signal) => resolve(code ?? signal ?? 1));
    });
    if (exit === 'SIGINT' || exit === 130) {
      worst = 130;
      break;
    }
    worst = Math.max(worst, typeof exit === 'number' ? exit : 1);
  }
  process.exit(worst);
}
