/**
 * The namespace of the default transport rollout. MCE hubs have `open-cluster-management-global-set`
 * with a ManagedClusterSetBinding to the `global` set (so a Placement there can select every
 * managed cluster); elsewhere we create both, owned by the MultiClusterEngine as MCE's are. Read
 * first and created only when missing: this is shared hub configuration, never updated or deleted
 * by us.
 */
import { isAlreadyExists, isNotServed, type KubeObject } from '../../runtime/index.js';
import { ObjectWriteError, type WriteContext } from './apply-objects.js';
import { GLOBAL_CLUSTER_SET, GLOBAL_SET_NAMESPACE } from './constants.js';
import type { MceRef } from './render/index.js';
import { mceOwnerReference } from './render/labels.js';

const BINDING_API_VERSION = 'cluster.open-cluster-management.io/v1beta2';

async function createIfMissing(obj: KubeObject, ctx: WriteContext): Promise<boolean> {
  const client = ctx.planes.clientFor(obj);
  const { apiVersion, kind, metadata } = obj;
  const ref = { apiVersion, kind, name: metadata.name ?? '', namespace: metadata.namespace };
  try {
    if (await client.get(ref, { signal: ctx.signal })) return false;
    await client.create(obj, { signal: ctx.signal });
    ctx.writes.count++;
    ctx.log.info({ kind, namespace: metadata.namespace, name: metadata.name }, 'created');
    return true;
  } catch (err) {
    if (isAlreadyExists(err) || isNotServed(err)) return false;
    throw new ObjectWriteError('apply', `${kind}/${metadata.namespace ?? ''}/${metadata.name ?? ''}`, err);
  }
}

/** Makes sure the global-set namespace and its binding to the `global` ManagedClusterSet exist. */
export async function ensureGlobalSet(mce: MceRef, ctx: WriteContext): Promise<void> {
  await createIfMissing(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: GLOBAL_SET_NAMESPACE, ownerReferences: [mceOwnerReference(mce)] },
    },
    ctx,
  );
  await createIfMissing(
    {
      apiVersion: BINDING_API_VERSION,
      kind: 'ManagedClusterSetBinding',
      metadata: { name: GLOBAL_CLUSTER_SET, namespace: GLOBAL_SET_NAMESPACE },
      spec: { clusterSet: GLOBAL_CLUSTER_SET },
    } as KubeObject,
    ctx,
  );
}
