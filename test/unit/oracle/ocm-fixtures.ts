/**
 * Shorthands for OCM rollout cases, in the shape of sdk-go's rollout_test.go: the clock is fixed at
 * 2022-01-01T00:00:00Z and times are written as seconds from it.
 */
import type {
  OcmClusterRolloutStatus,
  OcmRolloutInput,
  OcmStatus,
} from '../../oracle/ocm/rollout-handler.js';

export const NOW = '2022-01-01T00:00:00Z';
const NOW_MS = Date.parse(NOW);

/** RFC 3339 time `seconds` after (or before, when negative) the fixed clock. */
export function at(seconds: number): string {
  return new Date(NOW_MS + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

export type Strategy = OcmRolloutInput['strategy'];
type Groups = NonNullable<OcmRolloutInput['clusterGroups']>;
type Statuses = NonNullable<OcmRolloutInput['existingStatus']>;

/** A decision group: `group('group1', 0, 'cluster1', 'cluster2')`. */
export function group(groupName: string, groupIndex: number, ...clusters: string[]): Groups[number] {
  return { groupName, groupIndex, clusters };
}

/** Groups numbered like the Go tests: group 0 named `group1`, the others unnamed. */
export function groups(...members: number[][]): Groups {
  return members.map((ids, i) => group(i === 0 ? 'group1' : '', i, ...ids.map((n) => `cluster${n}`)));
}

/** An existing status: `status(2, 'Failed', -120)` is cluster2 in group1 failed two minutes ago. */
export function status(
  n: number,
  s: OcmStatus,
  lttSeconds?: number,
  key: [string, number] = ['group1', 0],
): Statuses[number] {
  return {
    clusterName: `cluster${n}`,
    groupName: key[0],
    groupIndex: key[1],
    status: s,
    ...(lttSeconds === undefined ? {} : { lastTransitionTime: at(lttSeconds) }),
  };
}

/** An expected result entry; `recheck` and `ltt` in seconds from the clock. */
export function entry(
  n: number,
  s: OcmStatus,
  key: [string, number],
  ltt: number | null = null,
  recheck: number | null = null,
): OcmClusterRolloutStatus {
  return {
    clusterName: `cluster${n}`,
    groupName: key[0],
    groupIndex: key[1],
    status: s,
    lastTransitionTime: ltt === null ? null : at(ltt),
    recheckTime: recheck === null ? null : at(recheck),
  };
}

export const G1: [string, number] = ['group1', 0];
export const I1: [string, number] = ['', 1];
export const I2: [string, number] = ['', 2];

export interface OcmCase {
  name: string;
  strategy: Strategy;
  clusterGroups: Groups;
  existingStatus?: Statuses;
  toRollout?: OcmClusterRolloutStatus[];
  timeOut?: OcmClusterRolloutStatus[];
  removed?: OcmClusterRolloutStatus[];
  breach?: boolean;
  recheckAfter?: string | null;
}
