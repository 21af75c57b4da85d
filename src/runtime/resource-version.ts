/**
 * resourceVersions are opaque by contract, but every API server we know hands out etcd revisions:
 * comparing them tells which of two versions of an object is newer.
 */

/** -1, 0 or 1 as `a` is older than, the same as, or newer than `b`; undefined if either isn't a revision. */
export function compareResourceVersions(
  a: string | undefined,
  b: string | undefined,
): -1 | 0 | 1 | undefined {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
