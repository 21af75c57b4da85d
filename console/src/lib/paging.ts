/** Loads every page of a region's cluster list, following `continue`. */
import { ColumnsError, fromClusterColumns } from '@cluster-columns';
import { z } from 'zod';
import {
  clusterColumnsSchema,
  clusterListSchema,
  DEFAULT_PAGE_SIZE,
  PATHS,
  type ClusterList,
  type ClusterSummary,
} from './contract';
import { ApiFailure, request, type RequestOptions } from './http';

/** A bound on the loop: 1,000 pages of 500 is 500,000 clusters, far above one hub. */
const MAX_PAGES = 1000;

export interface PageRequest {
  limit: number;
  continueToken?: string;
}

/**
 * A page in the column form: repeated label keys, values and field names are most of a row's
 * bytes, and the browser's decoding, JSON parsing and garbage collection grow with them.
 */
export function clustersPath({ limit, continueToken }: PageRequest, labelSelector?: string): string {
  const query = new URLSearchParams({ limit: String(limit), format: 'columns' });
  if (continueToken) query.set('continue', continueToken);
  if (labelSelector) query.set('labelSelector', labelSelector);
  return `${PATHS.clusters}?${query.toString()}`;
}

/**
 * Columns, or rows from a region whose operator predates them (it ignores `format`): hubs are
 * upgraded one at a time, and a console must keep reading the regions not upgraded yet.
 */
const pageSchema = z.union([clusterColumnsSchema, clusterListSchema]);

async function loadPage(
  base: string,
  path: string,
  options: Omit<RequestOptions, 'method' | 'body'>,
): Promise<ClusterList> {
  const page = await request(base, path, pageSchema, options);
  if (!('format' in page)) return page;
  try {
    return fromClusterColumns(page);
  } catch (err) {
    if (err instanceof ColumnsError) throw new ApiFailure('parse', `the server's cluster page: ${err.message}`);
    throw err;
  }
}

export async function loadAllClusters(
  base: string,
  options: Omit<RequestOptions, 'method' | 'body'> & {
    pageSize?: number;
    onPage?: (loaded: number, total: number) => void;
  } = {},
): Promise<ClusterSummary[]> {
  const items: ClusterSummary[] = [];
  const seenTokens = new Set<string>();
  let continueToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await loadPage(
      base,
      clustersPath({ limit: options.pageSize ?? DEFAULT_PAGE_SIZE, continueToken }),
      options,
    );
    items.push(...list.items);
    options.onPage?.(items.length, list.total);
    if (!list.continue) return items;
    if (seenTokens.has(list.continue))
      throw new ApiFailure('parse', 'the server repeated a continue token; paging stopped');
    seenTokens.add(list.continue);
    continueToken = list.continue;
  }
  throw new ApiFailure('parse', `more than ${MAX_PAGES} pages; paging stopped`);
}
