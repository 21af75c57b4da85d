/**
 * The decision-group bookkeeping of OCM's `PlacementDecisionClustersTracker`, reproduced for
 * `computeOcmRollout`, including its quirks:
 *
 * - "all groups" are found by walking indexes 0..n-1 where n is the number of distinct indexes,
 *   so a group whose index is beyond that range is invisible (and its clusters count as removed);
 * - a mandatory group is selected by name when it has one, otherwise by index.
 */

/** OCM's `GroupKey`. */
export interface OcmGroupKey {
  groupName: string;
  groupIndex: number;
}

/** One decision group and its clusters. */
export interface OcmGroup {
  key: OcmGroupKey;
  clusters: Set<string>;
}

/** The tracker's state: groups by key, plus the index/name lookups OCM builds from them. */
export interface OcmGroupTable {
  groups: Map<string, OcmGroup>;
  indexToName: Map<number, string>;
  nameToIndexes: Map<string, number[]>;
}

const keyOf = (k: OcmGroupKey): string => `${k.groupIndex}\u0000${k.groupName}`;

/** Builds the table; groups listed twice under the same key are merged. */
export function buildOcmGroupTable(
  input: readonly {
    groupName: string;
    groupIndex: number;
    clusters?: readonly string[] | null | undefined;
  }[],
): OcmGroupTable {
  const groups = new Map<string, OcmGroup>();
  for (const g of input) {
    const key = { groupName: g.groupName, groupIndex: g.groupIndex };
    let group = groups.get(keyOf(key));
    if (group === undefined) {
      group = { key, clusters: new Set() };
      groups.set(keyOf(key), group);
    }
    for (const c of g.clusters ?? []) group.clusters.add(c);
  }
  const indexToName = new Map<number, string>();
  const nameToIndexes = new Map<string, number[]>();
  for (const { key } of groups.values()) {
    indexToName.set(key.groupIndex, key.groupName);
    nameToIndexes.set(key.groupName, [...(nameToIndexes.get(key.groupName) ?? []), key.groupIndex]);
  }
  for (const indexes of nameToIndexes.values()) indexes.sort((a, b) => a - b);
  return { groups, indexToName, nameToIndexes };
}

/** OCM's `fulfillGroupKeys`: a name selects every index carrying it, an index its one group. */
function fulfill(table: OcmGroupTable, keys: readonly OcmGroupKey[]): OcmGroupKey[] {
  const out: OcmGroupKey[] = [];
  for (const k of keys) {
    if (k.groupName !== '') {
      for (const groupIndex of table.nameToIndexes.get(k.groupName) ?? []) {
        out.push({ groupName: k.groupName, groupIndex });
      }
    } else {
      const groupName = table.indexToName.get(k.groupIndex);
      if (groupName !== undefined) out.push({ groupName, groupIndex: k.groupIndex });
    }
  }
  return out;
}

/** OCM's `ExistingClusterGroups`: the groups selected by `keys`. */
export function ocmGroupsOf(table: OcmGroupTable, keys: readonly OcmGroupKey[]): OcmGroup[] {
  const out: OcmGroup[] = [];
  const seen = new Set<string>();
  for (const k of fulfill(table, keys)) {
    const group = table.groups.get(keyOf(k));
    if (group !== undefined && !seen.has(keyOf(k))) {
      seen.add(keyOf(k));
      out.push(group);
    }
  }
  return out;
}

/** OCM's `ExistingClusterGroupsBesides`: every group reachable by the index walk, minus `keys`. */
export function ocmGroupsBesides(table: OcmGroupTable, keys: readonly OcmGroupKey[]): OcmGroup[] {
  const excluded = new Set(fulfill(table, keys).map(keyOf));
  const out: OcmGroup[] = [];
  for (let i = 0; i < table.indexToName.size; i++) {
    const key = { groupName: table.indexToName.get(i) ?? '', groupIndex: i };
    const group = table.groups.get(keyOf(key));
    if (!excluded.has(keyOf(key)) && group !== undefined) out.push(group);
  }
  return out;
}

/** The union of the groups' clusters. */
export function ocmClustersOf(groups: readonly OcmGroup[]): Set<string> {
  const all = new Set<string>();
  for (const g of groups) for (const c of g.clusters) all.add(c);
  return all;
}

/** Groups ordered by index (OCM's `GetOrderedGroupKeys`); equal indexes fall back to the name. */
export function ocmOrderedGroups(groups: readonly OcmGroup[]): OcmGroup[] {
  return [...groups].sort(
    (a, b) =>
      a.key.groupIndex - b.key.groupIndex ||
      (a.key.groupName < b.key.groupName ? -1 : a.key.groupName > b.key.groupName ? 1 : 0),
  );
}

/**
 * Each cluster's group (OCM's `ClusterToGroupKey`). Go leaves the choice to map order when a
 * cluster sits in several groups; here the group with the lowest index wins.
 */
export function ocmClusterToGroup(groups: readonly OcmGroup[]): Map<string, OcmGroupKey> {
  const out = new Map<string, OcmGroupKey>();
  for (const g of ocmOrderedGroups(groups)) {
    for (const c of g.clusters) if (!out.has(c)) out.set(c, g.key);
  }
  return out;
}
