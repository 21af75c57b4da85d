/**
 * A page of the cluster list in columns (`clusterColumnsSchema`, contract.ts) and back. Pure: the
 * server converts the page it built as rows, the browser converts it back once zod has checked its
 * shape, so both sides work with `ClusterSummary` rows and the columns exist only on the wire.
 */
import type { ClusterAddOn, ClusterColumns, ClusterList, ClusterSummary, RolloutRef } from './contract.js';

/** String fields stored as an index into the page's `strings` (-1: the row has none). */
const STRING_FIELDS = ['clusterSet', 'kubernetesVersion', 'klusterletVersion', 'transport'] as const;

/** The fields both functions below carry. */
type Covered =
  | 'name'
  | 'labels'
  | 'available'
  | 'joined'
  | 'hubAccepted'
  | 'klusterletVersionSource'
  | 'transportSource'
  | 'addOns'
  | 'rollouts'
  | (typeof STRING_FIELDS)[number];
// A field added to the row schema and not carried here fails to compile, rather than being dropped
// on the wire.
const everyFieldCovered: [Exclude<keyof ClusterSummary, Covered>] extends [never] ? true : never = true;
void everyFieldCovered;

/** The data is not a page this contract describes; `field` is the column's path. */
export class ColumnsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ColumnsError';
  }
}

/** Each distinct value once, in order of first use. */
class Table<T> {
  readonly values: T[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly key: (value: T) => string) {}
  add(value: T): number {
    const k = this.key(value);
    let i = this.index.get(k);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(k, i);
    }
    return i;
  }
}

export function toClusterColumns(list: ClusterList): ClusterColumns {
  const strings = new Table<string>((s) => s);
  const addOns = new Table<ClusterAddOn>((a) => JSON.stringify([a.name, a.version ?? null, a.available]));
  const rollouts = new Table<RolloutRef>((r) => `${r.namespace}/${r.name}`);
  const optional = (s: string | undefined) => (s === undefined ? -1 : strings.add(s));
  const rows = list.items;
  const columns: ClusterColumns['columns'] = {
    name: rows.map((r) => r.name),
    labels: rows.map((r) => Object.entries(r.labels).flatMap(([k, v]) => [strings.add(k), strings.add(v)])),
    clusterSet: rows.map((r) => optional(r.clusterSet)),
    available: rows.map((r) => r.available),
    joined: rows.map((r) => r.joined),
    hubAccepted: rows.map((r) => r.hubAccepted),
    kubernetesVersion: rows.map((r) => optional(r.kubernetesVersion)),
    klusterletVersion: rows.map((r) => optional(r.klusterletVersion)),
    klusterletVersionSource: rows.map((r) => r.klusterletVersionSource ?? null),
    transport: rows.map((r) => optional(r.transport)),
    transportSource: rows.map((r) => r.transportSource ?? null),
    addOns: rows.map((r) => r.addOns.map((a) => addOns.add(a))),
    rollouts: rows.map((r) => r.rollouts.map((ref) => rollouts.add(ref))),
  };
  return {
    format: 'columns',
    ...(list.continue !== undefined ? { continue: list.continue } : {}),
    total: list.total,
    strings: strings.values,
    addOns: addOns.values,
    rollouts: rollouts.values,
    columns,
  };
}

/** The rows again; a column of another length or an index outside its table is a ColumnsError. */
export function fromClusterColumns(page: ClusterColumns): ClusterList {
  const { columns, strings } = page;
  const count = columns.name.length;
  for (const [field, column] of Object.entries(columns)) {
    if (column.length !== count)
      throw new ColumnsError(`columns.${field}`, `${column.length} entries for ${count} names`);
  }
  const lookup = <T>(table: readonly T[], field: string, row: number, i: number): T => {
    const value = table[i];
    if (value === undefined) throw new ColumnsError(`columns.${field}[${row}]`, `no entry ${i} (of ${table.length})`);
    return value;
  };
  const items = new Array<ClusterSummary>(count);
  for (let row = 0; row < count; row++) {
    const pairs = columns.labels[row] ?? [];
    if (pairs.length % 2 !== 0) throw new ColumnsError(`columns.labels[${row}]`, 'an odd number of indexes');
    const labels: Record<string, string> = {};
    for (let j = 0; j < pairs.length; j += 2) {
      const key = lookup(strings, 'labels', row, pairs[j] ?? -1);
      const value = lookup(strings, 'labels', row, pairs[j + 1] ?? -1);
      // As JSON.parse would: an own property, even for a key that names the prototype.
      if (key === '__proto__') Object.defineProperty(labels, key, { value, enumerable: true, writable: true, configurable: true });
      else labels[key] = value;
    }
    const summary: ClusterSummary = {
      name: columns.name[row] ?? '',
      labels,
      available: columns.available[row] ?? 'Unknown',
      joined: columns.joined[row] ?? false,
      hubAccepted: columns.hubAccepted[row] ?? false,
      addOns: (columns.addOns[row] ?? []).map((i) => lookup(page.addOns, 'addOns', row, i)),
      rollouts: (columns.rollouts[row] ?? []).map((i) => lookup(page.rollouts, 'rollouts', row, i)),
    };
    for (const field of STRING_FIELDS) {
      const i = columns[field][row] ?? -1;
      if (i >= 0) summary[field] = lookup(strings, field, row, i);
    }
    const klusterletSource = columns.klusterletVersionSource[row];
    if (klusterletSource) summary.klusterletVersionSource = klusterletSource;
    const transportSource = columns.transportSource[row];
    if (transportSource) summary.transportSource = transportSource;
    items[row] = summary;
  }
  return { items, total: page.total, ...(page.continue !== undefined ? { continue: page.continue } : {}) };
}
