/**
 * The writes drivers make, through the real client, each response recorded in the informer that
 * caches its kind (`Informer.recordWrite`), so the next reconcile sees it even before the watch does.
 */
import type { Informer, KubeClient, KubeObject, ObjectRef } from '../../runtime/index.js';

/**
 * What the writer needs of the world: the cache of each kind it writes (the world implements it;
 * the writer does not import the world, which imports the drivers' types, which import the writer).
 */
export interface WriteMemory {
  /** The informer that caches `kind` objects we write, if any. */
  cacheOf(kind: string): Informer | undefined;
}

export interface RolloutWriter {
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  apply<T extends KubeObject>(obj: T): Promise<KubeObject>;
  patch(ref: ObjectRef, body: unknown, type: 'merge' | 'json'): Promise<KubeObject>;
  delete(ref: ObjectRef): Promise<boolean>;
}

export function rememberingWriter(client: KubeClient, world: WriteMemory): RolloutWriter {
  const remember = (obj: KubeObject) => {
    world.cacheOf(obj.kind)?.recordWrite(obj);
    return obj;
  };
  return {
    get: (ref) => client.get(ref),
    apply: async (obj) => remember(await client.apply(obj)),
    patch: async (ref, body, type) => remember(await client.patch(ref, body, type)),
    delete: async (ref) => {
      const gone = await client.delete(ref);
      world.cacheOf(ref.kind)?.recordDelete(ref.namespace, ref.name);
      return gone;
    },
  };
}
