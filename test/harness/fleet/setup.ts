/**
 * The objects a fleet starts with: the hub's own (the import controller Deployment with the hub
 * images in its env, the MultiClusterEngine with its current version, the ClusterManager, the
 * `default` and `global` ManagedClusterSets, the `global` KlusterletConfig, add-on CMAs and their
 * versioned AddOnDeploymentConfigs) and per cluster its namespace, ManagedCluster and one
 * ManagedClusterAddOn per add-on. Everything else (works, statuses, decisions) is written by the
 * simulated controllers. Objects that already exist are kept, so a fleet can be re-attached.
 */
import {
  CLUSTERSET_LABEL,
  createOrGet,
  IMPORT_CONTROLLER_NAME,
  mergePatch,
  type FleetContext,
} from './context.js';
import { deploymentManifest } from './klusterlet-render.js';
import type { AddOnOptions, AddOnSupportedConfig, FleetOptions, HubImages, Manifest } from './types.js';
import type { KubeObject } from '../../../src/runtime/client/types.js';

const ADDON_API = 'addon.open-cluster-management.io/v1alpha1';
const ADC: AddOnSupportedConfig = {
  group: 'addon.open-cluster-management.io',
  resource: 'addondeploymentconfigs',
};

/**
 * An add-on configured by AddOnDeploymentConfigs, one per version in `multicluster-engine`; the
 * first version is what every cluster runs at setup.
 */
export function versionedAddOn(name: string, versions: string[]): AddOnOptions {
  return {
    name,
    supportedConfigs: [ADC],
    versions,
    configNamespace: 'multicluster-engine',
  };
}

/** The name of an add-on's versioned AddOnDeploymentConfig, `<addon>-<version>`. */
export const addOnConfigName = (addOn: string, version: string): string => `${addOn}-${version}`;

/** The cluster names of a fleet: `<prefix><n>` with n zero-padded to the fleet's width, from 1. */
export function clusterNames(count: number, prefix: string): string[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`);
}

/** The import controller Deployment, whose env is how the operator learns the hub's images. */
export function importControllerDeployment(namespace: string, images: HubImages): Manifest {
  return deploymentManifest(IMPORT_CONTROLLER_NAME, namespace, {
    containers: [
      {
        name: 'managedcluster-import-controller',
        image: 'quay.io/stolostron/managedcluster-import-controller:simulated',
        env: [
          { name: 'REGISTRATION_OPERATOR_IMAGE', value: images.registrationOperator },
          { name: 'REGISTRATION_IMAGE', value: images.registration },
          { name: 'WORK_IMAGE', value: images.work },
          { name: 'MAX_CONCURRENT_RECONCILES', value: '10' },
        ],
      },
    ],
  });
}

function cmaFor(a: AddOnOptions): KubeObject & Record<string, unknown> {
  const ns = a.configNamespace ?? 'multicluster-engine';
  const defaultVersion = a.defaultVersion ?? a.versions?.[0];
  const supported = (a.supportedConfigs ?? (a.versions?.length ? [ADC] : [])).map((sc) =>
    !sc.defaultConfig && defaultVersion && sc.group === ADC.group && sc.resource === ADC.resource
      ? { ...sc, defaultConfig: { namespace: ns, name: addOnConfigName(a.name, defaultVersion) } }
      : sc,
  );
  return {
    apiVersion: ADDON_API,
    kind: 'ClusterManagementAddOn',
    metadata: {
      name: a.name,
      annotations: { 'addon.open-cluster-management.io/lifecycle': 'addon-manager' },
    },
    spec: {
      addOnMeta: { displayName: a.name },
      supportedConfigs: supported,
      ...(a.installStrategy
        ? { installStrategy: a.installStrategy }
        : { installStrategy: { type: 'Manual' } }),
    },
  };
}

/** Creates the hub's objects. */
export async function createHubObjects(
  ctx: FleetContext,
  opts: FleetOptions,
  clusterSets: string[],
): Promise<void> {
  const hubNs = ctx.hubNamespace;
  const namespaces = new Set([
    hubNs,
    // The cluster-manager operator's hub namespace (Default mode), where hub configuration such
    // as grpc-server-config lives.
    'open-cluster-management-hub',
    ...(opts.addOns ?? []).map((a) => a.configNamespace ?? 'multicluster-engine'),
  ]);
  await Promise.all(
    [...namespaces].map((n) =>
      createOrGet(ctx, 'setup:namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } }),
    ),
  );
  const objects: (KubeObject & Record<string, unknown>)[] = [
    importControllerDeployment(hubNs, opts.hub.images),
    {
      apiVersion: 'multicluster.openshift.io/v1',
      kind: 'MultiClusterEngine',
      metadata: { name: 'multiclusterengine' },
      spec: { targetNamespace: hubNs, availabilityConfig: 'Basic' },
    },
    {
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'ClusterManager',
      metadata: { name: 'cluster-manager' },
      spec: {
        registrationImagePullSpec: opts.hub.images.registration,
        workImagePullSpec: opts.hub.images.work,
      },
    },
    {
      apiVersion: 'cluster.open-cluster-management.io/v1beta2',
      kind: 'ManagedClusterSet',
      metadata: { name: 'global' },
      spec: { clusterSelector: { selectorType: 'LabelSelector', labelSelector: {} } },
    },
    ...[...new Set(['default', ...clusterSets])].map((name) => ({
      apiVersion: 'cluster.open-cluster-management.io/v1beta2',
      kind: 'ManagedClusterSet',
      metadata: { name },
      spec: { clusterSelector: { selectorType: 'ExclusiveClusterSetLabel' } },
    })),
    {
      apiVersion: 'config.open-cluster-management.io/v1alpha1',
      kind: 'KlusterletConfig',
      metadata: { name: 'global' },
      spec: {},
    },
    ...(opts.addOns ?? []).flatMap((a) => [
      cmaFor(a),
      ...(a.versions ?? []).map((v) => ({
        apiVersion: ADDON_API,
        kind: 'AddOnDeploymentConfig',
        metadata: { name: addOnConfigName(a.name, v), namespace: a.configNamespace ?? 'multicluster-engine' },
        spec: { customizedVariables: [{ name: 'AGENT_VERSION', value: v }] },
      })),
    ]),
  ];
  await Promise.all(objects.map((o) => createOrGet(ctx, `setup:${o.kind.toLowerCase()}`, o)));
  await setHubVersion(ctx, opts.hub.version);
}

/** Writes the MultiClusterEngine's `status.currentVersion` (the hub version the operator reads). */
export async function setHubVersion(ctx: FleetContext, version: string): Promise<void> {
  await mergePatch(
    ctx,
    'setup:mce-status',
    { apiVersion: 'multicluster.openshift.io/v1', kind: 'MultiClusterEngine', name: 'multiclusterengine' },
    { status: { currentVersion: version, desiredVersion: version, phase: 'Available' } },
    'status',
  );
}

/** Creates one cluster: its namespace, its ManagedCluster, then its add-ons. */
export async function createCluster(
  ctx: FleetContext,
  opts: FleetOptions,
  name: string,
  index: number,
  cmaUids: Map<string, string>,
): Promise<void> {
  await createOrGet(ctx, 'setup:namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const labels = { [CLUSTERSET_LABEL]: 'default', name, ...(opts.labels?.(index, name) ?? {}) };
  await createOrGet(ctx, 'setup:managedcluster', {
    apiVersion: 'cluster.open-cluster-management.io/v1',
    kind: 'ManagedCluster',
    metadata: { name, labels },
    spec: { hubAcceptsClient: true, leaseDurationSeconds: opts.realHub?.leaseDurationSeconds ?? 60 },
  });
  for (const a of opts.addOns ?? []) {
    await createOrGet(ctx, 'setup:managedclusteraddon', {
      apiVersion: ADDON_API,
      kind: 'ManagedClusterAddOn',
      metadata: {
        name: a.name,
        namespace: name,
        ownerReferences: [
          {
            apiVersion: ADDON_API,
            kind: 'ClusterManagementAddOn',
            name: a.name,
            uid: cmaUids.get(a.name) ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {},
    });
  }
}
