/**
 * The promtool cases of the alerts in `config/prometheus/`: per alert, series under which it
 * fires (with its labels and rendered annotations) and series under which it must not.
 */

/** One input series: `metric{labels}` and promtool's expanding notation (`0x10`, `1+1x5`). */
export type Series = [series: string, values: string];

export interface AlertCase {
  /** Input under which the alert fires at `at` (and not yet at `notYet`). */
  fires: { series: Series[]; notYet: string; at: string; labels: Record<string, string> };
  annotations: { summary: string; description: string };
  /** Inputs under which it must not fire at `at`. */
  quiet: { name: string; series: Series[]; at: string }[];
}

const ROLLOUT = 'namespace="team-a",rollout="klusterlet-2-17",target="klusterlet 2.17.0"';
const ROLLOUT_LABELS = { namespace: 'team-a', rollout: 'klusterlet-2-17', target: 'klusterlet 2.17.0' };
const phase = (name: string, values: string): Series => [
  `mce_maestro_rollout_phase{${ROLLOUT},phase="${name}"}`,
  values,
];
const lastProgress = (values: string): Series => [
  `mce_maestro_rollout_last_progress_timestamp_seconds{${ROLLOUT}}`,
  values,
];
const budget = (action: string, values: string): Series => [
  `mce_maestro_rollout_failure_budget_breached{${ROLLOUT},action="${action}"}`,
  values,
];
const approval = (values: string): Series => [
  'mce_maestro_rollout_approval_pending{namespace="team-a",rollout="klusterlet-2-17",group="prod"}',
  values,
];
const available = (values: string): Series => [
  'mce_maestro_available{component="maestro", namespace="multicluster-engine"}',
  values,
];
const skew = (values: string): Series => [
  'mce_maestro_klusterlet_max_minor_skew{namespace="multicluster-engine"}',
  values,
];

export const CASES: Record<string, AlertCase> = {
  MCERolloutStalled: {
    // Last progress at t=0 (the epoch, as promtool's clock starts there); stale from 60m, for 5m.
    fires: {
      series: [lastProgress('0x120'), phase('Progressing', '1x120'), phase('Paused', '0x120')],
      notYet: '63m',
      at: '70m',
      labels: ROLLOUT_LABELS,
    },
    annotations: {
      summary: 'AgentRollout team-a/klusterlet-2-17 has made no progress for over an hour.',
      description:
        'AgentRollout team-a/klusterlet-2-17 (klusterlet 2.17.0) is Progressing, but no cluster has changed ' +
        'state for 1h 10m 0s. Run `kubectl mce rollout status klusterlet-2-17 -n team-a` to see which clusters ' +
        'are in flight.',
    },
    quiet: [
      {
        name: 'clusters keep changing state',
        series: [lastProgress('0+60x120'), phase('Progressing', '1x120')],
        at: '100m',
      },
      {
        name: 'paused, not progressing',
        series: [lastProgress('0x120'), phase('Progressing', '0x120'), phase('Paused', '1x120')],
        at: '100m',
      },
    ],
  },
  MCERolloutFailureBudgetBreached: {
    fires: {
      series: [budget('Pause', '0 0 1x20'), budget('Abort', '0x22'), budget('Rollback', '0x22')],
      notYet: '2m',
      at: '5m',
      labels: { ...ROLLOUT_LABELS, action: 'Pause' },
    },
    annotations: {
      summary: 'AgentRollout team-a/klusterlet-2-17 exceeded its failure budget.',
      description:
        'AgentRollout team-a/klusterlet-2-17 (klusterlet 2.17.0) has more failed clusters than its failure ' +
        'policy allows; the controller decided to Pause. Run `kubectl mce rollout status klusterlet-2-17 -n ' +
        'team-a` for the failed clusters and their reasons.',
    },
    quiet: [
      { name: 'within budget', series: [budget('Pause', '0x20'), budget('Abort', '0x20')], at: '15m' },
      { name: 'breach cleared on resume', series: [budget('Pause', '0 1 0x20')], at: '15m' },
    ],
  },
  MCERolloutApprovalPending: {
    fires: {
      series: [approval('1x1560')],
      notYet: '23h',
      at: '25h',
      labels: { namespace: 'team-a', rollout: 'klusterlet-2-17', group: 'prod' },
    },
    annotations: {
      summary: 'AgentRollout team-a/klusterlet-2-17 has waited over a day for an approval.',
      description:
        'Decision group prod of AgentRollout team-a/klusterlet-2-17 has been waiting for a manual approval for ' +
        'more than 24 hours. Approve it with `kubectl mce rollout approve klusterlet-2-17 prod -n team-a`, or ' +
        'pause or change the rollout.',
    },
    quiet: [{ name: 'approved after 12h', series: [approval('1x720 0x840')], at: '25h' }],
  },
  MCEKlusterletVersionSkew: {
    fires: {
      series: [skew('2x5 3x60')],
      notYet: '15m',
      at: '25m',
      labels: { namespace: 'multicluster-engine' },
    },
    annotations: {
      summary: 'Klusterlets are more than 2 minor versions behind the hub.',
      description:
        'The oldest klusterlet in the fleet is 3 minor versions behind the hub, more than the supported skew of ' +
        '2. `mce_maestro_klusterlet_clusters` counts the clusters by version; roll them forward with an ' +
        'AgentRollout.',
    },
    quiet: [{ name: 'within the supported skew', series: [skew('2x60')], at: '50m' }],
  },
  MCEMaestroUnavailable: {
    fires: {
      series: [available('1 1 0x20')],
      notYet: '10m',
      at: '15m',
      labels: { component: 'maestro', namespace: 'multicluster-engine' },
    },
    annotations: {
      summary: 'Maestro has been unavailable for 10 minutes.',
      description:
        'The Maestro server installed by the mce-maestro-operator has not been available for 10 minutes: ' +
        'clusters on the grpc or mqtt transport receive no new work and report no status. See the Available ' +
        'condition of `kubectl get maestro cluster -o yaml`.',
    },
    quiet: [
      { name: 'available', series: [available('1x20')], at: '15m' },
      { name: 'back within 10 minutes', series: [available('0x5 1x20')], at: '15m' },
      // Maestro disabled: the metric is not exported at all.
      { name: 'not exported', series: [skew('0x20')], at: '15m' },
    ],
  },
};
