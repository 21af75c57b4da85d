/**
 * The simulated managedcluster-import-controller: keeps ManifestWork `<cluster>-klusterlet` in
 * every cluster namespace rendered from the hub images in its own Deployment's env and the
 * cluster's merged KlusterletConfig (see `klusterlet-render.ts`). Re-renders a cluster when its
 * annotations change, when the KlusterletConfig it names changes (every cluster for `global`),
 * when the Deployment env changes, and when someone edits or deletes its work (the import
 * controller puts it back). The work is written only when the manifests differ, so its
 * `metadata.generation` moves exactly on real changes. A cluster naming a KlusterletConfig that
 * doesn't exist keeps its previous render (upstream logs an error and retries).
 *
 * Not simulated: `<cluster>-klusterlet-crds`, bootstrap secrets, RBAC, image pull secrets,
 * node placement, hosted modes, `disable-auto-import`.
 */
import type { Controller } from '../../../src/runtime/controller.js';
import {
  createOrGet,
  IMPORT_CONTROLLER_NAME,
  KLUSTERLET_CONFIG_ANNOTATION,
  patchIfChanged,
  simController,
  type FleetContext,
} from './context.js';
import { goJson, sameJson } from './gojson.js';
import {
  IMAGE_REGISTRIES_ANNOTATION,
  klusterletImages,
  mergeKlusterletConfigs,
  renderKlusterletManifests,
  type BootstrapContent,
} from './klusterlet-render.js';
import type { HubImages, SimDeployment, SimWork } from './types.js';

export const KLUSTERLET_WORKS_LABEL = 'import.open-cluster-management.io/klusterlet-works';
export const GLOBAL_KLUSTERLET_CONFIG = 'global';
const WORK_API = 'work.open-cluster-management.io/v1';

/** `<cluster>-klusterlet`. */
export const klusterletWorkName = (cluster: string): string => `${cluster}-klusterlet`;

/** The hub images from the import controller Deployment's env, if all three are set. */
export function hubImagesOf(deployment: SimDeployment | undefined): HubImages | undefined {
  const env = new Map<string, string>();
  for (const c of deployment?.spec?.template?.spec?.containers ?? [])
    for (const e of c.env ?? []) if (e.value) env.set(e.name, e.value);
  const registrationOperator = env.get('REGISTRATION_OPERATOR_IMAGE');
  const registration = env.get('REGISTRATION_IMAGE');
  const work = env.get('WORK_IMAGE');
  return registrationOperator && registration && work
    ? { registrationOperator, registration, work }
    : undefined;
}

/** What the work holds, as the import controller compares it: the manifests, and the label. */
const rendered = (w: SimWork): string =>
  w.metadata.labels?.[KLUSTERLET_WORKS_LABEL] === 'true' ? goJson(w.spec?.workload?.manifests) : '';

/** The simulated import controller (see the file comment). */
export function importController(ctx: FleetContext, bootstrap?: BootstrapContent): Controller {
  const { clusters, klusterletConfigs, importDeployment, works } = ctx.informers;
  const controller = simController(ctx, 'import-controller', 8, (req) => reconcile(req.name));
  const hubImages = () => hubImagesOf(importDeployment.get(ctx.hubNamespace, IMPORT_CONTROLLER_NAME));
  const all = () => clusters.list().forEach((mc) => controller.enqueue(mc.metadata.name ?? ''));

  clusters.addHandler({
    add: (mc) => controller.enqueue(mc.metadata.name ?? ''),
    update: (old, mc) => {
      const a = old.metadata.annotations ?? {};
      const b = mc.metadata.annotations ?? {};
      if (
        a[KLUSTERLET_CONFIG_ANNOTATION] !== b[KLUSTERLET_CONFIG_ANNOTATION] ||
        a[IMAGE_REGISTRIES_ANNOTATION] !== b[IMAGE_REGISTRIES_ANNOTATION]
      )
        controller.enqueue(mc.metadata.name ?? '');
    },
  });
  const ofConfig = (kc: { metadata: { name?: string } }) => {
    const name = kc.metadata.name ?? '';
    if (name === GLOBAL_KLUSTERLET_CONFIG) all();
    else
      clusters.byIndex('klusterlet-config', name).forEach((mc) => controller.enqueue(mc.metadata.name ?? ''));
  };
  klusterletConfigs.addHandler({ add: ofConfig, update: (_o, kc) => ofConfig(kc), delete: ofConfig });
  importDeployment.addHandler({
    add: all,
    update: (old, d) => {
      if (!sameJson(hubImagesOf(old), hubImagesOf(d))) all();
    },
  });
  const isKlusterletWork = (w: SimWork) => w.metadata.name === klusterletWorkName(w.metadata.namespace ?? '');
  works.addHandler({
    update: (old, w) => {
      if (isKlusterletWork(w) && !sameJson(old.spec?.workload?.manifests, w.spec?.workload?.manifests))
        controller.enqueue(w.metadata.namespace ?? '');
    },
    delete: (w) => {
      if (!isKlusterletWork(w)) return;
      ctx.written.forget(`klusterlet-work/${w.metadata.namespace ?? ''}`);
      controller.enqueue(w.metadata.namespace ?? '');
    },
  });

  async function reconcile(cluster: string): Promise<void> {
    const mc = clusters.get(undefined, cluster);
    const images = hubImages();
    if (!mc || mc.metadata.deletionTimestamp || !images) return;
    const selected = mc.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION];
    const own = selected ? klusterletConfigs.get(undefined, selected) : undefined;
    if (selected && !own) {
      ctx.log.debug(
        { cluster, klusterletConfig: selected },
        'klusterlet config not found, keeping the previous render',
      );
      return;
    }
    const merged = mergeKlusterletConfigs(klusterletConfigs.get(undefined, GLOBAL_KLUSTERLET_CONFIG), own);
    const manifests = renderKlusterletManifests(
      cluster,
      klusterletImages(images, merged, mc.metadata.annotations),
      merged,
      bootstrap,
    );
    const desired = goJson(manifests);
    const name = klusterletWorkName(cluster);
    const key = `klusterlet-work/${cluster}`;
    const work = works.get(cluster, name);
    if (!work) {
      // Created by an earlier reconcile whose object the cache hasn't delivered yet: creating it
      // again would only earn an AlreadyExists (and count as a write).
      if (ctx.written.upToDate(key, undefined, desired, () => '')) return;
      const created = await createOrGet<SimWork>(ctx, 'import-controller:work', {
        apiVersion: WORK_API,
        kind: 'ManifestWork',
        metadata: {
          name,
          namespace: cluster,
          labels: { [KLUSTERLET_WORKS_LABEL]: 'true' },
          ownerReferences: [
            {
              apiVersion: 'cluster.open-cluster-management.io/v1',
              kind: 'ManagedCluster',
              name: cluster,
              uid: mc.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: { workload: { manifests } },
      });
      ctx.written.note(key, created.metadata.resourceVersion, rendered(created));
      if (rendered(created) === desired) return;
    }
    const current = work;
    await patchIfChanged(ctx, {
      what: 'import-controller:work',
      ref: { apiVersion: WORK_API, kind: 'ManifestWork', namespace: cluster, name },
      body: { metadata: { labels: { [KLUSTERLET_WORKS_LABEL]: 'true' } }, spec: { workload: { manifests } } },
      key,
      cached: current,
      desired,
      actual: () => (current ? rendered(current) : ''),
    });
  }

  return controller;
}
