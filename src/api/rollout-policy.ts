/**
 * The user-facing rollout settings an `AgentRollout` embeds: the OCM-shaped `rolloutStrategy`, and
 * what OCM lacks: `maintenanceWindows`, `maintenanceExclusions`, `failurePolicy`, `approvals`,
 * `paused` and the rule for clusters that join mid-run. Pure data; the CRD generator turns these
 * schemas into OpenAPI, so they follow the rules in `src/api/schema.ts`. What a schema cannot say
 * (RRULE syntax, time zones, a window shorter than the deadline) is checked by
 * `validateRolloutPolicy` in `validate.ts`.
 */
import { z } from 'zod';
import { celRules, dnsLabel, goDuration, intOrPercent } from './schema.js';

/** `None`, `0`, or a Go duration: OCM's `progressDeadline`. */
export const PROGRESS_DEADLINE_PATTERN = /^None$|^0$|^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
/** A local date-time without offset, interpreted in the window's time zone. */
export const LOCAL_DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
/** A local date (a whole day) or a local date-time. */
export const LOCAL_DATE_OR_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/;

const progressDeadline = z
  .string()
  .regex(PROGRESS_DEADLINE_PATTERN, 'must be None or a Go duration such as 10m')
  .default('None')
  .describe(
    'How long a started cluster may take to succeed before it counts as timed out (and as a failure). ' +
      '"None" waits forever.',
  );

const rolloutConfig = {
  minSuccessTime: goDuration(
    'Soak time: a cluster counts as succeeded once it has reported the target revision and been healthy ' +
      'for this long; until then it keeps its concurrency slot.',
  ).default('0'),
  progressDeadline,
  maxFailures: intOrPercent(
    'Failed and timed-out clusters tolerated before the failure policy acts: out of all clusters for ' +
      'Progressive, out of each group for ProgressivePerGroup. Exceeded when strictly more fail.',
  ).default(0),
};

export const mandatoryDecisionGroupSchema = z
  .object({
    groupName: z.string().optional().describe('Decision group name; takes precedence over groupIndex.'),
    groupIndex: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Decision group index, used when groupName is empty.'),
  })
  .describe('A decision group rolled out first, one group at a time, with no failure tolerated.');

const mandatoryDecisionGroups = z
  .array(mandatoryDecisionGroupSchema)
  .max(100)
  .optional()
  .describe('Groups rolled out before all others, in index order; any failure in them stops the rollout.');

export const rolloutAllSchema = z.object(rolloutConfig).describe('Settings of the All strategy.');

export const rolloutProgressiveSchema = z
  .object({
    ...rolloutConfig,
    mandatoryDecisionGroups,
    maxConcurrency: intOrPercent(
      'Clusters in flight at once (progressing, failed within the deadline, or soaking), as a number or a ' +
        'percentage of the non-mandatory clusters. Unset or 0 means all of them.',
    ).optional(),
  })
  .describe('Settings of the Progressive strategy: clusters in name order, maxConcurrency at a time.');

export const rolloutProgressivePerGroupSchema = z
  .object({ ...rolloutConfig, mandatoryDecisionGroups })
  .describe('Settings of the ProgressivePerGroup strategy: whole decision groups in index order.');

export const rolloutStrategySchema = celRules(
  z
    .object({
      type: z
        .enum(['All', 'Progressive', 'ProgressivePerGroup'])
        .default('All')
        .describe('All at once, cluster by cluster (Progressive), or group by group (ProgressivePerGroup).'),
      all: rolloutAllSchema.optional(),
      progressive: rolloutProgressiveSchema.optional(),
      progressivePerGroup: rolloutProgressivePerGroupSchema.optional(),
    })
    .describe(
      "OCM's RolloutStrategy (cluster.open-cluster-management.io/v1alpha1), with the same fields and defaults.",
    ),
  {
    rule: "!has(self.all) || self.type == 'All'",
    message: 'all is only read when type is All',
    fieldPath: '.all',
  },
  {
    rule: "!has(self.progressive) || self.type == 'Progressive'",
    message: 'progressive is only read when type is Progressive',
    fieldPath: '.progressive',
  },
  {
    rule: "!has(self.progressivePerGroup) || self.type == 'ProgressivePerGroup'",
    message: 'progressivePerGroup is only read when type is ProgressivePerGroup',
    fieldPath: '.progressivePerGroup',
  },
);

export const labelSelectorRequirementSchema = celRules(
  z
    .object({
      key: z.string().min(1).describe('The label key.'),
      operator: z
        .enum(['In', 'NotIn', 'Exists', 'DoesNotExist'])
        .describe('How the key relates to the values.'),
      values: z
        .array(z.string())
        .optional()
        .describe('Values for In and NotIn; empty for Exists and DoesNotExist.'),
    })
    .describe('A label selector requirement, as in metav1.LabelSelector.'),
  {
    rule: "self.operator in ['In', 'NotIn'] ? has(self.values) && size(self.values) > 0 : !has(self.values) || size(self.values) == 0",
    message: 'In and NotIn need values; Exists and DoesNotExist take none',
  },
);

export const labelSelectorSchema = z
  .object({
    matchLabels: z
      .record(z.string(), z.string())
      .optional()
      .describe('Labels a cluster must carry, all of them.'),
    matchExpressions: z
      .array(labelSelectorRequirementSchema)
      .optional()
      .describe('Requirements, all of them.'),
  })
  .describe('Selects ManagedClusters by label (metav1.LabelSelector); an empty selector selects all.');

export const scheduleScopeSchema = z
  .object({
    groups: z
      .array(z.string().min(1))
      .max(100)
      .optional()
      .describe('Decision group names this applies to; unset means every group.'),
    clusterSelector: labelSelectorSchema.optional(),
  })
  .describe(
    'Which clusters this applies to: those in the listed groups and matching the selector. Unset: all.',
  );

export const maintenanceWindowSchema = z
  .object({
    name: dnsLabel('Name of the window, unique in the list; shown in status.'),
    recurrence: z
      .string()
      .min(1)
      .max(512)
      .describe(
        'RFC 5545 RRULE giving when the window opens, e.g. FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=2. Supported: ' +
          'FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY ' +
          '(with ordinals for MONTHLY and YEARLY), BYHOUR, BYMINUTE, BYSETPOS, WKST.',
      ),
    start: z
      .string()
      .regex(LOCAL_DATE_TIME_PATTERN, 'must be a local date-time such as 2025-03-01T02:30:00')
      .describe(
        'DTSTART: the first opening, as a local date-time in timeZone (no offset). A time skipped by a ' +
          'daylight-saving change moves forward by the gap; a repeated time means its first occurrence.',
      ),
    duration: goDuration('How long the window stays open, in elapsed time (e.g. 4h).'),
    timeZone: z
      .string()
      .min(1)
      .default('UTC')
      .describe('IANA time zone of start and recurrence, e.g. Europe/Berlin.'),
    minimumOpen: goDuration(
      'A cluster starts only if the window stays open at least this long afterwards. Defaults to the ' +
        "strategy's progressDeadline (nothing when that is None).",
    ).optional(),
    scope: scheduleScopeSchema.optional(),
  })
  .describe('A recurring period in which clusters in its scope may start.');

export const maintenanceExclusionSchema = z
  .object({
    name: dnsLabel('Name of the exclusion, unique in the list; shown in status.'),
    start: z
      .string()
      .regex(LOCAL_DATE_OR_TIME_PATTERN, 'must be a local date (2025-12-24) or date-time (2025-12-24T18:00)')
      .describe('First excluded moment: a local date (from its midnight) or date-time, in timeZone.'),
    end: z
      .string()
      .regex(LOCAL_DATE_OR_TIME_PATTERN, 'must be a local date (2026-01-02) or date-time (2026-01-02T08:00)')
      .describe('End of the exclusion: a local date (to the end of that day) or date-time, in timeZone.'),
    timeZone: z.string().min(1).default('UTC').describe('IANA time zone of start and end.'),
    scope: scheduleScopeSchema.optional(),
  })
  .describe('A freeze: no cluster in its scope starts between start and end, windows or not.');

export const failurePolicySchema = z
  .object({
    maxFailures: intOrPercent(
      'Failed and timed-out clusters tolerated in the whole rollout (number, or percentage of all clusters), ' +
        "in addition to the strategy's maxFailures. Unset: no such budget.",
    ).optional(),
    maxFailuresPerGroup: intOrPercent(
      'Failed and timed-out clusters tolerated in any one decision group (number, or percentage of the ' +
        'group). Unset: no such budget.',
    ).optional(),
    maxUnreachable: intOrPercent(
      'Started clusters that stopped reporting, tolerated in the whole rollout; they are counted apart ' +
        'from failures. Unset: not limited.',
    ).optional(),
    action: z
      .enum(['Pause', 'Abort', 'Rollback'])
      .default('Pause')
      .describe(
        'On a breached budget: Pause (start nothing more until a person resumes), Abort (stop for this ' +
          'revision, leave clusters as they are) or Rollback (revert started clusters to the last known good revision).',
      ),
    rollbackMaxConcurrency: intOrPercent(
      'Clusters reverted at once during a rollback (number, or percentage of the clusters to revert).',
    ).default('10%'),
  })
  .describe('Failure budgets and what to do when one is exceeded.');

export const approvalGateSchema = z
  .object({
    groupName: z.string().min(1).describe('Decision group that waits for an approval before it starts.'),
  })
  .describe('A manual approval required before a decision group (and every group after it) starts.');

/**
 * A list keyed by one field (a map for server-side apply). The AgentRollout spec leaves it unset
 * when empty; the planner's policy defaults it to [].
 */
function keyedList<T extends z.ZodType>(item: T, max: number, key: string, description: string) {
  const list = z.array(item).max(max);
  const meta = { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [key] };
  return {
    optional: () => list.optional().meta(meta).describe(description),
    defaulted: () => list.default([]).meta(meta).describe(description),
  };
}

/** The settings an AgentRollout spec shares with the planner's policy, declared once. */
export const policyFields = {
  maintenanceWindows: keyedList(
    maintenanceWindowSchema,
    32,
    'name',
    'When clusters may start. A cluster with no window in scope may start at any time.',
  ),
  maintenanceExclusions: keyedList(
    maintenanceExclusionSchema,
    64,
    'name',
    'Freeze periods in which clusters in scope do not start.',
  ),
  approvals: keyedList(approvalGateSchema, 100, 'groupName', 'Approval gates before named decision groups.'),
  paused: z
    .boolean()
    .default(false)
    .describe('Start no cluster while true; clusters in flight are still tracked.'),
  lateJoiners: z
    .enum(['FinalWave', 'OwnGroup'])
    .default('FinalWave')
    .describe(
      'Clusters that join the Placement after a revision started: in a final wave after every group ' +
        '(FinalWave), or in the decision group the Placement gives them (OwnGroup).',
    ),
};

export const rolloutPolicySchema = z
  .object({
    rolloutStrategy: rolloutStrategySchema.default({ type: 'All' }),
    maintenanceWindows: policyFields.maintenanceWindows.defaulted(),
    maintenanceExclusions: policyFields.maintenanceExclusions.defaulted(),
    failurePolicy: failurePolicySchema.default({ action: 'Pause', rollbackMaxConcurrency: '10%' }),
    approvals: policyFields.approvals.defaulted(),
    paused: policyFields.paused,
    lateJoiners: policyFields.lateJoiners,
  })
  .describe('How an AgentRollout moves through its clusters.');

export type RolloutStrategy = z.output<typeof rolloutStrategySchema>;
export type MaintenanceWindow = z.output<typeof maintenanceWindowSchema>;
export type MaintenanceExclusion = z.output<typeof maintenanceExclusionSchema>;
export type ScheduleScope = z.output<typeof scheduleScopeSchema>;
export type LabelSelector = z.output<typeof labelSelectorSchema>;
export type FailurePolicy = z.output<typeof failurePolicySchema>;
export type ApprovalGate = z.output<typeof approvalGateSchema>;
/** The settings after defaults, as the planner reads them. */
export type RolloutPolicy = z.output<typeof rolloutPolicySchema>;
/** The settings as a user writes them. */
export type RolloutPolicyInput = z.input<typeof rolloutPolicySchema>;
