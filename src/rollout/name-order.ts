/**
 * Cluster order without sorting the fleet. OCM takes clusters by name in Go's byte order, which on
 * the ASCII names Kubernetes allows is JavaScript's `<`. A fleet that arrives sorted is scanned in
 * place; otherwise only the clusters actually chosen are sorted, after a selection that costs linear
 * time.
 */
import type { ClusterObservation } from './types.js';

/** Whether the clusters are in name order (checked once per step, in linear time). */
export function isSortedByName(clusters: readonly ClusterObservation[]): boolean {
  for (let i = 1; i < clusters.length; i++) {
    if ((clusters[i - 1] as ClusterObservation).name > (clusters[i] as ClusterObservation).name) return false;
  }
  return true;
}

export type IndexOrder = (a: number, b: number) => number;

/** Orders cluster indexes by name. */
export function byName(clusters: readonly ClusterObservation[]): IndexOrder {
  return (a, b) => {
    const x = (clusters[a] as ClusterObservation).name;
    const y = (clusters[b] as ClusterObservation).name;
    return x < y ? -1 : x > y ? 1 : a - b;
  };
}

/**
 * Orders the given cluster indexes by name, comparing numbers first: each name gets a key packing
 * the 7 characters after the prefix all the names share (7 bits each, exact in a double), and only
 * equal keys fall back to comparing strings. Selecting among 100,000 unsorted names then costs
 * little more than among numbers.
 */
export function byNameKeyed(clusters: readonly ClusterObservation[], items: readonly number[]): IndexOrder {
  const keys = new Float64Array(clusters.length);
  const nameOf = (i: number) => (clusters[i] as ClusterObservation).name;
  // Guess the shared prefix from a sample; a name that disagrees shortens it and keys are redone.
  const first = items.length === 0 ? '' : nameOf(items[0] as number);
  let common = first.length;
  for (let k = 1; k < Math.min(items.length, 32); k++)
    common = sharedPrefix(first, nameOf(items[k] as number), common);
  for (let pass = 0; pass < 2; pass++) {
    let shortened = false;
    for (const i of items) {
      const name = nameOf(i);
      const shared = sharedPrefix(first, name, common);
      if (shared < common) {
        common = shared;
        shortened = true;
      }
      let key = 0;
      for (let j = common; j < common + 7; j++) {
        const code = j < name.length ? name.charCodeAt(j) : 0;
        key = key * 128 + (code < 128 ? code : 127);
      }
      keys[i] = key;
    }
    if (!shortened) break;
  }
  const exact = byName(clusters);
  return (a, b) => (keys[a] as number) - (keys[b] as number) || exact(a, b);
}

function sharedPrefix(a: string, b: string, limit: number): number {
  const m = Math.min(limit, b.length);
  let j = 0;
  while (j < m && a.charCodeAt(j) === b.charCodeAt(j)) j++;
  return j;
}

/**
 * Moves the `k` first of `items` under `order` to the front, sorted, and returns them; the rest
 * stay behind them in no particular order.
 */
export function takeFirst(items: number[], k: number, order: IndexOrder): number[] {
  if (k <= 0) return [];
  if (k < items.length) select(items, k, order);
  const head = items.slice(0, k).sort(order);
  for (let i = 0; i < head.length; i++) items[i] = head[i] as number;
  return head;
}

/** Rearranges `a` so that its `k` smallest come first (in no particular order). */
function select(a: number[], k: number, order: IndexOrder): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = lo + ((hi - lo) >> 1);
    const pivot = medianOf3(a[lo] as number, a[mid] as number, a[hi] as number, order);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (order(a[i] as number, pivot) < 0) i++;
      while (order(a[j] as number, pivot) > 0) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else return;
  }
}

function medianOf3(x: number, y: number, z: number, order: IndexOrder): number {
  if (order(x, y) < 0) {
    if (order(y, z) < 0) return y;
    return order(x, z) < 0 ? z : x;
  }
  if (order(x, z) < 0) return x;
  return order(y, z) < 0 ? z : y;
}
