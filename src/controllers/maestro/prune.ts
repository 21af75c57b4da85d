/**
 * Deleting what we created and no longer want: every cached object with our labels that is
 * neither desired nor kept (retained data, objects still needed while agents move back to kube).
 * Deletes go in reverse apply order, namespaces last, so a namespace is never deleted before what
 * we removed from it explicitly. Never called when the settings are invalid.
 */
import { isNotFound } from '../../runtime/index.js';
import { ObjectWriteError, objectKeyOf, type WriteContext } from './apply-objects.js';
import { OWNED_KINDS } from './caches.js';
import type { OwnedObject } from './load-world.js';
import type { Plane } from './render/index.js';

/** `plane|kind/namespace/name` with the cache plane: how desired and kept objects are matched. */
export function planeKey(
  plane: Plane,
  obj: { kind: string; metadata: { namespace?: string; name?: string } },
) {
  return `${plane}|${objectKeyOf(obj)}`;
}

function kindRank(kind: string): number {
  const i = OWNED_KINDS.findIndex((k) => k.kind === kind);
  return i < 0 ? OWNED_KINDS.length : i;
}

/**
 * The cached objects to delete, in deletion order: not in `keep` (keys from `planeKey` with cache
 * planes), and not already terminating.
 */
export function selectForDeletion(owned: readonly OwnedObject[], keep: ReadonlySet<string>): OwnedObject[] {
  return owned
    .filter((o) => !keep.has(planeKey(o.plane, o.object)) && !o.object.metadata.deletionTimestamp)
    .sort(
      (a, b) =>
        kindRank(b.object.kind) - kindRank(a.object.kind) ||
        objectKeyOf(a.object).localeCompare(objectKeyOf(b.object)),
    );
}

/**
 * Deletes one object (background propagation). The deletion is recorded in its cache, which then
 * hides the object until the watch shows it gone, so it is not deleted again.
 */
export async function deleteOwned(o: OwnedObject, ctx: WriteContext): Promise<void> {
  const client = o.plane === 'data' ? ctx.planes.data : ctx.planes.control;
  const { apiVersion, kind, metadata } = o.object;
  try {
    await client.delete(
      { apiVersion, kind, name: metadata.name ?? '', namespace: metadata.namespace },
      {
        propagationPolicy: 'Background',
        preconditions: metadata.uid ? { uid: metadata.uid } : undefined,
        signal: ctx.signal,
      },
    );
  } catch (err) {
    // A uid precondition fails with 409 when the object was replaced: the new one is someone's.
    if (!isNotFound(err)) throw new ObjectWriteError('delete', objectKeyOf(o.object), err);
  }
  ctx.caches.recordDelete(o.plane, o.object);
  ctx.writes.count++;
  ctx.log.debug({ object: objectKeyOf(o.object), plane: o.plane }, 'deleted');
}

/**
 * Deletes `objects` (from `selectForDeletion`) in order. `beforeNamespaces` runs once every
 * namespaced object is gone and before namespaces are deleted (explicit volume claim cleanup).
 * Throws `ObjectWriteError` on the first failure.
 */
export async function pruneObjects(
  objects: readonly OwnedObject[],
  ctx: WriteContext,
  beforeNamespaces: () => Promise<void> = async () => undefined,
): Promise<void> {
  for (const o of objects.filter((x) => x.object.kind !== 'Namespace')) await deleteOwned(o, ctx);
  await beforeNamespaces();
  for (const o of objects.filter((x) => x.object.kind === 'Namespace')) await deleteOwned(o, ctx);
}
