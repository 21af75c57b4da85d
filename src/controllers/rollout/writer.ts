/**
 * The writes drivers make, through the real client, each response remembered in the world's
 * overlay so the next reconcile sees it even before the watch does.
 */
import type { KubeClient, KubeObject, ObjectRef } from '../../runtime/index.js';

type Trim = (o: KubeObject) => KubeObject;

/**
 * What the writer needs of the world: its trims and its overlay (the world implements it; the
 * writer does not import the world, which imports the drivers' types, which import the writer).
 */
export interface WriteMemory {
  readonly trims: { cluster: Trim; addOn: Trim; work: Trim; klusterletConfig: Trim };
  remember(obj: KubeObject, transform: Trim): void;
  forget(kind: string, namespace: string | undefined, name: string): void;
}

export interface RolloutWriter {
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  apply<T extends KubeObject>(obj: T): Promise<KubeObject>;
  patch(ref: ObjectRef, body: unknown, type: 'merge' | 'json'): Promise<KubeObject>;
  delete(ref: ObjectRef): Promise<boolean>;
}

export function rememberingWriter(client: KubeClient, world: WriteMemory): RolloutWriter {
  const remember = (obj: KubeObject) => {
    const trim =
      obj.kind === 'ManagedCluster'
        ? world.trims.cluster
        : obj.kind === 'ManagedClusterAddOn'
          ? world.trims.addOn
          : obj.kind === 'ManifestWork'
            ? world.trims.work
            : obj.kind === 'KlusterletConfig'
              ? world.trims.klusterletConfig
              : undefined;
    if (trim) world.remember(obj, trim);
    return obj;
  };
  return {
    get: (ref) => client.get(ref),
    apply: async (obj) => remember(await client.apply(obj)),
    patch: async (ref, body, type) => remember(await client.patch(ref, body, type)),
    delete: async (ref) => {
      const gone = await client.delete(ref);
      world.forget(ref.kind, ref.namespace, ref.name);
      return gone;
    },
  };
}
