/**
 * Transforms that trim objects before they are cached: the controller keeps a few hundred
 * objects, but some (pod templates, ClusterManagers) carry large parts it never reads.
 */
import { FIELD_MANAGER, type KubeObject } from '../../runtime/index.js';

/** Keeps only our own server-side-apply entries of managedFields: they say which fields we own. */
export function keepOwnApplyEntries<T extends KubeObject>(obj: T): T {
  const own = (obj.metadata.managedFields ?? []).filter(
    (e) =>
      typeof e === 'object' &&
      e !== null &&
      (e as { manager?: unknown }).manager === FIELD_MANAGER &&
      (e as { operation?: unknown }).operation === 'Apply',
  );
  const { status: _status, ...rest } = obj as T & { status?: unknown };
  return { ...(rest as T), metadata: { ...obj.metadata, managedFields: own } };
}
