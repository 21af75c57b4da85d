/**
 * The placement controller's decision, as a pure function of a Placement and the caches (ocm
 * `pkg/placement/controllers/scheduling/scheduling_controller.go`): bound cluster sets, feasible
 * clusters (predicates ORed, taints and tolerations), decision groups (named groups by selector
 * first, then the rest, each sorted by name and chunked by `clustersPerDecisionGroup`), and
 * PlacementDecisions `<placement>-decision-<n>` of at most 100 decisions, n counted from 1 across
 * groups, with at least one (possibly empty) object.
 *
 * Not simulated: prioritizers and scores (with `numberOfClusters`, clusters already decided are
 * kept first, then by name, approximating the default Steady prioritizer), spreadPolicy, CEL.
 */
import type { ConditionInput } from '../../../src/runtime/conditions.js';
import { matchesCluster, SelectorError } from './selector.js';
import type { SimBinding, SimCluster, SimClusterSet, SimPlacement, Taint, Toleration } from './types.js';

export const MAX_DECISIONS_PER_OBJECT = 100;

export interface DesiredDecision {
  name: string;
  groupIndex: number;
  groupName: string;
  clusters: string[];
}

export interface DecisionGroupStatus {
  decisionGroupIndex: number;
  decisionGroupName: string;
  decisions: string[];
  clusterCount: number;
}

export interface ScheduleResult {
  decisions: DesiredDecision[];
  groups: DecisionGroupStatus[];
  numberOfSelectedClusters: number;
  conditions: ConditionInput[];
  /** Re-decide after this long (a toleration expires). */
  requeueAfterMs?: number;
}

export interface ScheduleInputs {
  placement: SimPlacement;
  /** ManagedClusterSetBindings in the Placement's namespace. */
  bindings: SimBinding[];
  clusterSets: (name: string) => SimClusterSet | undefined;
  /** Members of a set, by its selector. */
  members: (set: SimClusterSet) => SimCluster[];
  /** Clusters in the Placement's current decisions. */
  existing: Set<string>;
  now: number;
}

class Misconfigured extends Error {}

/** Decides a Placement. */
export function schedulePlacement(inputs: ScheduleInputs): ScheduleResult {
  const { placement } = inputs;
  const spec = placement.spec ?? {};
  const bound = inputs.bindings.filter((b) => inputs.clusterSets(b.metadata.name ?? '') !== undefined);
  let eligible = [...new Set(bound.map((b) => b.metadata.name ?? ''))];
  if (spec.clusterSets?.length) eligible = eligible.filter((s) => spec.clusterSets?.includes(s));
  eligible.sort();

  const available = new Map<string, SimCluster>();
  for (const setName of eligible) {
    const set = inputs.clusterSets(setName);
    if (!set) continue;
    for (const mc of inputs.members(set))
      if (!mc.metadata.deletionTimestamp) available.set(mc.metadata.name ?? '', mc);
  }

  let misconfigured: string | undefined;
  let feasible: SimCluster[] = [];
  let requeueAfterMs: number | undefined;
  try {
    const tolerated = filterByTolerations(
      spec.tolerations ?? [],
      [...available.values()],
      inputs.existing,
      inputs.now,
    );
    requeueAfterMs = tolerated.requeueAfterMs;
    const predicates = spec.predicates ?? [];
    feasible = tolerated.clusters.filter(
      (mc) =>
        predicates.length === 0 || predicates.some((p) => matchesCluster(p.requiredClusterSelector, mc)),
    );
  } catch (err) {
    if (!(err instanceof SelectorError) && !(err instanceof Misconfigured)) throw err;
    misconfigured = err.message;
  }

  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  let selected = feasible.map((mc) => mc.metadata.name ?? '').sort(byName);
  let unscheduled = 0;
  if (spec.numberOfClusters !== undefined) {
    const kept = selected.filter((n) => inputs.existing.has(n));
    const rest = selected.filter((n) => !inputs.existing.has(n));
    selected = [...kept, ...rest].slice(0, spec.numberOfClusters).sort(byName);
    unscheduled = Math.max(0, spec.numberOfClusters - feasible.length);
  }
  const byCluster = new Map(feasible.map((mc) => [mc.metadata.name ?? '', mc]));

  let groups: { name: string; clusters: string[] }[] = [];
  if (!misconfigured) {
    try {
      groups = buildGroups(placement, selected, byCluster);
    } catch (err) {
      if (!(err instanceof SelectorError) && !(err instanceof Misconfigured)) throw err;
      misconfigured = err.message;
    }
  }

  const decisions: DesiredDecision[] = [];
  const groupStatus: DecisionGroupStatus[] = [];
  let n = 1;
  for (const [groupIndex, group] of groups.entries()) {
    const names: string[] = [];
    const slices: string[][] = [];
    for (let i = 0; i < group.clusters.length; i += MAX_DECISIONS_PER_OBJECT)
      slices.push(group.clusters.slice(i, i + MAX_DECISIONS_PER_OBJECT));
    if (slices.length === 0) slices.push([]);
    for (const clusters of slices) {
      const name = `${placement.metadata.name ?? ''}-decision-${n++}`;
      names.push(name);
      decisions.push({ name, groupIndex, groupName: group.name, clusters });
    }
    groupStatus.push({
      decisionGroupIndex: groupIndex,
      decisionGroupName: group.name,
      decisions: names,
      clusterCount: group.clusters.length,
    });
  }

  return {
    decisions,
    groups: groupStatus,
    numberOfSelectedClusters: selected.length,
    conditions: [
      satisfied(spec.clusterSets ?? [], eligible, bound.length, available.size, feasible.length, unscheduled),
      misconfigured
        ? { type: 'PlacementMisconfigured', status: 'True', reason: 'Misconfigured', message: misconfigured }
        : {
            type: 'PlacementMisconfigured',
            status: 'False',
            reason: 'Succeedconfigured',
            message: 'Placement configurations check pass',
          },
    ],
    ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
  };
}

function satisfied(
  inSpec: string[],
  eligible: string[],
  bindings: number,
  available: number,
  feasible: number,
  unscheduled: number,
): ConditionInput {
  const type = 'PlacementSatisfied';
  if (bindings === 0)
    return {
      type,
      status: 'False',
      reason: 'NoManagedClusterSetBindings',
      message: 'No valid ManagedClusterSetBindings found in placement namespace',
    };
  if (eligible.length === 0)
    return {
      type,
      status: 'False',
      reason: 'NoIntersection',
      message: `None of ManagedClusterSets [${inSpec.join(',')}] is bound to placement namespace`,
    };
  if (available === 0)
    return {
      type,
      status: 'False',
      reason: 'AllManagedClusterSetsEmpty',
      message: `All ManagedClusterSets [${eligible.join(',')}] have no member ManagedCluster`,
    };
  if (feasible === 0)
    return {
      type,
      status: 'False',
      reason: 'NoManagedClusterMatched',
      message: 'No ManagedCluster matches any of the cluster predicate',
    };
  if (unscheduled === 0)
    return {
      type,
      status: 'True',
      reason: 'AllDecisionsScheduled',
      message: 'All cluster decisions scheduled',
    };
  return {
    type,
    status: 'False',
    reason: 'NotAllDecisionsScheduled',
    message: `${unscheduled} cluster decisions unscheduled`,
  };
}

/** `calculateLength`: int as is, "N%" rounded up, ≤0 or >total means total. */
export function groupLength(value: number | string | undefined, total: number): number {
  let length = total;
  if (typeof value === 'number') length = value;
  else if (typeof value === 'string') {
    if (!value.endsWith('%') || Number.isNaN(Number(value.slice(0, -1))))
      throw new Misconfigured(`${value} invalid type: string is not a percentage`);
    length = Math.ceil((Number(value.slice(0, -1)) / 100) * total);
  }
  return length <= 0 || length > total ? total : length;
}

function buildGroups(
  placement: SimPlacement,
  selected: string[],
  byCluster: Map<string, SimCluster>,
): { name: string; clusters: string[] }[] {
  const strategy = placement.spec?.decisionStrategy?.groupStrategy;
  const length = groupLength(strategy?.clustersPerDecisionGroup ?? '100%', selected.length);
  const remaining = new Set(selected);
  const groups: { name: string; clusters: string[] }[] = [];
  const divide = (name: string, clusters: string[]) => {
    const sorted = [...clusters].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const step = Math.max(1, length);
    for (let i = 0; i < sorted.length; i += step) groups.push({ name, clusters: sorted.slice(i, i + step) });
  };
  for (const g of strategy?.decisionGroups ?? []) {
    const matched: string[] = [];
    for (const name of selected) {
      const mc = byCluster.get(name);
      if (!mc || !remaining.has(name)) continue;
      if (!matchesCluster({ ...g.groupClusterSelector, celSelector: undefined }, mc)) continue;
      matched.push(name);
      remaining.delete(name);
    }
    divide(g.groupName, matched);
  }
  divide('', [...remaining]);
  if (groups.length === 0) groups.push({ name: '', clusters: [] });
  return groups;
}

/** The TaintToleration filter (ocm `pkg/placement/plugins/tainttoleration`). */
function filterByTolerations(
  tolerations: Toleration[],
  clusters: SimCluster[],
  existing: Set<string>,
  now: number,
): { clusters: SimCluster[]; requeueAfterMs?: number } {
  for (const t of tolerations) {
    if (!t.key && t.operator !== 'Exists')
      throw new Misconfigured('If the key is empty, operator must be Exists.');
    if (t.operator === 'Exists' && t.value)
      throw new Misconfigured('If the operator is Exists, the value should be empty.');
  }
  let requeue: number | undefined;
  const out = clusters.filter((mc) => {
    for (const taint of mc.spec?.taints ?? []) {
      const r = taintTolerated(taint, tolerations, existing.has(mc.metadata.name ?? ''), now);
      if (r === false) return false;
      if (typeof r === 'number') requeue = requeue === undefined ? r : Math.min(requeue, r);
    }
    return true;
  });
  return { clusters: out, ...(requeue !== undefined ? { requeueAfterMs: requeue } : {}) };
}

/** true: tolerated for good; a number: tolerated for that many more ms; false: not tolerated. */
function taintTolerated(
  taint: Taint,
  tolerations: Toleration[],
  inDecision: boolean,
  now: number,
): boolean | number {
  if (taint.effect === 'PreferNoSelect') return true;
  if (taint.effect === 'NoSelectIfNew' && inDecision) return true;
  for (const t of tolerations) {
    if (t.effect && t.effect !== taint.effect) continue;
    if (t.key && t.key !== taint.key) continue;
    const op = t.operator ?? 'Equal';
    if (op === 'Equal' && (t.value ?? '') !== (taint.value ?? '')) continue;
    if (op !== 'Equal' && op !== 'Exists') continue;
    if (t.tolerationSeconds === undefined) return true;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
    const left = added + t.tolerationSeconds * 1000 - now;
    if (left > 0) return left;
  }
  return false;
}
