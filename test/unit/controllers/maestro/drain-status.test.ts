import { describe, expect, it } from '@jest/globals';
import type { MaestroRuntime } from '../../../../src/controllers/maestro/maestro-runtime.js';
import type { Report } from '../../../../src/controllers/maestro/outcome.js';
import { drainJustStarted } from '../../../../src/controllers/maestro/reconcile.js';
import type { DrainState } from '../../../../src/controllers/maestro/transport-rollout.js';

const runtime = (now: number, drainWrittenAt?: number) =>
  ({ clock: { now: () => now }, drainWrittenAt }) as unknown as MaestroRuntime;
const disabled = (drain: DrainState): Report => ({
  outcome: {
    kind: 'Disabled',
    reason: 'ComponentDisabled',
    message: 'off',
    remaining: [],
    retained: [],
    drain,
  },
});
const waiting = disabled({ kind: 'Waiting', message: '3 clusters still on grpc' });

describe('status while agents move back to kube', () => {
  it('waits for a drain written less than a second ago', () => {
    expect(drainJustStarted(runtime(10_500, 10_000), waiting)).toBe(true);
  });

  it('shows a drain that takes longer, and never waits without a drain in progress', () => {
    expect(drainJustStarted(runtime(11_000, 10_000), waiting)).toBe(false);
    expect(drainJustStarted(runtime(10_500), waiting)).toBe(false);
    expect(drainJustStarted(runtime(10_500, 10_000), disabled({ kind: 'Done' }))).toBe(false);
    expect(drainJustStarted(runtime(10_500, 10_000), {})).toBe(false);
  });
});
