/** AgentRollouts as the CLI reads them, for the CLI's unit and integration tests. */
import {
  stateCountsSchema,
  type AgentRolloutStatus,
  type GroupStatus,
  type StateCountsStatus,
} from '../../../src/api/agentrollout-status.js';
import type { CliRollout } from '../../../src/api/agentrollout-object.js';

/** Clusters by state, zero unless given. */
export function counts(partial: Partial<StateCountsStatus> = {}): StateCountsStatus {
  const zero = Object.fromEntries(stateCountsSchema.keyof().options.map((state) => [state, 0]));
  return { ...(zero as StateCountsStatus), ...partial };
}

/** One decision group. */
export function group(
  name: string,
  index: number,
  total: number,
  partial: Partial<GroupStatus> = {},
): GroupStatus {
  return { name, index, mandatory: false, approval: 'NotRequired', total, counts: counts(), ...partial };
}

/** Three groups (canary done, wave-1 done with one failure, prod waiting for approval): 14/30. */
export function sampleStatus(partial: Partial<AgentRolloutStatus> = {}): AgentRolloutStatus {
  return {
    observedGeneration: 1,
    phase: 'WaitingForApproval',
    message: 'waiting for approval of group prod',
    target: 'klusterlet 2.17.0',
    revision: '5d41402abc4b',
    progress: '14/30',
    percent: 46,
    total: 30,
    counts: counts({ succeeded: 14, failed: 1, pending: 15 }),
    groups: [
      group('canary', 0, 5, {
        mandatory: true,
        counts: counts({ succeeded: 5 }),
        startTime: '2025-06-01T10:00:00Z',
        finishTime: '2025-06-01T10:45:00Z',
      }),
      group('wave-1', 1, 10, {
        counts: counts({ succeeded: 9, failed: 1 }),
        startTime: '2025-06-01T10:50:00Z',
        finishTime: '2025-06-01T11:40:00Z',
      }),
      group('prod', 2, 15, { approval: 'Waiting', counts: counts({ pending: 15 }) }),
    ],
    failedClusters: [
      {
        name: 'spoke-017',
        group: 'wave-1',
        reason: 'Failed',
        message: 'klusterlet degraded: ImagePullBackOff',
      },
    ],
    startTime: '2025-06-01T10:00:00Z',
    nextCheckTime: '2025-06-01T12:10:00Z',
    plan: { revision: '5d41402abc4b', startedAt: '2025-06-01T10:00:00Z', groups: [] },
    ...partial,
  };
}

/** The clock of the sample: 2h5m after the rollout started. */
export const SAMPLE_NOW = Date.parse('2025-06-01T12:05:00Z');

/** A rollout team-a/klusterlet-2-17 with a gate on prod and the sample status (null: no status). */
export function sampleRollout(
  status: AgentRolloutStatus | null = sampleStatus(),
  spec: CliRollout['spec'] = { approvals: [{ groupName: 'prod' }] },
): CliRollout {
  return {
    metadata: { name: 'klusterlet-2-17', namespace: 'team-a', generation: 1, resourceVersion: '42' },
    spec,
    ...(status ? { status } : {}),
  };
}
