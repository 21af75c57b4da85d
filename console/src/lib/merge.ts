/** Merging the regions' cluster lists into one view, its filters, counts and sort. Pure. */
import { SelectorError, labelMatcher } from '@label-selector';
import type { ClusterSummary } from './contract';

export interface ClusterRow {
  /** The region's name (from /info), the region column. */
  region: string;
  cluster: ClusterSummary;
}

export interface RegionClusters {
  region: string;
  clusters: Iterable<ClusterSummary>;
}

export type StatusFilter = 'All' | 'Available' | 'Unavailable' | 'Unknown';
export const STATUS_FILTERS: readonly StatusFilter[] = ['All', 'Available', 'Unavailable', 'Unknown'];
export const ALL = 'All';

export interface ClusterFilters {
  region: string;
  label: string;
  status: StatusFilter;
  version: string;
  transport: string;
  name: string;
}

export const noFilters = (): ClusterFilters => ({
  region: ALL,
  label: '',
  status: 'All',
  version: '',
  transport: ALL,
  name: '',
});

export function statusOf(cluster: ClusterSummary): Exclude<StatusFilter, 'All'> {
  if (cluster.available === 'True') return 'Available';
  if (cluster.available === 'False') return 'Unavailable';
  return 'Unknown';
}

const byNameThenRegion = (a: ClusterRow, b: ClusterRow) =>
  a.cluster.name < b.cluster.name
    ? -1
    : a.cluster.name > b.cluster.name
      ? 1
      : a.region < b.region
        ? -1
        : a.region > b.region
          ? 1
          : 0;

/** One row per (region, cluster), by cluster name then region. */
export function mergeClusters(regions: readonly RegionClusters[]): ClusterRow[] {
  return mergeSortedRuns(regions.map(({ region, clusters }) => regionRows(region, clusters)));
}

/** One region's rows by name: rebuilt only when that region's data changed. */
export function regionRows(region: string, clusters: Iterable<ClusterSummary>): ClusterRow[] {
  const rows: ClusterRow[] = [];
  for (const cluster of clusters) rows.push({ region, cluster });
  return rows.sort(byNameThenRegion);
}

/** Merges runs already in (name, region) order, in linear time. */
export function mergeSortedRuns(runs: readonly (readonly ClusterRow[])[]): ClusterRow[] {
  const live = runs.filter((r) => r.length > 0);
  if (live.length === 0) return [];
  if (live.length === 1) return [...(live[0] ?? [])];
  const total = live.reduce((n, r) => n + r.length, 0);
  const out: ClusterRow[] = new Array<ClusterRow>(total);
  const at = live.map(() => 0);
  for (let k = 0; k < total; k++) {
    let best = -1;
    let bestRow: ClusterRow | undefined;
    for (let i = 0; i < live.length; i++) {
      const row = live[i]?.[at[i] ?? 0];
      if (row !== undefined && (bestRow === undefined || byNameThenRegion(row, bestRow) < 0)) {
        best = i;
        bestRow = row;
      }
    }
    if (bestRow === undefined) break;
    out[k] = bestRow;
    at[best] = (at[best] ?? 0) + 1;
  }
  return out;
}

/**
 * The label filter: a selector as `kubectl get -l` takes it (`env=prod,tier!=db,zone in (a,b),!legacy`),
 * read by the operator's own parser and matched by the rollout planner's matcher, so the filter
 * means what the same selector means on the API and in an AgentRollout.
 */
export function parseLabelFilter(
  text: string,
): { matches: ReturnType<typeof labelMatcher> } | { error: string } {
  try {
    return { matches: labelMatcher(text) };
  } catch (e) {
    if (e instanceof SelectorError) return { error: e.message };
    throw e;
  }
}

/** A predicate for every filter but the region one (region counts use it as is). */
export function clusterPredicate(filters: ClusterFilters): (cluster: ClusterSummary) => boolean {
  const parsed = parseLabelFilter(filters.label);
  // An unparsable label filter matches nothing rather than everything: the field shows the error.
  if ('error' in parsed) return () => false;
  const matchesLabels = parsed.matches;
  const version = filters.version.trim().toLowerCase();
  const name = filters.name.trim().toLowerCase();
  return (cluster) => {
    if (filters.status !== 'All' && statusOf(cluster) !== filters.status) return false;
    if (filters.transport !== ALL && (cluster.transport ?? '') !== filters.transport) return false;
    if (
      version &&
      !(cluster.kubernetesVersion ?? '').toLowerCase().includes(version) &&
      !(cluster.klusterletVersion ?? '').toLowerCase().includes(version)
    ) {
      return false;
    }
    if (name && !cluster.name.toLowerCase().includes(name)) return false;
    return matchesLabels(cluster.labels);
  };
}

export interface FilteredView {
  rows: ClusterRow[];
  /** Rows per region with every filter except the region filter, so each region's count stays visible. */
  perRegion: Record<string, number>;
}

export function filterClusters(
  rows: readonly ClusterRow[],
  filters: ClusterFilters,
  regionNames: readonly string[],
): FilteredView {
  const match = clusterPredicate(filters);
  const perRegion: Record<string, number> = {};
  for (const name of regionNames) perRegion[name] = 0;
  const out: ClusterRow[] = [];
  for (const row of rows) {
    if (!match(row.cluster)) continue;
    perRegion[row.region] = (perRegion[row.region] ?? 0) + 1;
    if (filters.region === ALL || row.region === filters.region) out.push(row);
  }
  return { rows: out, perRegion };
}

export type SortKey =
  'name' | 'region' | 'status' | 'kubernetesVersion' | 'klusterletVersion' | 'transport' | 'clusterSet';

function sortValue(row: ClusterRow, key: SortKey): string {
  switch (key) {
    case 'name':
      return row.cluster.name;
    case 'region':
      return row.region;
    case 'status':
      return statusOf(row.cluster);
    default:
      return row.cluster[key] ?? '';
  }
}

/** A stable sort by one column; ties keep the merge order (name, region). */
export function sortRows(rows: readonly ClusterRow[], key: SortKey, direction: 'asc' | 'desc'): ClusterRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  const indexed = rows.map((row, index) => ({ row, index, value: sortValue(row, key) }));
  indexed.sort((a, b) => (a.value < b.value ? -sign : a.value > b.value ? sign : a.index - b.index));
  return indexed.map((entry) => entry.row);
}

export function transportsOf(rows: readonly ClusterRow[]): string[] {
  const seen = new Set<string>(['grpc', 'mqtt', 'kube']);
  for (const row of rows) if (row.cluster.transport) seen.add(row.cluster.transport);
  return [...seen].sort();
}

/** The window of rows a virtualised list renders. */
export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rowCount: number,
  overscan = 8,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(rowCount, first + Math.ceil(viewportHeight / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}
