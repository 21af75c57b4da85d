/**
 * `make demo`: the operator's main job on an embedded local control plane. By default on the real
 * OCM hub with three real managed clusters (`demo-real.ts`); `--simulated` runs the same kind of
 * story over 500 simulated clusters (`demo-simulated.ts`).
 */
await import(process.argv.includes('--simulated') ? './demo-simulated.js' : './demo-real.js');
