/**
 * The AgentRollout controller: informers on the data plane, one work-queue key per rollout, and
 * event mapping from every object a rollout reads back (Placements and their decisions,
 * ManagedClusters, klusterlet and observer ManifestWorks, ManagedClusterAddOns, configs) to the
 * rollouts that cover it.
 */
import { AGENT_ROLLOUT_API_VERSION } from '../../api/agentrollout.js';
import { PLACEMENT_LABEL } from '../../api/upstream/ocm.js';
import { Controller, objectKey, type KubeObject } from '../../runtime/index.js';
import type { ControllerFactory } from '../../runtime/run-operator.js';
import { applyAdmissionPolicy } from './admission.js';
import { agentCertRenewalController } from './agent-cert-renewal.js';
import { ClusterIndex } from './cluster-index.js';
import { readClusterState } from './cluster-state.js';
import type { MembershipChunk } from './membership-store.js';
import { rolloutReconciler } from './reconcile.js';
import { versionSkewController } from './version-skew-gauge.js';
import { sharedRolloutInformers } from './world.js';

/** Reconciles of different rollouts run side by side; one rollout is never reconciled twice at once. */
const WORKERS = 4;

/**
 * A reconcile reads every cluster of its rollout (5–10 µs each), and while a wave lands every
 * cluster answers with events: cluster events wait 0.1 ms per covered cluster (at most 1 s) to
 * arrive together, so a 10,000-cluster rollout reconciles about once a second (not back to back,
 * which cost a third of a core) and a small one reacts at once.
 */
const SETTLE_MS_PER_CLUSTER = 0.1;
const MAX_SETTLE_MS = 1_000;

type Rollout = KubeObject & { spec?: { placementRef?: { name?: string } } };

export const rolloutControllerFactory: ControllerFactory = async (deps) => {
  const logger = deps.logger.child({ component: 'agent-rollout' });
  await applyAdmissionPolicy(deps.planes.data, deps.flags.allowedImageRegistries, logger);
  const world = sharedRolloutInformers(deps.planes.data, logger);
  const clusterIndex = new ClusterIndex();
  const controller = new Controller({
    name: 'agentrollout',
    workers: WORKERS,
    logger,
    reconcile: rolloutReconciler({
      world,
      data: deps.planes.data,
      control: deps.planes.control,
      recorder: deps.recorder,
      clusterIndex,
      allowedRegistries: deps.flags.allowedImageRegistries,
    }),
  });

  const all = () => world.rollouts.list().map((o) => objectKey(o));
  const byPlacement = (namespace: string | undefined, placement: string | undefined) =>
    (world.rollouts.list(namespace) as Rollout[])
      .filter((r) => r.spec?.placementRef?.name === placement)
      .map((r) => objectKey(r));
  const byCluster = (cluster: string | undefined) => clusterIndex.rolloutsOf(cluster ?? '');
  const withRecords = (o: KubeObject) => {
    const keys = new Set(byCluster(o.kind === 'ManagedCluster' ? o.metadata.name : o.metadata.namespace));
    for (const kind of ['klusterlet', 'transport', 'addOn'] as const) {
      const s = readClusterState(o.metadata.annotations, kind);
      if (s) keys.add(s.rollout);
    }
    return [...keys];
  };
  const settle = (key: string) =>
    Math.min(MAX_SETTLE_MS, clusterIndex.clustersOf(key).length * SETTLE_MS_PER_CLUSTER);
  const settled = { settleMs: settle };

  controller
    // Our own status write comes back as an update: it settles like a cluster event, or every
    // status write would start the next reconcile at once. An edit of the spec or metadata
    // (pause, approval, rollback request) is reconciled at once.
    .watch(world.rollouts, undefined, {
      settleMs: (key, { obj, old }) => (old && onlyStatusChanged(old, obj) ? settle(key) : 0),
    })
    .watch(world.placements, (p) => byPlacement(p.metadata.namespace, p.metadata.name))
    .watch(world.decisions, (d) => byPlacement(d.metadata.namespace, d.metadata.labels?.[PLACEMENT_LABEL]))
    .watch(world.clusters, withRecords, settled)
    .watch(world.addOns, withRecords, settled)
    .watch(world.klusterletWorks, (w) => byCluster(w.metadata.namespace), settled)
    .watch(world.observerWorks, (w) => byCluster(w.metadata.namespace), settled)
    .watch(world.klusterletConfigs, all)
    .watch(world.clusterManagementAddOns, all)
    .watch(world.engines, all)
    .watch(world.members, (m) => {
      const rollout = (m as MembershipChunk).spec?.rollout;
      return typeof rollout === 'string' ? [`${m.metadata.namespace}/${rollout}`] : [];
    });

  logger.debug({ apiVersion: AGENT_ROLLOUT_API_VERSION }, 'agent rollout controller configured');
  return {
    informers: world.all(),
    controllers: [
      controller,
      versionSkewController(world, logger),
      agentCertRenewalController({
        world,
        data: deps.planes.data,
        control: deps.planes.control,
        logger,
      }),
    ],
  };
};

function onlyStatusChanged(old: KubeObject, obj: KubeObject): boolean {
  const a = old.metadata;
  const b = obj.metadata;
  return (
    a.generation === b.generation &&
    a.deletionTimestamp === b.deletionTimestamp &&
    sameEntries(a.annotations, b.annotations) &&
    sameEntries(a.labels, b.labels)
  );
}

function sameEntries(a: Record<string, string> = {}, b: Record<string, string> = {}): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
