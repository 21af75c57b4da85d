#!/usr/bin/env node
/**
 * kubectl-mce: the kubectl plugin of the mce-maestro-operator (`kubectl mce rollout …` when this
 * is on PATH). Installed through package.json `bin`; in development run it with
 * `node --import tsx src/cli/kubectl-mce.ts`.
 */
import { runCli } from './run.js';

const interrupt = new AbortController();
// The first Ctrl-C ends a watch cleanly (exit 130); a second one kills the process as usual.
process.once('SIGINT', () => interrupt.abort());

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  now: () => Date.now(),
  interrupt: interrupt.signal,
});
