/**
 * Plays the parts of a cluster the local control plane lacks (it runs no controller-manager and
 * no kubelet), just enough for operators to see their workloads converge:
 *
 * - Deployments and StatefulSets are reported rolled out and ready (status replicas, ready,
 *   available and updated replicas, observedGeneration and conditions, through the status
 *   subresource), like the Deployment controller plus healthy pods would;
 * - a StatefulSet's PersistentVolumeClaims are created from its volumeClaimTemplates
 *   (`<template>-<set>-<ordinal>`, with the set's selector labels, and an owner reference when
 *   `persistentVolumeClaimRetentionPolicy.whenDeleted` is Delete), as the StatefulSet controller does;
 * - a terminating PersistentVolumeClaim loses its `kubernetes.io/pvc-protection` finalizer (no pod
 *   ever uses it here), as the PVC protection controller does;
 * - a terminating namespace has what is left in it deleted and is then finalized (the `finalize`
 *   subresource), as the namespace controller does.
 *
 * Usable by any test or the fleet simulator: give it an admin client of the API server to act on.
 */
import {
  Informer,
  isAlreadyExists,
  isConflict,
  isNotFound,
  isNotServed,
  silentLogger,
  type KubeClient,
  type KubeObject,
  type Logger,
} from '../../src/runtime/index.js';

/** Kinds emptied out of a terminating namespace (those not served are skipped). */
export const DEFAULT_NAMESPACED_KINDS: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
  { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
  { apiVersion: 'route.openshift.io/v1', kind: 'Route' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
];

export interface KubeletOptions {
  /** An admin client of the API server to act on. */
  client: KubeClient;
  /** Extra kinds to empty out of terminating namespaces. */
  namespacedKinds?: readonly { apiVersion: string; kind: string }[];
  /** Wait this long before reporting a workload ready (default 0). */
  readyDelayMs?: number;
  /** Workloads left to another kubelet (e.g. the process kubelet, which runs them for real). */
  skip?: (workload: KubeObject) => boolean;
  logger?: Logger;
}

export interface Kubelet {
  /** Workload status updates, claims created and released, and namespaces finalized so far. */
  readonly counts: { ready: number; claims: number; claimsReleased: number; finalized: number };
  /** Pauses reporting readiness (workloads stay as they are) until `resume`. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

interface Workload extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    volumeClaimTemplates?: {
      metadata?: { name?: string; labels?: Record<string, string> };
      spec?: unknown;
    }[];
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
  };
}

const PVC_PROTECTION = 'kubernetes.io/pvc-protection';

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function isRolledOut(w: Workload): boolean {
  const want = w.spec?.replicas ?? 1;
  const s = w.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (w.metadata.generation ?? 0) &&
    (s.replicas ?? 0) === want &&
    (s.readyReplicas ?? 0) === want &&
    (s.updatedReplicas ?? 0) === want &&
    (w.kind === 'StatefulSet' || (s.availableReplicas ?? 0) === want)
  );
}

function readyStatus(w: Workload): Record<string, unknown> {
  const want = w.spec?.replicas ?? 1;
  const name = w.metadata.name ?? '';
  const counts = {
    observedGeneration: w.metadata.generation ?? 0,
    replicas: want,
    readyReplicas: want,
    availableReplicas: want,
    updatedReplicas: want,
  };
  if (w.kind === 'StatefulSet') {
    return { ...counts, currentReplicas: want, currentRevision: `${name}-1`, updateRevision: `${name}-1` };
  }
  const t = now();
  return {
    ...counts,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
        lastTransitionTime: t,
        lastUpdateTime: t,
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${name}" has successfully progressed.`,
        lastTransitionTime: t,
        lastUpdateTime: t,
      },
    ],
  };
}

/** Starts playing kubelet and the missing controllers against `client`'s API server. */
export async function startKubelet(opts: KubeletOptions): Promise<Kubelet> {
  const { client } = opts;
  const log = opts.logger ?? silentLogger;
  const kinds = [...DEFAULT_NAMESPACED_KINDS, ...(opts.namespacedKinds ?? [])];
  const counts = { ready: 0, claims: 0, claimsReleased: 0, finalized: 0 };
  let paused = false;
  let stopped = false;
  const pending = new Map<string, () => Promise<void>>();
  let wake: () => void = () => undefined;

  const schedule = (key: string, job: () => Promise<void>) => {
    pending.set(key, job);
    wake();
  };
  const informers = [
    new Informer<Workload>({ client, apiVersion: 'apps/v1', kind: 'Deployment', logger: log }),
    new Informer<Workload>({ client, apiVersion: 'apps/v1', kind: 'StatefulSet', logger: log }),
  ];
  const namespaces = new Informer<KubeObject>({ client, apiVersion: 'v1', kind: 'Namespace', logger: log });
  const claims = new Informer<KubeObject>({
    client,
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    logger: log,
  });

  const markReady = async (w: Workload) => {
    if (opts.skip?.(w)) return;
    if (w.kind === 'StatefulSet') await createClaims(w);
    if (paused || isRolledOut(w)) return;
    if (opts.readyDelayMs) await new Promise((r) => setTimeout(r, opts.readyDelayMs));
    const ref = {
      apiVersion: w.apiVersion,
      kind: w.kind,
      namespace: w.metadata.namespace,
      name: w.metadata.name ?? '',
    };
    try {
      await client.patch(ref, { status: readyStatus(w) }, 'merge', { subresource: 'status' });
      counts.ready++;
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };

  const createClaims = async (sts: Workload) => {
    const replicas = sts.spec?.replicas ?? 1;
    const owned = sts.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
    for (const tmpl of sts.spec?.volumeClaimTemplates ?? []) {
      for (let i = 0; i < replicas; i++) {
        const claim = {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: `${tmpl.metadata?.name ?? ''}-${sts.metadata.name ?? ''}-${i}`,
            namespace: sts.metadata.namespace,
            labels: { ...(tmpl.metadata?.labels ?? {}), ...(sts.spec?.selector?.matchLabels ?? {}) },
            ...(owned && sts.metadata.uid
              ? {
                  ownerReferences: [
                    {
                      apiVersion: 'apps/v1',
                      kind: 'StatefulSet',
                      name: sts.metadata.name ?? '',
                      uid: sts.metadata.uid,
                      controller: true,
                      blockOwnerDeletion: true,
                    },
                  ],
                }
              : {}),
          },
          spec: tmpl.spec,
        };
        try {
          await client.create(claim, { fieldManager: 'statefulset-controller' });
          counts.claims++;
        } catch (err) {
          if (!isAlreadyExists(err) && !isNotFound(err)) throw err;
        }
      }
    }
  };

  const releaseClaim = async (claim: KubeObject) => {
    const finalizers = claim.metadata.finalizers ?? [];
    if (!claim.metadata.deletionTimestamp || !finalizers.includes(PVC_PROTECTION)) return;
    const ref = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      namespace: claim.metadata.namespace,
      name: claim.metadata.name ?? '',
    };
    try {
      await client.patch(
        ref,
        {
          metadata: {
            resourceVersion: claim.metadata.resourceVersion,
            finalizers: finalizers.filter((f) => f !== PVC_PROTECTION),
          },
        },
        'merge',
      );
      counts.claimsReleased++;
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };

  const finalizeNamespace = async (ns: KubeObject) => {
    const name = ns.metadata.name ?? '';
    let left = 0;
    for (const k of kinds) {
      try {
        const { items } = await client.list(k.apiVersion, k.kind, { namespace: name });
        for (const item of items) {
          left++;
          if (!item.metadata.deletionTimestamp) {
            await client.delete(
              { apiVersion: k.apiVersion, kind: k.kind, namespace: name, name: item.metadata.name ?? '' },
              { propagationPolicy: 'Background' },
            );
          }
        }
      } catch (err) {
        if (!isNotServed(err) && !isNotFound(err)) throw err;
      }
    }
    if (left > 0) {
      // Deleted now; finalize on the next pass, once the list comes back empty.
      setTimeout(() => schedule(`ns/${name}`, () => finalizeIfTerminating(name)), 50);
      return;
    }
    const fresh = await client.get({ apiVersion: 'v1', kind: 'Namespace', name });
    if (!fresh?.metadata.deletionTimestamp) return;
    try {
      await client.update({ ...fresh, spec: { finalizers: [] } } as KubeObject, { subresource: 'finalize' });
      counts.finalized++;
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
      if (isConflict(err)) schedule(`ns/${name}`, () => finalizeIfTerminating(name));
    }
  };
  const finalizeIfTerminating = async (name: string) => {
    const ns = namespaces.get(undefined, name);
    if (ns?.metadata.deletionTimestamp) await finalizeNamespace(ns);
  };

  for (const informer of informers) {
    const onChange = (w: Workload) =>
      schedule(`${w.kind}/${w.metadata.namespace}/${w.metadata.name}`, () => markReady(w));
    informer.addHandler({ add: onChange, update: (_o, w) => onChange(w) });
  }
  const onNamespace = (ns: KubeObject) => {
    if (ns.metadata.deletionTimestamp) schedule(`ns/${ns.metadata.name}`, () => finalizeNamespace(ns));
  };
  namespaces.addHandler({ add: onNamespace, update: (_o, ns) => onNamespace(ns) });
  const onClaim = (c: KubeObject) => {
    if (c.metadata.deletionTimestamp)
      schedule(`pvc/${c.metadata.namespace}/${c.metadata.name}`, () => releaseClaim(c));
  };
  claims.addHandler({ add: onClaim, update: (_o, c) => onClaim(c) });

  const loop = (async () => {
    while (!stopped) {
      const next = pending.entries().next();
      if (next.done) {
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      const [key, job] = next.value;
      pending.delete(key);
      try {
        await job();
      } catch (err) {
        log.warn({ key, err: (err as Error).message }, 'kubelet job failed, retrying');
        setTimeout(() => schedule(key, job), 200);
      }
    }
  })();

  for (const i of [...informers, namespaces, claims]) i.start();
  await Promise.all([...informers, namespaces, claims].map((i) => i.waitForSync()));

  return {
    counts,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      for (const informer of informers)
        for (const w of informer.list())
          schedule(`${w.kind}/${w.metadata.namespace}/${w.metadata.name}`, () => markReady(w));
    },
    async stop() {
      stopped = true;
      wake();
      await Promise.all([...informers, namespaces, claims].map((i) => i.stop()));
      await loop;
    },
  };
}
