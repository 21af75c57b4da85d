/**
 * The objects each console action writes, as pure functions of the validated request (CONSOLE.md,
 * "Day-1 and day-2 actions"). The server sends them with the caller's token; nothing here talks
 * to an API server.
 */
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND } from '../../api/agentrollout.js';
import {
  ADDON_API_VERSION,
  MANAGED_CLUSTER_API_VERSION,
  PLACEMENT_API_VERSION,
} from '../../api/upstream/ocm.js';
import type { KubeObject } from '../../runtime/client/types.js';
import type {
  CreateClusterDeploymentRequest,
  CreateRolloutRequest,
  ImportClusterRequest,
  PatchLabelsRequest,
} from '../contract.js';
import { badRequest } from './errors.js';
import { CLUSTER_SET_LABEL } from './summaries.js';

export const HIVE_API_VERSION = 'hive.openshift.io/v1';
/** The Secret the import controller reads to import a cluster (managedcluster-import-controller). */
export const AUTO_IMPORT_SECRET = 'auto-import-secret';
/** How often the import controller retries with the auto-import Secret (the ACM console's value). */
export const AUTO_IMPORT_RETRY = '5';
/**
 * The label holding a ManagedCluster's own name: ACM's cluster-info controller sets it on every
 * cluster, and the console's import sets it; a plain OCM hub does not, so there a Placement over
 * picked clusters selects only clusters labelled this way (docs/console.md says so).
 */
export const CLUSTER_NAME_LABEL = 'name';
/** Label on what the console wrote, so an administrator can find it. */
export const CREATED_BY_LABEL = 'console.maestro.multicluster.openshift.io/created-by';
const CREATED_BY = 'regional-console';

export function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/**
 * An AgentRollout over the request's Placement, or over picked clusters: then a Placement named
 * like the rollout selects exactly them by OCM's `name` label, and the rollout points at it.
 */
export function rolloutObjects(req: CreateRolloutRequest): { placement?: KubeObject; rollout: KubeObject } {
  const placementName = req.placement ?? req.name;
  const placement: KubeObject | undefined = req.clusters
    ? ({
        apiVersion: PLACEMENT_API_VERSION,
        kind: 'Placement',
        metadata: {
          name: placementName,
          namespace: req.namespace,
          labels: { [CREATED_BY_LABEL]: CREATED_BY },
        },
        spec: {
          predicates: [
            {
              requiredClusterSelector: {
                labelSelector: {
                  matchExpressions: [
                    { key: CLUSTER_NAME_LABEL, operator: 'In', values: [...new Set(req.clusters)].sort() },
                  ],
                },
              },
            },
          ],
        },
      } as KubeObject)
    : undefined;
  const rollout = {
    apiVersion: AGENT_ROLLOUT_API_VERSION,
    kind: AGENT_ROLLOUT_KIND,
    metadata: { name: req.name, namespace: req.namespace, labels: { [CREATED_BY_LABEL]: CREATED_BY } },
    spec: {
      target: req.target,
      placementRef: { name: placementName },
      ...(req.maxConcurrency !== undefined
        ? { rolloutStrategy: { type: 'Progressive', progressive: { maxConcurrency: req.maxConcurrency } } }
        : {}),
    },
  } as KubeObject;
  return { ...(placement ? { placement } : {}), rollout };
}

/** A merge patch of labels: a null value removes the label (RFC 7386). */
export function labelsPatch(req: PatchLabelsRequest): {
  metadata: { labels: Record<string, string | null> };
} {
  return { metadata: { labels: { ...req.labels } } };
}

export function addOnObject(cluster: string, addOn: string, installNamespace?: string): KubeObject {
  return {
    apiVersion: ADDON_API_VERSION,
    kind: 'ManagedClusterAddOn',
    metadata: { name: addOn, namespace: cluster },
    spec: installNamespace ? { installNamespace } : {},
  } as KubeObject;
}

/**
 * Import: the cluster's namespace, the ManagedCluster (accepted, in its set) and the import
 * controller's `auto-import-secret`, with a kubeconfig or a token and server.
 */
export function importObjects(req: ImportClusterRequest): {
  namespace: KubeObject;
  cluster: KubeObject;
  secret: KubeObject;
} {
  const labels = {
    ...(req.labels ?? {}),
    [CLUSTER_NAME_LABEL]: req.name,
    ...(req.clusterSet ? { [CLUSTER_SET_LABEL]: req.clusterSet } : {}),
  };
  return {
    namespace: namespaceObject(req.name),
    cluster: {
      apiVersion: MANAGED_CLUSTER_API_VERSION,
      kind: 'ManagedCluster',
      metadata: { name: req.name, labels },
      spec: { hubAcceptsClient: true },
    } as KubeObject,
    secret: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: AUTO_IMPORT_SECRET, namespace: req.name },
      type: 'Opaque',
      stringData:
        req.kubeconfig !== undefined
          ? { autoImportRetry: AUTO_IMPORT_RETRY, kubeconfig: req.kubeconfig }
          : { autoImportRetry: AUTO_IMPORT_RETRY, token: req.token ?? '', server: req.server ?? '' },
    } as KubeObject,
  };
}

/**
 * Worker pool defaults per platform, as the ACM console's create wizard uses: Hive requires an
 * instance type and the root volume on a MachinePool, and the request carries only replicas.
 */
const WORKER_PLATFORM = {
  aws: { type: 'm5.xlarge', rootVolume: { size: 120, type: 'gp3' } },
  gcp: { type: 'n1-standard-4' },
  azure: { type: 'Standard_D4s_v3', osDisk: { diskSizeGB: 128 } },
} as const;

/**
 * Provision by create, in namespace `name`: the install-config Secret, the ClusterDeployment
 * (hive.openshift.io/v1) referencing it, the image set, the pull secret and the credentials, and
 * a `worker` MachinePool when asked.
 */
export function clusterDeploymentObjects(req: CreateClusterDeploymentRequest): KubeObject[] {
  const platforms = (['aws', 'gcp', 'azure'] as const).filter((p) => req.platform[p] !== undefined);
  if (platforms.length !== 1)
    throw badRequest('platform: exactly one of aws, gcp or azure must be set', 'platform');
  const kind = platforms[0] as 'aws' | 'gcp' | 'azure';
  const credentialsSecretRef = { name: req.credentialsSecretName };
  const platform = { [kind]: { ...req.platform[kind], credentialsSecretRef } };
  const ns = req.name;
  const installConfigName = `${req.name}-install-config`;
  const objects: KubeObject[] = [
    namespaceObject(ns),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: installConfigName, namespace: ns },
      type: 'Opaque',
      stringData: { 'install-config.yaml': req.installConfig },
    } as KubeObject,
    {
      apiVersion: HIVE_API_VERSION,
      kind: 'ClusterDeployment',
      metadata: { name: req.name, namespace: ns, labels: { ...(req.labels ?? {}) } },
      spec: {
        clusterName: req.name,
        baseDomain: req.baseDomain,
        platform,
        provisioning: {
          installConfigSecretRef: { name: installConfigName },
          imageSetRef: { name: req.imageSet },
        },
        pullSecretRef: { name: req.pullSecretName },
      },
    } as KubeObject,
  ];
  if (req.workers) {
    objects.push({
      apiVersion: HIVE_API_VERSION,
      kind: 'MachinePool',
      metadata: { name: `${req.name}-worker`, namespace: ns },
      spec: {
        clusterDeploymentRef: { name: req.name },
        name: 'worker',
        replicas: req.workers.replicas,
        platform: { [kind]: WORKER_PLATFORM[kind] },
      },
    } as KubeObject);
  }
  return objects;
}

export function scalePatch(replicas: number): { spec: { replicas: number } } {
  return { spec: { replicas } };
}
