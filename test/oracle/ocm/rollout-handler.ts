/**
 * `computeOcmRollout`: open-cluster-management-io/sdk-go's rollout handler
 * (`pkg/apis/cluster/v1alpha1/rollout.go`, `RolloutHandler.GetRolloutCluster`) as a pure function
 * of JSON data and a clock. It reproduces the handler's results exactly, quirks included
 * (`test/unit/oracle/ocm-*.test.ts` replay sdk-go's own test cases), and serves as the test oracle
 * that `planRollout`'s OCM-compatible strategies are checked against
 * (`test/unit/rollout/ocm-differential.test.ts`). Test code only: nothing in `src/` may import it.
 */
import { formatGoDuration } from './go-text.js';
import {
  ocmClusterToGroup,
  ocmClustersOf,
  ocmGroupsBesides,
  ocmGroupsOf,
  ocmOrderedGroups,
  buildOcmGroupTable,
  type OcmGroup,
  type OcmGroupKey,
} from './decision-groups.js';
import {
  OcmRolloutError,
  ocmCheckRolloutSize,
  ocmMinSuccessTime,
  ocmProgressDeadline,
  ocmRolloutSize,
  ocmTime,
  parseOcmRolloutInput,
  type OcmConfig,
  type OcmRolloutInput,
  type OcmStatus,
} from './input.js';
import { formatRfc3339 } from '../../../src/rollout/rfc3339.js';

export { OcmRolloutError, type OcmRolloutInput, type OcmStatus } from './input.js';

/** One cluster in OCM's result (`ClusterRolloutStatus`), times as RFC 3339 or null. */
export interface OcmClusterRolloutStatus {
  clusterName: string;
  groupName: string;
  groupIndex: number;
  status: OcmStatus;
  lastTransitionTime: string | null;
  /** When the cluster times out (progressing, failed) or its soak ends (succeeded). */
  recheckTime: string | null;
}

/** OCM's `RolloutResult`, lists in the handler's order; `recheckAfter` is a Go duration. */
export interface OcmRolloutResult {
  clustersToRollout: OcmClusterRolloutStatus[];
  clustersTimeOut: OcmClusterRolloutStatus[];
  clustersRemoved: OcmClusterRolloutStatus[];
  maxFailureBreach: boolean;
  recheckAfter: string | null;
}

interface Entry extends OcmGroupKey {
  clusterName: string;
  status: OcmStatus;
  lastTransitionTime: string | null;
  ltt: number | null;
  recheck: number | null;
}

interface Result {
  rollout: Entry[];
  timeOut: Entry[];
  breach: boolean;
}

interface Clock {
  now: number;
  minSuccessTime: number;
  /** `null` is OCM's "None": no deadline. */
  timeout: number | null;
}

/**
 * Computes which clusters OCM's rollout handler would roll out now, which timed out, which were
 * removed, whether `maxFailures` is breached and when to look again. Throws `OcmRolloutError`
 * naming the field for input the handler or OCM's API schema refuses.
 */
export function computeOcmRollout(input: OcmRolloutInput): OcmRolloutResult {
  const p = parseOcmRolloutInput(input);
  const now = ocmTime('now', p.now);
  const statuses: Entry[] = (p.existingStatus ?? []).map((s, i) => {
    const ltt = s.lastTransitionTime ?? null;
    const ms = ltt === null ? null : ocmTime(`existingStatus[${i}].lastTransitionTime`, ltt);
    return {
      clusterName: s.clusterName,
      groupName: s.groupName,
      groupIndex: s.groupIndex,
      status: s.status,
      lastTransitionTime: ltt === null ? null : typeof ltt === 'string' ? ltt : formatRfc3339(ltt),
      ltt: ms,
      recheck: null,
    };
  });
  const table = buildOcmGroupTable(p.clusterGroups ?? []);
  const type = p.strategy.type;
  if (type !== 'All' && type !== 'Progressive' && type !== 'ProgressivePerGroup') {
    throw new OcmRolloutError('strategy.type', type, 'incorrect rollout strategy type');
  }
  const field = type === 'All' ? 'all' : type === 'Progressive' ? 'progressive' : 'progressivePerGroup';
  const config: OcmConfig =
    (type === 'All'
      ? p.strategy.all
      : type === 'Progressive'
        ? p.strategy.progressive
        : p.strategy.progressivePerGroup) ?? {};
  const at = (name: string) => `strategy.${field}.${name}`;
  // All reads minSuccessTime (it must parse) but never soaks.
  const minSuccessTime = ocmMinSuccessTime(at('minSuccessTime'), config.minSuccessTime);
  const clock: Clock = {
    now,
    minSuccessTime: type === 'All' ? 0 : minSuccessTime,
    timeout: ocmProgressDeadline(at('progressDeadline'), config.progressDeadline),
  };
  if (type === 'ProgressivePerGroup') ocmCheckRolloutSize(at('maxFailures'), config.maxFailures);

  const allGroups = ocmGroupsBesides(table, []);
  const allClusters = ocmClustersOf(allGroups);
  const current = statuses.filter((s) => allClusters.has(s.clusterName));
  const removed = statuses.filter((s) => !allClusters.has(s.clusterName));
  const finish = (r: Result): OcmRolloutResult => ({
    clustersToRollout: r.rollout.map(toJson),
    clustersTimeOut: r.timeOut.map(toJson),
    clustersRemoved: removed.map(toJson),
    maxFailureBreach: r.breach,
    recheckAfter: minRecheckAfter(r.rollout, now),
  });

  if (type === 'All') {
    return finish(progressivePerCluster(allGroups, allClusters.size, allClusters.size, clock, current));
  }
  const maxFailures =
    type === 'Progressive' ? ocmRolloutSize(at('maxFailures'), config.maxFailures, allClusters.size, 0) : 0;
  const mandatoryKeys: OcmGroupKey[] = (config.mandatoryDecisionGroups ?? []).map((d) =>
    d.groupName !== undefined && d.groupName !== ''
      ? { groupName: d.groupName, groupIndex: 0 }
      : { groupName: '', groupIndex: d.groupIndex ?? 0 },
  );
  const mandatory = ocmGroupsOf(table, mandatoryKeys);
  if (mandatory.length > 0) {
    const r = progressivePerGroup(mandatory, 0, clock, current);
    if (r.rollout.length > 0 || r.timeOut.length > 0) return finish(r);
  }
  const rest = ocmGroupsBesides(table, mandatoryKeys);
  if (type === 'ProgressivePerGroup') {
    return finish(progressivePerGroup(rest, config.maxFailures ?? 0, clock, current));
  }
  const restTotal = ocmClustersOf(rest).size;
  const rolloutSize = ocmRolloutSize(at('maxConcurrency'), config.maxConcurrency, restTotal, restTotal);
  return finish(progressivePerCluster(rest, rolloutSize, maxFailures, clock, current));
}

/** OCM's `progressivePerCluster`: existing statuses by name, then new clusters by name, up to the size. */
function progressivePerCluster(
  groups: readonly OcmGroup[],
  rolloutSize: number,
  maxFailures: number,
  clock: Clock,
  statuses: readonly Entry[],
): Result {
  const rollout: Entry[] = [];
  const timeOut: Entry[] = [];
  const existing = new Set<string>();
  let failures = 0;
  let breach = false;
  const sorted = [...statuses].sort((a, b) => compareNames(a.clusterName, b.clusterName));
  for (const given of sorted) {
    if (given.clusterName === '') continue;
    existing.add(given.clusterName);
    const status =
      !breach || given.status !== 'ToApply' ? determineRolloutStatus(given, clock, rollout, timeOut) : given;
    if (status.status === 'TimeOut' || status.status === 'Failed') {
      failures++;
      breach = failures > maxFailures;
    }
    if (rollout.length >= rolloutSize) return { rollout, timeOut, breach };
  }
  if (breach) return { rollout, timeOut, breach };
  const groupOf = ocmClusterToGroup(groups);
  const clusters = [...ocmClustersOf(groups)].sort(compareNames);
  for (const clusterName of clusters) {
    if (existing.has(clusterName)) continue;
    const key = groupOf.get(clusterName) ?? { groupName: '', groupIndex: 0 };
    rollout.push(newEntry(clusterName, key));
    if (rollout.length >= rolloutSize) break;
  }
  return { rollout, timeOut, breach: false };
}

/** OCM's `progressivePerGroup`: whole groups in index order, moving on once nothing is pending. */
function progressivePerGroup(
  groups: readonly OcmGroup[],
  maxFailures: number | string,
  clock: Clock,
  statuses: readonly Entry[],
): Result {
  const rollout: Entry[] = [];
  const timeOut: Entry[] = [];
  const existing = new Map<string, OcmStatus>();
  for (const given of statuses) {
    if (given.clusterName === '' || given.status === 'ToApply') continue;
    existing.set(given.clusterName, determineRolloutStatus(given, clock, rollout, timeOut).status);
  }
  let totalFailures = 0;
  let breach = false;
  for (const group of ocmOrderedGroups(groups)) {
    let groupFailures = 0;
    const maxGroupFailures = ocmRolloutSize('maxFailures', maxFailures, group.clusters.size, 0);
    for (const clusterName of [...group.clusters].sort(compareNames)) {
      const status = existing.get(clusterName);
      if (status === undefined) {
        rollout.push(newEntry(clusterName, group.key));
      } else if (status === 'TimeOut' || status === 'Failed') {
        groupFailures++;
        breach = groupFailures > maxGroupFailures;
      }
    }
    totalFailures += groupFailures;
    if (rollout.length - totalFailures > 0 || breach) break;
  }
  return { rollout, timeOut, breach };
}

/**
 * OCM's `determineRolloutStatus`: copies the status, sets its recheck time, and files it under
 * rollout (to apply, progressing or failed within the deadline, soaking) or timed out.
 */
function determineRolloutStatus(given: Entry, clock: Clock, rollout: Entry[], timeOut: Entry[]): Entry {
  const status = { ...given };
  switch (status.status) {
    case 'ToApply':
      rollout.push(status);
      break;
    case 'Succeeded': {
      const soakEnd = (status.ltt ?? clock.now) + clock.minSuccessTime;
      if (clock.now < soakEnd) {
        status.recheck = soakEnd;
        rollout.push(status);
      }
      break;
    }
    case 'TimeOut':
    case 'Skip':
      break;
    default: {
      const deadline = clock.timeout === null ? null : (status.ltt ?? clock.now) + clock.timeout;
      status.recheck = deadline;
      if (deadline === null || clock.now < deadline) {
        rollout.push(status);
      } else {
        status.status = 'TimeOut';
        timeOut.push(status);
      }
    }
  }
  return status;
}

function minRecheckAfter(rollout: readonly Entry[], now: number): string | null {
  let min: number | null = null;
  for (const e of rollout) {
    if (e.recheck === null) continue;
    const after = e.recheck - now;
    if (after > 0 && (min === null || after < min)) min = after;
  }
  return min === null ? null : formatGoDuration(min);
}

function newEntry(clusterName: string, key: OcmGroupKey): Entry {
  return { clusterName, ...key, status: 'ToApply', lastTransitionTime: null, ltt: null, recheck: null };
}

function toJson(e: Entry): OcmClusterRolloutStatus {
  return {
    clusterName: e.clusterName,
    groupName: e.groupName,
    groupIndex: e.groupIndex,
    status: e.status,
    lastTransitionTime: e.lastTransitionTime,
    recheckTime: e.recheck === null ? null : formatRfc3339(e.recheck),
  };
}

/** Go's string order (bytes), which is `<` on the UTF-16 names Kubernetes allows. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
