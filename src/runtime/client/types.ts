/**
 * The object shapes the runtime moves around. Deliberately structural and small: controllers
 * bring their own zod-inferred types, which satisfy `KubeObject` as long as they have
 * `apiVersion`, `kind` and `metadata`. Timestamps are strings, as on the wire.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

/** Names one object. `namespace` is ignored for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** How a kind maps to REST paths, from discovery. */
export interface RestMapping {
  apiVersion: string;
  kind: string;
  group: string;
  version: string;
  /** The plural resource name (`configmaps`). */
  resource: string;
  namespaced: boolean;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; pages are followed with `continue` until the end. */
  limit?: number;
  /** Only each object's metadata (PartialObjectMetadata), with the kind's apiVersion and kind. */
  metadataOnly?: boolean;
  signal?: AbortSignal;
}

export interface ListResult<T> {
  items: T[];
  /** The list's resourceVersion: start a watch here to miss nothing. */
  resourceVersion: string;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** Ask the server for BOOKMARK events (default true). */
  allowWatchBookmarks?: boolean;
  /** Server-side timeout; the server ends the watch cleanly after it. */
  timeoutSeconds?: number;
  /** Only each object's metadata (PartialObjectMetadata), with the kind's apiVersion and kind. */
  metadataOnly?: boolean;
  signal?: AbortSignal;
}

/** One watch event. ERROR events carry a `metav1.Status` and are turned into thrown ApiErrors. */
export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; object: { metadata: { resourceVersion?: string } } };

export interface ApplyOptions {
  /** Default `mce-maestro-operator`. */
  fieldManager?: string;
  /** Take ownership of conflicting fields (default true, as controllers should). */
  force?: boolean;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export type PatchType = 'merge' | 'json' | 'strategic';

/** The field manager every write of this operator uses. */
export const FIELD_MANAGER = 'mce-maestro-operator';

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones (client-go's key). */
export function objectKey(obj: { metadata: ObjectMeta }): string {
  return keyOf(obj.metadata.namespace, obj.metadata.name);
}

/**
 * The key of `objectKey` from its parts: the one place an object key is spelled. Built by `join`,
 * which makes one flat string: `+` makes a chain of two-part strings, and a cache keyed by one
 * (every namespaced object of a fleet cache) would hold the chain and its flattened copy.
 */
export function keyOf(namespace: string | undefined, name: string | undefined): string {
  return namespace ? [namespace, name ?? ''].join('/') : (name ?? '');
}

/** The inverse of `objectKey`. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Splits an apiVersion into group ('' for core) and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
