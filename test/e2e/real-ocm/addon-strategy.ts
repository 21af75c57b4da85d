/**
 * The real add-on manager's own rollout of an add-on config: a ClusterManagementAddOn install
 * strategy over one Placement with a Progressive rollout strategy (ocm `addon/v1alpha1`
 * `InstallStrategy`, `PlacementStrategy`), and the per-cluster verdict it reports on each
 * ManagedClusterAddOn (`status.configReferences`: the config applied once `lastAppliedConfig`
 * matches `desiredConfig`).
 */
import type { ManagedClusterAddOn } from '../../../src/api/upstream/ocm.js';

const ADC = { group: 'addon.open-cluster-management.io', resource: 'addondeploymentconfigs' };

export function addOnInstallStrategy(
  placementNamespace: string,
  placement: string,
  configNamespace: string,
  config: string,
  maxConcurrency: string,
): Record<string, unknown> {
  return {
    type: 'Placements',
    placements: [
      {
        namespace: placementNamespace,
        name: placement,
        configs: [{ ...ADC, namespace: configNamespace, name: config }],
        rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency } },
      },
    ],
  };
}

interface ConfigReference {
  group?: string;
  resource?: string;
  desiredConfig?: { name?: string; namespace?: string; specHash?: string };
  lastAppliedConfig?: { name?: string; namespace?: string; specHash?: string };
}

/** True once the add-on manager reports `config` desired and applied on this cluster's add-on. */
export function addOnConfigApplied(
  mca: ManagedClusterAddOn | undefined,
  namespace: string,
  config: string,
): boolean {
  const refs = ((mca as { status?: { configReferences?: ConfigReference[] } } | undefined)?.status
    ?.configReferences ?? []) as ConfigReference[];
  const ref = refs.find((r) => r.group === ADC.group && r.resource === ADC.resource);
  return (
    ref?.desiredConfig?.name === config &&
    ref.desiredConfig.namespace === namespace &&
    !!ref.desiredConfig.specHash &&
    ref.lastAppliedConfig?.specHash === ref.desiredConfig.specHash &&
    ref.lastAppliedConfig.name === config
  );
}
