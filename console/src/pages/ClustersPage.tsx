import { Alert, Flex, FlexItem, Label, PageSection, Title, Content } from '@patternfly/react-core';
import { Th, Tr, type ThProps } from '@patternfly/react-table';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { PlainLabel, PlainTd, PlainTr } from '../components/PlainCells';
import { ShownValue } from '../components/ShownValue';
import { RegionStatusLabel } from '../components/RegionStatusLabel';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';
import { cellStyle, ROW_HEIGHT, VirtualTable } from '../components/VirtualRows';
import { useStore } from '../hooks';
import {
  ALL,
  filterClusters,
  mergeSortedRuns,
  regionRows,
  noFilters,
  parseLabelFilter,
  sortRows,
  STATUS_FILTERS,
  statusOf,
  transportsOf,
  type ClusterFilters,
  type ClusterRow,
  type SortKey,
} from '../lib/merge';
import { routeHref } from '../lib/router';
import { regionName } from '../lib/store';

// Kept for the page's life so going to a detail and back keeps the filters (memory only).
let rememberedFilters: ClusterFilters = noFilters();
let rememberedSort: { key: SortKey; direction: 'asc' | 'desc' } = { key: 'name', direction: 'asc' };

/** Back to no filters and name order (tests mount the page many times in one module). */
export function resetClusterView(): void {
  rememberedFilters = noFilters();
  rememberedSort = { key: 'name', direction: 'asc' };
}

const COLUMNS: { key: SortKey | undefined; title: string }[] = [
  { key: 'name', title: 'Name' },
  { key: 'region', title: 'Region' },
  { key: 'clusterSet', title: 'Cluster set' },
  { key: 'status', title: 'Status' },
  { key: 'kubernetesVersion', title: 'Kubernetes' },
  { key: 'klusterletVersion', title: 'Klusterlet' },
  { key: 'transport', title: 'Transport' },
  { key: undefined, title: 'Add-ons' },
];

const STATUS_COLOR = { Available: 'green', Unavailable: 'red', Unknown: 'grey' } as const;

export function ClustersPage() {
  const { store } = useStore();
  const [filters, setFilters] = useState<ClusterFilters>(rememberedFilters);
  const [sort, setSort] = useState(rememberedSort);
  useEffect(() => {
    rememberedFilters = filters;
    rememberedSort = sort;
  }, [filters, sort]);
  // Stable, so the filter bar (memo) re-renders only when a filter or its choices change.
  const setFilter = useCallback(
    (next: Partial<ClusterFilters>) => setFilters((prev) => ({ ...prev, ...next })),
    [],
  );

  const regionNames = store.regions.map((r) => regionName(r));
  // By value: a new array per render, the same names across most of them.
  const regionKey = regionNames.join('\n');
  // Recomputed when a region's rows or name change (`dataKey`), not for a progress note or a status
  // change. Each region's sorted rows are cached by its revision, and merging sorted runs is linear.
  const cache = useRef(new Map<number, { revision: number; name: string; rows: ClusterRow[] }>());
  // What the merge reads: each region's data revision and name (a progress note or a status
  // change bumps the store's version, not the rows).
  const dataKey = store.regions.map((r) => `${r.id}:${r.revision}:${regionName(r)}`).join('\n');
  const merged = useMemo(() => {
    const runs = store.regions.map((r) => {
      const name = regionName(r);
      const hit = cache.current.get(r.id);
      if (hit && hit.revision === r.revision && hit.name === name) return hit.rows;
      const rows = regionRows(name, r.data.clusters.values());
      cache.current.set(r.id, { revision: r.revision, name, rows });
      return rows;
    });
    return mergeSortedRuns(runs);
    // `dataKey` says when the (mutable) store's rows changed.
  }, [store, dataKey]);
  const view = useMemo(() => filterClusters(merged, filters, regionNames), [merged, filters, regionKey]);
  const sorted = useMemo(
    () =>
      sort.key === 'name' && sort.direction === 'asc'
        ? view.rows
        : sortRows(view.rows, sort.key, sort.direction),
    [view, sort],
  );
  const transports = useMemo(() => transportsOf(merged), [merged]);
  const regionChoices = useMemo(() => [...new Set(regionNames)], [regionKey]);
  // The header and the rows are memoised too: while pages stream in, the page re-renders for
  // progress, and PatternFly's table cells are not cheap to render 30 at a time, 5 times a second.
  const header = useMemo(() => {
    const sortParams = (index: number, key: SortKey): ThProps['sort'] => ({
      sortBy: { index: COLUMNS.findIndex((c) => c.key === sort.key), direction: sort.direction },
      onSort: (_e, _i, direction) => setSort({ key, direction }),
      columnIndex: index,
    });
    return (
      <Tr>
        {COLUMNS.map((c, i) => (
          <Th key={c.title} modifier="nowrap" sort={c.key ? sortParams(i, c.key) : undefined}>
            {c.title}
          </Th>
        ))}
      </Tr>
    );
  }, [sort]);

  const problems = store.regions.filter(
    (r) => r.status === 'Unreachable' || r.status === 'Unauthorized' || (r.error && r.token !== undefined),
  );

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Clusters</Title>
        <Content component="p">
          All signed-in regions merged; each region's data comes straight from its hub and is kept only in
          this tab's memory.
        </Content>
      </PageSection>
      <PageSection>
        {problems.map((r) => (
          <Alert
            key={r.id}
            variant={r.status === 'Unauthorized' ? 'danger' : 'warning'}
            isInline
            title={`${regionName(r)}: ${r.status}`}
            data-testid={`region-error-${regionName(r)}`}
            style={{ marginBottom: 8 }}
          >
            {r.error ?? ''}
            {r.status === 'Unreachable' && r.data.clusters.size > 0
              ? ` — showing the ${r.data.clusters.size} clusters last loaded; retrying.`
              : ''}
          </Alert>
        ))}
        <Flex
          spaceItems={{ default: 'spaceItemsMd' }}
          alignItems={{ default: 'alignItemsCenter' }}
          style={{ marginBottom: 12 }}
        >
          <FlexItem>
            <strong>Total </strong>
            <Label color="blue" data-testid="cluster-count-total">
              {sorted.length}
            </Label>
          </FlexItem>
          {store.regions.map((r) => (
            <FlexItem key={r.id}>
              <span>{regionName(r)} </span>
              <Label data-testid={`cluster-count-${regionName(r)}`}>
                {view.perRegion[regionName(r)] ?? 0}
              </Label>{' '}
              {r.status !== 'Signed in' && <RegionStatusLabel status={r.status} />}
            </FlexItem>
          ))}
        </Flex>
        <FilterBar
          filters={filters}
          setFilter={setFilter}
          regionChoices={regionChoices}
          transports={transports}
        />
        <VirtualTable
          ariaLabel="Clusters"
          testId="cluster-table"
          rows={sorted}
          columns={COLUMNS.length}
          header={header}
          renderRow={renderRow}
        />
      </PageSection>
    </>
  );
}

const renderRow = (row: ClusterRow) => (
  <ClusterTableRow key={`${row.region}/${row.cluster.name}`} row={row} />
);

/** The filters; memo: it re-renders when a filter or its choices change, not for the rows. */
const FilterBar = memo(function FilterBar({
  filters,
  setFilter,
  regionChoices,
  transports,
}: {
  filters: ClusterFilters;
  setFilter: (next: Partial<ClusterFilters>) => void;
  regionChoices: readonly string[];
  transports: readonly string[];
}) {
  const labelError = useMemo(() => {
    const parsed = parseLabelFilter(filters.label);
    return 'error' in parsed ? parsed.error : undefined;
  }, [filters.label]);
  /** The props of one filter's field: its id (`filter-<key>`, the tests' handle), value and setter. */
  const filter = <K extends keyof ClusterFilters>(key: K) => ({
    id: `filter-${key}`,
    value: filters[key],
    onChange: (v: ClusterFilters[K]) => setFilter({ [key]: v }),
  });
  return (
    <Flex spaceItems={{ default: 'spaceItemsSm' }} style={{ marginBottom: 12 }}>
      <SelectField label="Region" {...filter('region')} options={[ALL, ...regionChoices]} />
      <TextField label="Name" {...filter('name')} placeholder="contains" />
      <TextField
        label="Label"
        {...filter('label')}
        placeholder="env=prod, zone in (a,b), !legacy"
        error={labelError}
      />
      <SelectField label="Status" {...filter('status')} options={STATUS_FILTERS} />
      <TextField label="Version" {...filter('version')} placeholder="Kubernetes or klusterlet" />
      <SelectField label="Transport" {...filter('transport')} options={[ALL, ...transports]} />
    </Flex>
  );
});

/** One row; memo: a row's object changes only when its cluster does. */
const ClusterTableRow = memo(function ClusterTableRow({ row }: { row: ClusterRow }) {
  const c = row.cluster;
  const status = statusOf(c);
  const addOns = c.addOns.map((a) => `${a.name}${a.version ? ` ${a.version}` : ''}`).join(', ');
  return (
    <PlainTr
      data-testid="cluster-row"
      data-cluster={`${row.region}/${c.name}`}
      style={{ height: ROW_HEIGHT }}
    >
      <PlainTd dataLabel="Name" style={cellStyle}>
        <a href={routeHref({ page: 'cluster', region: row.region, name: c.name })} data-testid="cluster-link">
          {c.name}
        </a>
      </PlainTd>
      <PlainTd dataLabel="Region" style={cellStyle}>
        {row.region}
      </PlainTd>
      <PlainTd dataLabel="Cluster set" style={cellStyle}>
        {c.clusterSet ?? ''}
      </PlainTd>
      <PlainTd dataLabel="Status" style={cellStyle}>
        <PlainLabel color={STATUS_COLOR[status]}>{status}</PlainLabel>
        {!c.joined ? ' not joined' : ''}
      </PlainTd>
      <PlainTd dataLabel="Kubernetes" style={cellStyle}>
        {c.kubernetesVersion ?? ''}
      </PlainTd>
      <PlainTd dataLabel="Klusterlet" style={cellStyle}>
        <ShownValue cluster={c} field="klusterletVersion" />
      </PlainTd>
      <PlainTd dataLabel="Transport" style={cellStyle}>
        <ShownValue cluster={c} field="transport" />
      </PlainTd>
      <PlainTd dataLabel="Add-ons" style={cellStyle} title={addOns}>
        {addOns}
      </PlainTd>
    </PlainTr>
  );
});
