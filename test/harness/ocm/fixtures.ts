/**
 * What the end-to-end tests and the demo put on a real OCM hub: agent images per MCE version (and
 * the OCM release each runs here), an AddOnTemplate add-on whose agent carries the version of its
 * AddOnDeploymentConfig, and namespace bindings.
 */
import { ADDON_API_VERSION } from '../../../src/api/upstream/ocm.js';
import type { KubeClient, KubeObject } from '../../../src/runtime/index.js';
import type { HubImages } from '../fleet/types.js';

/** The klusterlet images of an MCE version, as the import controller's env holds them. */
export const hubImagesOf = (tag: string): HubImages => ({
  registrationOperator: `quay.io/stolostron/registration-operator:${tag}`,
  registration: `quay.io/stolostron/registration:${tag}`,
  work: `quay.io/stolostron/work:${tag}`,
});

/** Which OCM release (built from its Go module) each image tag runs here. */
export const OCM_RELEASE_OF_TAG: Record<string, string> = { '2.17.0': 'v1.2.0', '2.17.1': 'v1.2.1' };

export const TEMPLATE_ADDON_AGENT_NAMESPACE = 'open-cluster-management-agent-addon';

/**
 * A template add-on (the addon-manager runs it; no add-on controller of its own): its agent is a
 * Deployment whose image tag and VERSION env come from the AddOnDeploymentConfig
 * `<name>-<version>` in `configNamespace`; the first version is the default.
 */
export function templateAddOn(name: string, versions: string[], configNamespace: string): KubeObject[] {
  const template = {
    apiVersion: ADDON_API_VERSION,
    kind: 'AddOnTemplate',
    metadata: { name: `${name}-template` },
    spec: {
      addonName: name,
      registration: [],
      agentSpec: {
        workload: {
          manifests: [
            { apiVersion: 'v1', kind: 'Namespace', metadata: { name: TEMPLATE_ADDON_AGENT_NAMESPACE } },
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata: { namespace: TEMPLATE_ADDON_AGENT_NAMESPACE, name: `${name}-agent` },
              spec: {
                replicas: 1,
                selector: { matchLabels: { app: name } },
                template: {
                  metadata: { labels: { app: name } },
                  spec: {
                    containers: [
                      {
                        name: 'agent',
                        image: `quay.io/open-cluster-management/${name}:{{VERSION}}`,
                        env: [{ name: 'VERSION', value: '{{VERSION}}' }],
                      },
                    ],
                  },
                },
              },
            },
          ],
        },
      },
    },
  };
  const configs = versions.map((v) => ({
    apiVersion: ADDON_API_VERSION,
    kind: 'AddOnDeploymentConfig',
    metadata: { namespace: configNamespace, name: `${name}-${v}` },
    spec: { customizedVariables: [{ name: 'VERSION', value: v }] },
  }));
  const cma = {
    apiVersion: ADDON_API_VERSION,
    kind: 'ClusterManagementAddOn',
    metadata: { name, annotations: { 'addon.open-cluster-management.io/lifecycle': 'addon-manager' } },
    spec: {
      addOnMeta: { displayName: name },
      supportedConfigs: [
        {
          group: 'addon.open-cluster-management.io',
          resource: 'addontemplates',
          defaultConfig: { name: `${name}-template` },
        },
        {
          group: 'addon.open-cluster-management.io',
          resource: 'addondeploymentconfigs',
          defaultConfig: { namespace: configNamespace, name: `${name}-${versions[0] ?? ''}` },
        },
      ],
      installStrategy: { type: 'Manual' },
    },
  };
  return [template, ...configs, cma] as KubeObject[];
}

/** Installs the add-on on each cluster (a ManagedClusterAddOn, as `clusteradm addon enable` does). */
export async function enableAddOn(
  client: KubeClient,
  name: string,
  clusters: readonly string[],
): Promise<void> {
  for (const cluster of clusters)
    await client.apply(
      {
        apiVersion: ADDON_API_VERSION,
        kind: 'ManagedClusterAddOn',
        metadata: { namespace: cluster, name },
        spec: {},
      } as KubeObject,
      { fieldManager: 'test-harness' },
    );
}

/** The version a template add-on's agent runs with on a managed cluster (its VERSION env). */
export async function templateAddOnVersion(spoke: KubeClient, name: string): Promise<string | undefined> {
  const d = (await spoke.get({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: TEMPLATE_ADDON_AGENT_NAMESPACE,
    name: `${name}-agent`,
  })) as
    | (KubeObject & { spec?: { template?: { spec?: { containers?: { env?: { value?: string }[] }[] } } } })
    | undefined;
  return d?.spec?.template?.spec?.containers?.[0]?.env?.[0]?.value;
}

/** Creates `namespace` with a ManagedClusterSetBinding to the `default` cluster set. */
export async function bindToDefaultSet(client: KubeClient, namespace: string): Promise<void> {
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } as KubeObject, {
    fieldManager: 'test-harness',
  });
  await client.apply(
    {
      apiVersion: 'cluster.open-cluster-management.io/v1beta2',
      kind: 'ManagedClusterSetBinding',
      metadata: { namespace, name: 'default' },
      spec: { clusterSet: 'default' },
    } as KubeObject,
    { fieldManager: 'test-harness' },
  );
}

/** A ManifestWork that delivers one ConfigMap into `default` on the managed cluster. */
export function configMapWork(cluster: string, name: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: { namespace: cluster, name },
    spec: {
      workload: {
        manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default', name }, data }],
      },
    },
  } as KubeObject;
}

/** The data of ConfigMap `default/<name>` on a managed cluster, if it is there. */
export async function configMapData(
  spoke: KubeClient,
  name: string,
): Promise<Record<string, string> | undefined> {
  const cm = (await spoke.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name })) as
    (KubeObject & { data?: Record<string, string> }) | undefined;
  return cm?.data;
}
