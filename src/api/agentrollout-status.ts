/**
 * `AgentRollout.status` and its printer columns. Bounded by design: counts, one summary per
 * decision group, the first failed clusters and the planner's small memo — never a list of every
 * cluster (an object is at most 1.5 MB in etcd; a fleet has up to 200,000 clusters).
 */
import { z } from 'zod';
import { conditionSchema, observedGeneration } from './schema.js';

export const ROLLOUT_PHASES = [
  'Pending',
  'Progressing',
  'WaitingForWindow',
  'WaitingForApproval',
  'Paused',
  'RollingBack',
  'Succeeded',
  'Failed',
  'Aborted',
  'RolledBack',
] as const;
export type RolloutPhaseName = (typeof ROLLOUT_PHASES)[number];

/** At most this many failed clusters are listed in status. */
export const MAX_LISTED_FAILURES = 50;

const count = (description: string) => z.number().int().min(0).describe(description);

export const stateCountsSchema = z
  .object({
    pending: count('Not started yet.'),
    progressing: count('Started, target not yet observed healthy.'),
    soaking: count('Target observed healthy, waiting out minSuccessTime.'),
    succeeded: count('Target observed healthy for minSuccessTime.'),
    failed: count('Reported a failure within the progress deadline.'),
    timedOut: count('Did not succeed within the progress deadline.'),
    unreachable: count('Stopped reporting (ManagedCluster availability unknown).'),
    skipped: count('Left out of the rollout.'),
    rollbackPending: count('Waiting to be reverted.'),
    reverting: count('Being reverted.'),
    reverted: count('Reverted to the value recorded before the change.'),
    revertFailed: count('Failed to revert.'),
  })
  .describe('Clusters by state.');

export const groupStatusSchema = z
  .object({
    name: z
      .string()
      .describe('Decision group name ("" for unnamed groups, late-joiners for the final wave).'),
    index: z.number().int().describe('Decision group index.'),
    mandatory: z.boolean().describe('A mandatory decision group of the strategy.'),
    approval: z.enum(['NotRequired', 'Waiting', 'Approved']).describe('Approval state of the group.'),
    total: count('Clusters in the group (frozen when the revision started).'),
    counts: stateCountsSchema,
    startTime: z.string().optional().describe('When the first cluster of the group started.'),
    finishTime: z.string().optional().describe('When the last cluster of the group finished.'),
  })
  .describe('Progress of one decision group.');

export const failedClusterSchema = z
  .object({
    name: z.string().describe('ManagedCluster name.'),
    group: z.string().describe('Decision group name.'),
    reason: z.enum(['Failed', 'TimedOut', 'Unreachable', 'RevertFailed']).describe('Why it is listed.'),
    message: z.string().optional().describe('What the cluster reported, when known.'),
  })
  .describe('A cluster that failed.');

const frozenGroupSchema = z.object({
  name: z.string().describe('Group name.'),
  index: z.number().int().describe('Group index.'),
  size: count('Clusters frozen into the group.'),
});

/** The planner's memo (`RolloutMemo`) with times as RFC 3339 strings. */
export const planMemoSchema = z
  .object({
    revision: z.string().describe('Revision the plan was frozen for.'),
    startedAt: z.string().describe('When the revision started.'),
    groups: z.array(frozenGroupSchema).describe('Group order and sizes frozen when the revision started.'),
    halt: z
      .object({
        action: z.enum(['Pause', 'Abort', 'Rollback']).describe('What the failure policy decided.'),
        since: z.string().describe('When.'),
        reason: z.string().describe('Which budget gave way.'),
      })
      .optional()
      .describe('Set when a failure budget was exceeded (or a rollback was requested).'),
    forgiven: z
      .object({
        failures: count('Failures forgiven on resume.'),
        unreachable: count('Unreachable clusters forgiven on resume.'),
        groups: z
          .array(
            z.object({
              index: z.number().int().describe('Decision group index.'),
              failures: count('Failures forgiven in the group.'),
            }),
          )
          .describe('Failures forgiven per decision group.'),
      })
      .optional()
      .describe('Failures forgiven when a person resumed after a budget pause.'),
    membershipChunks: count('ConfigMaps holding the frozen membership of this revision.').optional(),
  })
  .describe('What the planner remembers between steps; small by design.');

export const agentRolloutStatusSchema = z
  .object({
    observedGeneration: observedGeneration('The .metadata.generation this status reflects.'),
    phase: z.enum(ROLLOUT_PHASES).optional().describe('Where the rollout stands.'),
    message: z
      .string()
      .optional()
      .describe('A human sentence about the phase, e.g. "waiting for approval of group canary".'),
    target: z.string().optional().describe('What is rolled out, e.g. "klusterlet 2.17.0".'),
    revision: z.string().optional().describe('Hash of the target: a change of target starts a new revision.'),
    progress: z.string().optional().describe('Succeeded over total, e.g. 450/500.'),
    percent: z.number().int().min(0).max(100).optional().describe('Succeeded clusters, in percent of all.'),
    total: count('Clusters in the rollout.').optional(),
    removed: count('Clusters that left the Placement during the revision.').optional(),
    counts: stateCountsSchema.optional(),
    groups: z
      .array(groupStatusSchema)
      .max(1000)
      .optional()
      .describe('One entry per decision group, in order.'),
    failedClusters: z
      .array(failedClusterSchema)
      .max(MAX_LISTED_FAILURES)
      .optional()
      .describe(`The first ${MAX_LISTED_FAILURES} failed, timed-out or unreachable clusters, by name.`),
    startTime: z.string().optional().describe('When the current revision started.'),
    completionTime: z
      .string()
      .optional()
      .describe('When it reached Succeeded, Failed, Aborted or RolledBack.'),
    nextCheckTime: z
      .string()
      .optional()
      .describe('When the controller looks again at the latest (window, deadline, soak).'),
    plan: planMemoSchema.optional(),
    conditions: z
      .array(conditionSchema)
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
      .optional()
      .describe('Ready, Progressing, Stalled, PreflightChecksPassed and ClustersNeedAction.'),
  })
  .describe('Observed state of the rollout.');

export type AgentRolloutStatus = z.infer<typeof agentRolloutStatusSchema>;
export type StateCountsStatus = z.infer<typeof stateCountsSchema>;

/**
 * Every state at zero: the planner's starting sum and the console's. Typed by the schema, so a
 * state added there must be added here.
 */
export function emptyStateCounts(): StateCountsStatus {
  return {
    pending: 0,
    progressing: 0,
    soaking: 0,
    succeeded: 0,
    failed: 0,
    timedOut: 0,
    unreachable: 0,
    skipped: 0,
    rollbackPending: 0,
    reverting: 0,
    reverted: 0,
    revertFailed: 0,
  };
}
export type GroupStatus = z.infer<typeof groupStatusSchema>;
export type FailedClusterStatus = z.infer<typeof failedClusterSchema>;
export type PlanMemoStatus = z.infer<typeof planMemoSchema>;

export const agentRolloutPrinterColumns = [
  { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Where the rollout stands.' },
  { name: 'Target', type: 'string', jsonPath: '.status.target', description: 'What is rolled out.' },
  { name: 'Progress', type: 'string', jsonPath: '.status.progress', description: 'Succeeded over total.' },
  {
    name: 'Percent',
    type: 'integer',
    jsonPath: '.status.percent',
    description: 'Succeeded in percent.',
    priority: 1,
  },
  {
    name: 'Message',
    type: 'string',
    jsonPath: '.status.message',
    description: 'Phase message.',
    priority: 1,
  },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age.' },
] as const;
