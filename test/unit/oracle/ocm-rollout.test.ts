/**
 * computeOcmRollout against the cases of open-cluster-management-io/sdk-go
 * pkg/apis/cluster/v1alpha1/rollout_test.go (GetRolloutCluster for All, Progressive,
 * ProgressivePerGroup, clusters added and removed; determineRolloutStatus; minRecheckAfter;
 * calculateRolloutSize; parseTimeout), rewritten as tables over the JSON input.
 */
import { describe, expect, it } from '@jest/globals';
import { computeOcmRollout } from '../../oracle/ocm/rollout-handler.js';
import { G1, I1, I2, NOW, entry, groups, group, status, type OcmCase } from './ocm-fixtures.js';

const ninety = { progressDeadline: '90s' };
const mandatoryG1 = { mandatoryDecisionGroups: [{ groupName: 'group1' }] };
const g123_456 = groups([1, 2, 3], [4, 5, 6]);
const g123_456_789 = groups([1, 2, 3], [4, 5, 6], [7, 8, 9]);
const waiting10 = [
  status(1, 'Progressing', -60),
  status(2, 'ToApply'),
  status(3, 'ToApply'),
  ...[4, 5, 6].map((n) => status(n, 'ToApply', undefined, I1)),
  ...[7, 8, 9, 10].map((n) => status(n, 'ToApply', undefined, I2)),
];

const cases: OcmCase[] = [
  // TestGetRolloutCluster_All
  {
    name: 'all: timeout 90s without workload created',
    strategy: { type: 'All', all: ninety },
    clusterGroups: groups([1, 2], [3, 4, 5, 6]),
    toRollout: [
      entry(1, 'ToApply', G1),
      entry(2, 'ToApply', G1),
      ...[3, 4, 5, 6].map((n) => entry(n, 'ToApply', I1)),
    ],
  },
  {
    name: 'all: timeout 90s',
    strategy: { type: 'All', all: ninety },
    clusterGroups: groups([1, 2], [3, 4, 5, 6]),
    existingStatus: [
      status(1, 'Succeeded', -60),
      status(2, 'Failed', -120),
      status(3, 'Progressing', -120, I1),
      status(4, 'Failed', -60, I1),
      status(5, 'Progressing', -60, I1),
    ],
    toRollout: [
      entry(4, 'Failed', I1, -60, 30),
      entry(5, 'Progressing', I1, -60, 30),
      entry(6, 'ToApply', I1),
    ],
    timeOut: [entry(2, 'TimeOut', G1, -120, -30), entry(3, 'TimeOut', I1, -120, -30)],
    recheckAfter: '30s',
  },
  // TestGetRolloutCluster_Progressive
  {
    name: 'progressive: timeout 90s without workload created',
    strategy: { type: 'Progressive', progressive: { ...ninety, maxConcurrency: 2 } },
    clusterGroups: g123_456,
    toRollout: [entry(1, 'ToApply', G1), entry(2, 'ToApply', G1)],
  },
  {
    name: 'progressive: existing statuses in ToApply, maxConcurrency 4',
    strategy: { type: 'Progressive', progressive: { ...ninety, maxConcurrency: 4 } },
    clusterGroups: g123_456_789,
    existingStatus: waiting10,
    toRollout: [
      entry(1, 'Progressing', G1, -60, 30),
      entry(2, 'ToApply', G1),
      entry(3, 'ToApply', G1),
      entry(4, 'ToApply', I1),
    ],
    removed: [entry(10, 'ToApply', I2)],
    recheckAfter: '30s',
  },
  {
    name: 'progressive: maxConcurrency not set',
    strategy: { type: 'Progressive', progressive: ninety },
    clusterGroups: g123_456_789,
    existingStatus: waiting10,
    toRollout: [
      entry(1, 'Progressing', G1, -60, 30),
      entry(2, 'ToApply', G1),
      entry(3, 'ToApply', G1),
      ...[4, 5, 6].map((n) => entry(n, 'ToApply', I1)),
      ...[7, 8, 9].map((n) => entry(n, 'ToApply', I2)),
    ],
    removed: [entry(10, 'ToApply', I2)],
    recheckAfter: '30s',
  },
  {
    name: 'progressive: no maxFailures set',
    strategy: { type: 'Progressive', progressive: { ...ninety, maxConcurrency: 2 } },
    clusterGroups: g123_456,
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Progressing', -60)],
    toRollout: [entry(3, 'Progressing', G1, -60, 30)],
    timeOut: [entry(2, 'TimeOut', G1, -120, -30)],
    breach: true,
    recheckAfter: '30s',
  },
  {
    name: 'progressive: 100% maxFailures, minSuccessTime 60s',
    strategy: {
      type: 'Progressive',
      progressive: { ...ninety, maxFailures: '100%', minSuccessTime: '1m0s', maxConcurrency: 2 },
    },
    clusterGroups: g123_456,
    existingStatus: [status(1, 'Succeeded', -30), status(2, 'Failed', -120), status(3, 'Progressing', -30)],
    toRollout: [entry(1, 'Succeeded', G1, -30, 30), entry(3, 'Progressing', G1, -30, 60)],
    timeOut: [entry(2, 'TimeOut', G1, -120, -30)],
    recheckAfter: '30s',
  },
  {
    name: 'progressive: mixed timeout and minSuccessTime',
    strategy: {
      type: 'Progressive',
      progressive: { ...ninety, maxFailures: '100%', minSuccessTime: '1m', maxConcurrency: 4 },
    },
    clusterGroups: [group('group1', 0, 'cluster1', 'cluster2', 'cluster3', 'cluster4')],
    existingStatus: [
      status(1, 'Succeeded', -30),
      status(2, 'Progressing', -60),
      status(3, 'Progressing', -30),
      status(4, 'Succeeded', -120),
    ],
    toRollout: [
      entry(1, 'Succeeded', G1, -30, 30),
      entry(2, 'Progressing', G1, -60, 30),
      entry(3, 'Progressing', G1, -30, 60),
    ],
    recheckAfter: '30s',
  },
  {
    name: 'progressive: maxFailures 1',
    strategy: { type: 'Progressive', progressive: { ...ninety, maxFailures: 1, maxConcurrency: 2 } },
    clusterGroups: g123_456,
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Progressing', -60)],
    toRollout: [entry(3, 'Progressing', G1, -60, 30), entry(4, 'ToApply', I1)],
    timeOut: [entry(2, 'TimeOut', G1, -120, -30)],
    recheckAfter: '30s',
  },
  {
    name: 'progressive: timeout 0s, maxFailures 3',
    strategy: {
      type: 'Progressive',
      progressive: { progressDeadline: '0s', maxFailures: 3, maxConcurrency: 2 },
    },
    clusterGroups: g123_456,
    existingStatus: [
      status(1, 'Succeeded', -30),
      status(2, 'Progressing', -30),
      status(3, 'Progressing', -30),
    ],
    toRollout: [entry(4, 'ToApply', I1), entry(5, 'ToApply', I1)],
    timeOut: [entry(2, 'TimeOut', G1, -30, -30), entry(3, 'TimeOut', G1, -30, -30)],
  },
  {
    name: 'progressive: mandatory group failing, timeout 90s',
    strategy: { type: 'Progressive', progressive: { ...mandatoryG1, ...ninety, maxConcurrency: 3 } },
    clusterGroups: g123_456,
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Progressing', -60)],
    toRollout: [entry(3, 'Progressing', G1, -60, 30)],
    timeOut: [entry(2, 'TimeOut', G1, -120, -30)],
    breach: true,
    recheckAfter: '30s',
  },
  {
    name: 'progressive: timeout None, maxConcurrency 50%, maxFailures 100%',
    strategy: {
      type: 'Progressive',
      progressive: { progressDeadline: 'None', maxFailures: '100%', maxConcurrency: '50%' },
    },
    clusterGroups: groups([1, 2], [3, 4, 5, 6]),
    existingStatus: [
      status(1, 'Succeeded', -60),
      status(2, 'Failed', -120),
      status(3, 'Progressing', -60, I1),
    ],
    toRollout: [entry(2, 'Failed', G1, -120), entry(3, 'Progressing', I1, -60), entry(4, 'ToApply', I1)],
  },
  {
    name: 'progressive: timeout None, maxConcurrency 50%, maxFailures 0%',
    strategy: {
      type: 'Progressive',
      progressive: { progressDeadline: 'None', maxFailures: '0%', maxConcurrency: '50%' },
    },
    clusterGroups: groups([1, 2], [3, 4, 5, 6]),
    existingStatus: [
      status(1, 'Succeeded', -60),
      status(2, 'Failed', -120),
      status(3, 'Progressing', -60, I1),
    ],
    toRollout: [entry(2, 'Failed', G1, -120), entry(3, 'Progressing', I1, -60)],
    breach: true,
  },
  {
    name: 'progressive: mandatory decision groups failed',
    strategy: { type: 'Progressive', progressive: { ...mandatoryG1, ...ninety, maxConcurrency: 3 } },
    clusterGroups: groups([1, 2], [3, 4], [5, 6]),
    existingStatus: [status(1, 'Failed', -120), status(2, 'Failed', -60)],
    toRollout: [entry(2, 'Failed', G1, -60, 30)],
    timeOut: [entry(1, 'TimeOut', G1, -120, -30)],
    breach: true,
    recheckAfter: '30s',
  },
  {
    name: 'progressive: mandatory decision groups succeeded',
    strategy: { type: 'Progressive', progressive: { ...mandatoryG1, maxConcurrency: 3 } },
    clusterGroups: groups([1, 2], [3, 4], [5, 6]),
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Succeeded', -120)],
    toRollout: [entry(3, 'ToApply', I1), entry(4, 'ToApply', I1), entry(5, 'ToApply', I2)],
  },
  // TestGetRolloutCluster_ProgressivePerGroup
  {
    name: 'per group: timeout 90s without workload created',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: ninety },
    clusterGroups: g123_456,
    toRollout: [1, 2, 3].map((n) => entry(n, 'ToApply', G1)),
  },
  {
    name: 'per group: existing statuses in ToApply',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: ninety },
    clusterGroups: g123_456,
    existingStatus: waiting10.slice(0, 6),
    toRollout: [entry(1, 'Progressing', G1, -60, 30), entry(2, 'ToApply', G1), entry(3, 'ToApply', G1)],
    recheckAfter: '30s',
  },
  {
    name: 'per group: timeout 90s',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: ninety },
    clusterGroups: g123_456,
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Progressing', -60)],
    toRollout: [entry(3, 'Progressing', G1, -60, 30)],
    timeOut: [entry(2, 'TimeOut', G1, -120, -30)],
    breach: true,
    recheckAfter: '30s',
  },
  {
    name: 'per group: first group timed out, maxFailures 2',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: { ...ninety, maxFailures: 2 } },
    clusterGroups: g123_456_789,
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Succeeded', -60)],
    toRollout: [4, 5, 6].map((n) => entry(n, 'ToApply', I1)),
    timeOut: [entry(2, 'TimeOut', G1, -120, -30)],
  },
  {
    name: 'per group: first group timed out, second succeeded',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: { ...ninety, maxFailures: 2 } },
    clusterGroups: g123_456_789,
    existingStatus: [
      status(1, 'Succeeded', -60),
      status(2, 'Failed', -120),
      status(3, 'Succeeded', -60),
      ...[4, 5, 6].map((n) => status(n, 'Succeeded', -60, I1)),
    ],
    toRollout: [7, 8, 9].map((n) => entry(n, 'ToApply', I2)),
    timeOut: [entry(2, 'TimeOut', G1, -120, -30)],
  },
  {
    name: 'per group: timeout None, first group failing',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: { progressDeadline: 'None' } },
    clusterGroups: g123_456_789,
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Succeeded', -60)],
    toRollout: [entry(2, 'Failed', G1, -120)],
    breach: true,
  },
  {
    name: 'per group: timeout None, one failing, maxFailures 2',
    strategy: {
      type: 'ProgressivePerGroup',
      progressivePerGroup: { progressDeadline: 'None', maxFailures: 2 },
    },
    clusterGroups: g123_456_789,
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Succeeded', -60)],
    toRollout: [entry(2, 'Failed', G1, -120), ...[4, 5, 6].map((n) => entry(n, 'ToApply', I1))],
  },
  {
    name: 'per group: timeout None, two failing, maxFailures 30%',
    strategy: {
      type: 'ProgressivePerGroup',
      progressivePerGroup: { progressDeadline: 'None', maxFailures: '30%' },
    },
    clusterGroups: g123_456_789,
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Failed', -120)],
    toRollout: [entry(2, 'Failed', G1, -120), entry(3, 'Failed', G1, -120)],
    breach: true,
  },
  {
    name: 'per group: mandatory group failing, timeout 90s',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: { ...mandatoryG1, ...ninety } },
    clusterGroups: g123_456,
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Failed', -120)],
    timeOut: [entry(2, 'TimeOut', G1, -120, -30), entry(3, 'TimeOut', G1, -120, -30)],
    breach: true,
  },
  {
    name: 'per group: mandatory group failing one cluster, maxFailures 2',
    strategy: {
      type: 'ProgressivePerGroup',
      progressivePerGroup: { ...mandatoryG1, ...ninety, maxFailures: 2 },
    },
    clusterGroups: g123_456_789,
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Succeeded', -60)],
    timeOut: [entry(2, 'TimeOut', G1, -120, -30)],
    breach: true,
  },
  {
    name: 'per group: mandatory group succeeded',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: { ...mandatoryG1, ...ninety } },
    clusterGroups: g123_456_789,
    existingStatus: [1, 2, 3].map((n) => status(n, 'Succeeded', -60)),
    toRollout: [4, 5, 6].map((n) => entry(n, 'ToApply', I1)),
  },
  {
    name: 'per group: minSuccessTime with mixed states',
    strategy: {
      type: 'ProgressivePerGroup',
      progressivePerGroup: { ...ninety, maxFailures: '50%', minSuccessTime: '1m' },
    },
    clusterGroups: [
      group('group1', 0, 'cluster1', 'cluster2', 'cluster3'),
      group('group2', 1, 'cluster4', 'cluster5'),
    ],
    existingStatus: [
      status(1, 'Succeeded', -30),
      status(2, 'Succeeded', -120),
      status(3, 'Progressing', -30),
    ],
    toRollout: [entry(1, 'Succeeded', G1, -30, 30), entry(3, 'Progressing', G1, -30, 60)],
    recheckAfter: '30s',
  },
  // TestGetRolloutCluster_ClusterAdded
  {
    name: 'added: all, timeout 90s',
    strategy: { type: 'All', all: ninety },
    clusterGroups: groups([1, 2, 7], [3, 4, 5, 6]),
    existingStatus: [
      status(1, 'Succeeded', -60),
      status(2, 'Failed', -120),
      status(3, 'Progressing', -120, I1),
      status(4, 'Failed', -60, I1),
      status(5, 'Progressing', -60, I1),
    ],
    toRollout: [
      entry(4, 'Failed', I1, -60, 30),
      entry(5, 'Progressing', I1, -60, 30),
      entry(6, 'ToApply', I1),
      entry(7, 'ToApply', G1),
    ],
    timeOut: [entry(2, 'TimeOut', G1, -120, -30), entry(3, 'TimeOut', I1, -120, -30)],
    recheckAfter: '30s',
  },
  {
    name: 'added: progressive, mandatory groups succeeded, clusters added after the rollout',
    strategy: { type: 'Progressive', progressive: { ...mandatoryG1, ...ninety, maxConcurrency: 3 } },
    clusterGroups: groups([1, 2, 7], [3, 4, 8], [5, 6, 9]),
    existingStatus: [
      status(1, 'Succeeded', -60),
      status(2, 'Succeeded', -60),
      status(3, 'Succeeded', -60, I1),
      status(4, 'Progressing', -60, I1),
      status(5, 'Progressing', -60, I2),
    ],
    toRollout: [
      entry(4, 'Progressing', I1, -60, 30),
      entry(5, 'Progressing', I2, -60, 30),
      entry(7, 'ToApply', G1),
    ],
    recheckAfter: '30s',
  },
  {
    name: 'added: per group, cluster added after the rollout started',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: ninety },
    clusterGroups: g123_456,
    existingStatus: [
      status(1, 'Succeeded', -60),
      status(2, 'Succeeded', -60),
      status(4, 'Progressing', -60, I1),
      status(5, 'Progressing', -60, I1),
    ],
    toRollout: [
      entry(4, 'Progressing', I1, -60, 30),
      entry(5, 'Progressing', I1, -60, 30),
      entry(3, 'ToApply', G1),
    ],
    recheckAfter: '30s',
  },
  // TestGetRolloutCluster_ClusterRemoved
  {
    name: 'removed: all, timeout 90s',
    strategy: { type: 'All', all: ninety },
    clusterGroups: groups([1], [3, 5]),
    existingStatus: [
      status(1, 'Succeeded', -60),
      status(2, 'Failed', -120),
      status(3, 'Progressing', -120, I1),
      status(4, 'Failed', -60, I1),
      status(5, 'Progressing', -60, I1),
    ],
    toRollout: [entry(5, 'Progressing', I1, -60, 30)],
    timeOut: [entry(3, 'TimeOut', I1, -120, -30)],
    removed: [entry(2, 'Failed', G1, -120), entry(4, 'Failed', I1, -60)],
    recheckAfter: '30s',
  },
  {
    name: 'removed: progressive, maxFailures 100%',
    strategy: { type: 'Progressive', progressive: { ...ninety, maxFailures: '100%', maxConcurrency: 2 } },
    clusterGroups: groups([2, 3], [4, 5, 6]),
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Progressing', -60)],
    toRollout: [entry(3, 'Progressing', G1, -60, 30), entry(4, 'ToApply', I1)],
    timeOut: [entry(2, 'TimeOut', G1, -120, -30)],
    removed: [entry(1, 'Succeeded', G1, -60)],
    recheckAfter: '30s',
  },
  {
    name: 'removed: progressive, cluster removed from the mandatory group',
    strategy: { type: 'Progressive', progressive: { ...mandatoryG1, ...ninety, maxConcurrency: 2 } },
    clusterGroups: groups([1, 3], [4, 5, 6]),
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Succeeded', -60)],
    toRollout: [entry(4, 'ToApply', I1), entry(5, 'ToApply', I1)],
    removed: [entry(2, 'Failed', G1, -120)],
  },
  {
    name: 'removed: per group, cluster removed after the rollout started',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: ninety },
    clusterGroups: groups([1, 3], [4, 5, 6]),
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -60), status(3, 'Progressing', -60)],
    toRollout: [entry(3, 'Progressing', G1, -60, 30)],
    removed: [entry(2, 'Failed', G1, -60)],
    recheckAfter: '30s',
  },
  {
    name: 'removed: per group, cluster removed while the group timed out',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: { ...ninety, maxFailures: 2 } },
    clusterGroups: groups([1, 3], [4, 5, 6]),
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -60), status(3, 'Progressing', -120)],
    toRollout: [4, 5, 6].map((n) => entry(n, 'ToApply', I1)),
    timeOut: [entry(3, 'TimeOut', G1, -120, -30)],
    removed: [entry(2, 'Failed', G1, -60)],
  },
  {
    name: 'removed: per group, cluster removed from the mandatory group',
    strategy: { type: 'ProgressivePerGroup', progressivePerGroup: { ...mandatoryG1, ...ninety } },
    clusterGroups: groups([1, 3], [4, 5, 6], [7, 8, 9]),
    existingStatus: [status(1, 'Succeeded', -60), status(2, 'Failed', -120), status(3, 'Succeeded', -60)],
    toRollout: [4, 5, 6].map((n) => entry(n, 'ToApply', I1)),
    removed: [entry(2, 'Failed', G1, -120)],
  },
];

describe('computeOcmRollout: sdk-go GetRolloutCluster cases', () => {
  it.each(cases)('$name', (c) => {
    const result = computeOcmRollout({
      now: NOW,
      strategy: c.strategy,
      clusterGroups: c.clusterGroups,
      existingStatus: c.existingStatus ?? [],
    });
    expect(result).toEqual({
      clustersToRollout: c.toRollout ?? [],
      clustersTimeOut: c.timeOut ?? [],
      clustersRemoved: c.removed ?? [],
      maxFailureBreach: c.breach ?? false,
      recheckAfter: c.recheckAfter ?? null,
    });
  });
});
