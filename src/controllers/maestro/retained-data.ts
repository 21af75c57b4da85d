/**
 * Retained data. With `retainDataOnDisable` (the default) the namespace, the database Secret and
 * the MQTT CA survive a disable, and the database volume claims survive because the StatefulSet's
 * retention policy keeps them; enabling again reuses all of it. With it off, the claims are
 * deleted explicitly (the StatefulSet controller creates them, so they carry no labels of ours
 * and nothing else would remove them where no garbage collector follows owner references).
 */
import type { MaestroSpec } from '../../api/maestro.js';
import { isNotFound } from '../../runtime/index.js';
import { ObjectWriteError, type WriteContext } from './apply-objects.js';
import { planeKey } from './prune.js';
import type { OwnedObject } from './load-world.js';
import { isRetainedData, names, retainedObjects } from './render/index.js';

/**
 * Keys (`planeKey`, cache planes) of the objects no prune may delete for `spec`: its retained data,
 * and retained data of any other install among `owned` (`isRetainedData`).
 */
export function retainedKeys(
  spec: MaestroSpec,
  cachePlane: (p: 'control' | 'data') => 'control' | 'data',
  owned: readonly OwnedObject[] = [],
) {
  const control = cachePlane('control');
  const keys = retainedObjects(spec).map((r) =>
    planeKey(control, { kind: r.kind, metadata: { namespace: r.namespace, name: r.name } }),
  );
  for (const o of owned) {
    const { kind, metadata } = o.object;
    if (
      o.plane === control &&
      isRetainedData(spec, { kind, name: metadata.name ?? '', namespace: metadata.namespace })
    )
      keys.push(planeKey(o.plane, o.object));
  }
  return new Set(keys);
}

/**
 * The namespace of the install already there (the one holding our database Secret), when there is
 * exactly one: without a Maestro object the settings are the defaults but the namespace stays where
 * the data is (`spec.namespace` is immutable, and deleting the object must not move Maestro).
 */
export function installedNamespace(owned: readonly OwnedObject[]): string | undefined {
  const namespaces = new Set(
    owned
      .filter((o) => o.object.kind === 'Secret' && o.object.metadata.name === names.dbSecret)
      .map((o) => o.object.metadata.namespace ?? ''),
  );
  return namespaces.size === 1 ? [...namespaces][0] : undefined;
}

/** Names of the database claims of a StatefulSet with `replicas` pods: `<template>-<set>-<ordinal>`. */
export function databaseClaimNames(replicas: number): string[] {
  return Array.from(
    { length: Math.max(1, replicas) },
    (_, i) => `${names.dbVolumeClaimTemplate}-${names.dbStatefulSet}-${i}`,
  );
}

/** Deletes the database volume claims in `namespace` that exist (reads first: a steady state writes nothing). */
export async function deleteDatabaseClaims(
  namespace: string,
  replicas: number,
  ctx: WriteContext,
): Promise<number> {
  let deleted = 0;
  for (const name of databaseClaimNames(replicas)) {
    const ref = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name };
    // The claims sit with the StatefulSet that made them: the plane table says where.
    const client = ctx.planes.clientFor({
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { namespace, name },
    });
    try {
      const claim = await client.get(ref, { signal: ctx.signal });
      if (!claim || claim.metadata.deletionTimestamp) continue;
      await client.delete(ref, { propagationPolicy: 'Background', signal: ctx.signal });
      deleted++;
      ctx.writes.count++;
      ctx.log.info({ namespace, claim: name }, 'deleted database volume claim');
    } catch (err) {
      if (!isNotFound(err))
        throw new ObjectWriteError('delete', `PersistentVolumeClaim/${namespace}/${name}`, err);
    }
  }
  return deleted;
}
