/**
 * The cluster-manager gRPC server ("conductor") as we configure it in grpc mode: our
 * ClusterManager fields and our objects in open-cluster-management-hub. While agents still talk
 * gRPC, all of it stays, and it keeps reaching Maestro's database.
 */
import type { KubeObject } from '../../runtime/index.js';
import type { OwnedObject, World } from './load-world.js';
import { planeKey } from './prune.js';
import { names, OCM_HUB_NAMESPACE, type NetworkPolicyObject, type RenderedObject } from './render/index.js';
import { CONDUCTOR_POD_LABELS, GRPC_SERVER_CONFIG } from './render/names.js';

/** Our objects in the OCM hub namespace (the conductor's configuration and exposure). */
export function conductorObjects(owned: readonly OwnedObject[]): OwnedObject[] {
  return owned.filter((o) => o.object.metadata.namespace === OCM_HUB_NAMESPACE);
}

/**
 * True while gRPC is configured by us: we own ClusterManager fields, or our `grpc-server-config`
 * exists and is not being deleted. The world is read through our own recorded writes, so a
 * release or deletion we just sent already counts.
 */
export function conductorConfigured(world: World): boolean {
  if (world.clusterManagerOwnedByUs) return true;
  return conductorObjects(world.owned).some(
    (o) =>
      o.object.kind === 'ConfigMap' &&
      o.object.metadata.name === GRPC_SERVER_CONFIG &&
      !o.object.metadata.deletionTimestamp,
  );
}

/** `planeKey`s of the conductor objects, to keep them out of pruning while agents move. */
export function conductorKeys(owned: readonly OwnedObject[]): string[] {
  return conductorObjects(owned).map((o) => planeKey(o.plane, o.object));
}

/**
 * The rendered objects with the gRPC server's access to the database kept in the database
 * NetworkPolicy (render drops it outside grpc mode), for as long as agents still use gRPC.
 */
export function withConductorDatabaseAccess(objects: readonly RenderedObject[]): RenderedObject[] {
  return objects.map((o) => {
    if (o.object.kind !== 'NetworkPolicy' || o.object.metadata.name !== names.dbNetworkPolicy) return o;
    const policy = o.object as NetworkPolicyObject;
    const peer = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': OCM_HUB_NAMESPACE } },
      podSelector: { matchLabels: { ...CONDUCTOR_POD_LABELS } },
    };
    const ingress = (policy.spec.ingress ?? []).map((rule, i) =>
      i === 0 && !(rule.from ?? []).some((p) => p.podSelector?.matchLabels?.app === CONDUCTOR_POD_LABELS.app)
        ? { ...rule, from: [...(rule.from ?? []), peer] }
        : rule,
    );
    return {
      ...o,
      object: { ...policy, spec: { ...policy.spec, ingress } } as KubeObject as RenderedObject['object'],
    };
  });
}
