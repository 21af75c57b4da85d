import { describe, expect, it } from '@jest/globals';
import type { AgentRolloutStatus } from '../../../../src/api/agentrollout-status.js';
import {
  STATUS_PROGRESS_INTERVAL_MS,
  statusWriteDelay,
} from '../../../../src/controllers/rollout/status-pacing.js';
import { emptyStateCounts } from '../../../../src/api/agentrollout-status.js';

const counts = (succeeded: number, progressing: number) => ({
  ...emptyStateCounts(),
  pending: 100 - succeeded - progressing,
  progressing,
  succeeded,
});

const group = {
  name: '',
  index: 0,
  mandatory: false,
  approval: 'NotRequired' as const,
  total: 100,
  counts: counts(10, 25),
  startTime: 't0',
};
const condition = {
  type: 'Progressing',
  status: 'True' as const,
  reason: 'Progressing',
  message: '10 of 100',
  lastTransitionTime: 't0',
};
const base: AgentRolloutStatus = {
  observedGeneration: 1,
  phase: 'Progressing',
  revision: 'r1',
  total: 100,
  progress: '10/100',
  percent: 10,
  counts: counts(10, 25),
  groups: [
    {
      name: '',
      index: 0,
      mandatory: false,
      approval: 'NotRequired',
      total: 100,
      counts: counts(10, 25),
      startTime: 't0',
    },
  ],
  conditions: [
    {
      type: 'Progressing',
      status: 'True',
      reason: 'Progressing',
      message: '10 of 100',
      lastTransitionTime: 't0',
    },
  ],
};
const progressed: AgentRolloutStatus = {
  ...base,
  progress: '11/100',
  percent: 11,
  counts: counts(11, 25),
  groups: [{ ...group, counts: counts(11, 25), finishTime: 't-latest' }],
  conditions: [{ ...condition, message: '11 of 100' }],
};

describe('statusWriteDelay', () => {
  it('writes nothing when nothing changed', () => {
    expect(statusWriteDelay(base, structuredClone(base), 1_000, 1_500)).toBeUndefined();
  });

  it('writes the first status and any status of a process that has not written yet at once', () => {
    expect(statusWriteDelay(undefined, base, undefined, 0)).toBe(0);
    expect(statusWriteDelay(base, progressed, undefined, 0)).toBe(0);
  });

  it('paces progress-only changes to one write per interval, then writes (the finish time of a group in flight is progress)', () => {
    expect(statusWriteDelay(base, progressed, 10_000, 10_500)).toBe(STATUS_PROGRESS_INTERVAL_MS - 500);
    expect(statusWriteDelay(base, progressed, 10_000, 10_000 + STATUS_PROGRESS_INTERVAL_MS)).toBe(0);
  });

  it.each([
    ['the phase', { phase: 'Succeeded' as const }],
    ['the revision', { revision: 'r2' }],
    ['the observed generation', { observedGeneration: 2 }],
    ['a failed cluster', { failedClusters: [{ name: 'c1', group: '', reason: 'Failed' as const }] }],
    ['a group approval', { groups: [{ ...group, approval: 'Waiting' as const }] }],
    ['a group finishing', { groups: [{ ...group, counts: counts(100, 0), finishTime: 't1' }] }],
    ['a condition status', { conditions: [{ ...condition, status: 'False' as const }] }],
    ['the plan memo', { plan: { revision: 'r1', startedAt: 't0', groups: [] } }],
  ])('writes a change of %s at once, whenever the last write was', (_what, change) => {
    expect(statusWriteDelay(base, { ...progressed, ...change }, 10_000, 10_001)).toBe(0);
  });
});
