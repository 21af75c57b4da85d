/**
 * Transforms that trim objects before they are cached: the controller keeps a few hundred
 * objects, but some (pod templates, ClusterManagers) carry large parts it never reads.
 */
import { dropManagedFields, FIELD_MANAGER, type KubeObject } from '../../runtime/index.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Drops managedFields and kubectl's last-applied copy, the two large parts we never read. */
export function trimObject<T extends KubeObject>(obj: T): T {
  const trimmed = dropManagedFields(obj);
  const annotations = trimmed.metadata.annotations;
  if (!annotations || !(LAST_APPLIED in annotations)) return trimmed;
  const { [LAST_APPLIED]: _drop, ...rest } = annotations;
  return { ...trimmed, metadata: { ...trimmed.metadata, annotations: rest } };
}

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

/** Keeps only metadata: enough to know an object exists. */
export function metadataOnly<T extends KubeObject>(obj: T): T {
  const { apiVersion, kind, metadata } = trimObject(obj);
  return { apiVersion, kind, metadata } as T;
}
