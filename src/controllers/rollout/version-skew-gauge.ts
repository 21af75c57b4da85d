/**
 * `mce_maestro_klusterlet_max_minor_skew`: how many minor versions the oldest klusterlet in the
 * fleet is behind the hub, for the agent version skew alert. A cluster runs the version of its
 * pin (derived KlusterletConfig) or, unpinned, the hub's own. Recomputed on config and hub
 * changes and every minute, over the cached ManagedClusters.
 */
import { Gauge } from 'prom-client';
import { KLUSTERLET_CONFIG_ANNOTATION } from '../../api/upstream/ocm.js';
import { Controller, registry, type Logger } from '../../runtime/index.js';
import { compositionOf } from './derived-config.js';
import { minorDistance, parseSemver } from './version-skew.js';
import type { RolloutInformers } from './world.js';

export const klusterletMaxMinorSkew = new Gauge({
  name: 'mce_maestro_klusterlet_max_minor_skew',
  help: 'Minor versions the oldest klusterlet in the fleet is behind the hub (0 when all match).',
  registers: [registry],
});

export const klusterletClustersByVersion = new Gauge({
  name: 'mce_maestro_klusterlet_clusters',
  help: 'Managed clusters by the klusterlet version they are pinned to (the hub version when unpinned).',
  labelNames: ['version'] as const,
  registers: [registry],
});

/** Minor versions each pinned version is behind the hub, keyed by version; pure. */
export function skewOf(hub: string, versions: ReadonlyMap<string, number>): number {
  const h = parseSemver(hub);
  if (!h) return 0;
  let worst = 0;
  for (const v of versions.keys()) {
    const s = parseSemver(v);
    if (!s) continue;
    worst = Math.max(worst, minorDistance(h, s));
  }
  return worst;
}

const KEY = 'fleet';

export function versionSkewController(world: RolloutInformers, logger: Logger): Controller {
  const controller = new Controller({
    name: 'agent-version-skew',
    logger,
    reconcile: async () => {
      const hub = world.hubVersion();
      const counts = new Map<string, number>();
      for (const mc of world.clusters.list()) {
        const selection = mc.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION] ?? '';
        const version = compositionOf(world.klusterletConfig(selection))?.pin?.version ?? hub ?? 'unknown';
        counts.set(version, (counts.get(version) ?? 0) + 1);
      }
      klusterletClustersByVersion.reset();
      for (const [version, n] of counts) klusterletClustersByVersion.set({ version }, n);
      klusterletMaxMinorSkew.set(hub ? skewOf(hub, counts) : 0);
      return { requeueAfter: 60_000 };
    },
  });
  controller.watch(world.engines, () => [KEY]).watch(world.klusterletConfigs, () => [KEY]);
  return controller;
}
