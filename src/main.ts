/**
 * mce-maestro-operator: flags/env → planes → runtime → controllers (see `runOperator`).
 * `--help` lists the flags.
 */
import { controllers } from './controllers/index.js';
import { runOperator } from './runtime/run-operator.js';

process.exit(await runOperator(process.argv.slice(2), controllers));
