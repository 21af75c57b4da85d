/**
 * Server-side apply of desired objects, in render order (namespace first, workloads after what
 * they mount), skipping every object whose cached copy already has all our fields: a reconcile
 * with nothing to change writes nothing. What a write returns is recorded in its cache, so the
 * next reconcile sees it before the watch delivers it.
 */
import type { Planes } from '../../kube/index.js';
import { errorSummary, type KubeObject, type Logger } from '../../runtime/index.js';
import type { MaestroCaches } from './caches.js';
import { firstDifference, needsApply, withSpecHash } from './object-diff.js';
import type { Plane, RenderedObject } from './render/index.js';

export interface WriteContext {
  planes: Planes;
  caches: MaestroCaches;
  log: Logger;
  signal: AbortSignal;
  /** Writes to objects (not status) made by this reconcile so far. */
  writes: { count: number };
}

/** `kind/namespace/name`: one object on one plane. */
export function objectKeyOf(obj: { kind: string; metadata: { namespace?: string; name?: string } }): string {
  return `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/** A write that failed, naming the object; the message goes into the Degraded condition. */
export class ObjectWriteError extends Error {
  override readonly name = 'ObjectWriteError';
  constructor(
    readonly verb: 'apply' | 'delete',
    readonly object: string,
    cause: unknown,
  ) {
    super(`${verb} ${object}: ${errorSummary(cause).message}`, { cause });
  }
}

function withoutMeta(obj: KubeObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj as KubeObject & Record<string, unknown>;
  return rest;
}

/** The cached copy of an owned object, if any. */
export function cachedObject(caches: MaestroCaches, plane: Plane, obj: KubeObject): KubeObject | undefined {
  return caches.cachedOwned(plane, obj);
}

/**
 * Applies `obj` on `plane` unless the cache (with our own recorded writes) shows it already.
 * Returns whether it wrote.
 */
export async function applyOwned(obj: KubeObject, plane: Plane, ctx: WriteContext): Promise<boolean> {
  const desired = withSpecHash(obj);
  const observed = cachedObject(ctx.caches, plane, desired);
  if (!needsApply(desired, observed)) return false;
  const client = plane === 'data' ? ctx.planes.data : ctx.planes.control;
  try {
    const written = await client.apply(desired, { signal: ctx.signal });
    ctx.caches.recordWrite(plane, written);
    ctx.writes.count++;
  } catch (err) {
    throw new ObjectWriteError('apply', objectKeyOf(desired), err);
  }
  ctx.log.debug(
    {
      object: objectKeyOf(desired),
      plane,
      difference: observed
        ? (firstDifference(desired.metadata, observed.metadata, ['metadata']) ??
          firstDifference(withoutMeta(desired), observed))
        : 'missing',
    },
    'applied',
  );
  return true;
}

/** A rendered object and the plane it goes to. */
export interface DesiredObject extends RenderedObject {
  plane: Plane;
}

/**
 * The rendered objects with their planes, from the plane table (`planeFor`): render names none, so
 * writes, caches, pruning and owner references all follow the one table.
 */
export function placeObjects(objects: readonly RenderedObject[], planes: Planes): DesiredObject[] {
  return objects.map((o) => ({ ...o, plane: planes.planeFor(o.object) }));
}

/** A rendered object as the runtime client takes it (render types timestamps as Date; it sets none). */
export function runtimeObject(o: RenderedObject['object']): KubeObject {
  return o as unknown as KubeObject;
}

/**
 * Applies the rendered objects in order. Returns the keys (`kind/namespace/name`) of those it
 * wrote; throws `ObjectWriteError` on the first failure (the rest wait for the retry).
 */
export async function applyObjects(
  objects: readonly DesiredObject[],
  ctx: WriteContext,
): Promise<Set<string>> {
  const written = new Set<string>();
  for (const { object, plane } of objects) {
    if (await applyOwned(runtimeObject(object), plane, ctx)) written.add(objectKeyOf(object));
  }
  return written;
}
