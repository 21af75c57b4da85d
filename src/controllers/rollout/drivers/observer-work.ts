/**
 * The rollout's own observer ManifestWork per cluster: ReadOnly manifests for the Klusterlet CR,
 * the klusterlet operator Deployment and the Singleton agent Deployment (`klusterlet-agent`, what
 * MCE runs), with JSONPath feedback rules, so the hub sees which images and which registration
 * driver the cluster really runs, and whether the agent has rolled out (a Klusterlet CR that says
 * 2.17.1 is not yet an agent that runs it: the klusterlet operator replaces the agent afterwards). ReadOnly never writes, never owns and
 * never deletes the objects (ocm `pkg/work/spoke/apply/read_only_apply.go`), so it cannot fight the
 * import controller's `<cluster>-klusterlet` work. JSONPaths are evaluated against the whole object
 * (ocm `pkg/work/spoke/statusfeedback/reader.go`); scalar values only.
 */
import { MANIFEST_WORK_API_VERSION, type ManifestWork } from '../../../api/upstream/ocm.js';

export const OBSERVER_WORK_NAME = 'mmo-klusterlet-observer';
export const AGENT_NAMESPACE = 'open-cluster-management-agent';

/** Feedback value names. */
export const FEEDBACK = {
  registrationImage: 'registrationImage',
  workImage: 'workImage',
  klusterletAvailable: 'klusterletAvailable',
  authType: 'authType',
  operatorImage: 'operatorImage',
  operatorReady: 'operatorReadyReplicas',
  agentImage: 'agentImage',
  agentGeneration: 'agentGeneration',
  agentObservedGeneration: 'agentObservedGeneration',
  agentUpdatedReplicas: 'agentUpdatedReplicas',
  agentAvailableReplicas: 'agentAvailableReplicas',
} as const;

/** The Singleton agent Deployment the klusterlet operator runs (ocm klusterlet-agent-deployment.yaml). */
export const SINGLETON_AGENT_DEPLOYMENT = 'klusterlet-agent';

interface Observed {
  apiVersion: string;
  kind: string;
  /** The plural the work agent matches `resourceIdentifier.resource` against. */
  resource: string;
  name: string;
  namespace?: string;
  /** Feedback value name → JSONPath. */
  paths: Record<string, string>;
}

/** What the observer reads, and where (scalar JSONPaths over the whole object). */
const OBSERVED: readonly Observed[] = [
  {
    apiVersion: 'operator.open-cluster-management.io/v1',
    kind: 'Klusterlet',
    resource: 'klusterlets',
    name: 'klusterlet',
    paths: {
      [FEEDBACK.registrationImage]: '.spec.registrationImagePullSpec',
      [FEEDBACK.workImage]: '.spec.workImagePullSpec',
      [FEEDBACK.klusterletAvailable]: '.status.conditions[?(@.type=="Available")].status',
      [FEEDBACK.authType]: '.spec.registrationConfiguration.registrationDriver.authType',
    },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    resource: 'deployments',
    name: 'klusterlet',
    namespace: AGENT_NAMESPACE,
    paths: {
      [FEEDBACK.operatorImage]: '.spec.template.spec.containers[0].image',
      [FEEDBACK.operatorReady]: '.status.readyReplicas',
    },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    resource: 'deployments',
    name: SINGLETON_AGENT_DEPLOYMENT,
    namespace: AGENT_NAMESPACE,
    paths: {
      [FEEDBACK.agentImage]: '.spec.template.spec.containers[0].image',
      [FEEDBACK.agentGeneration]: '.metadata.generation',
      [FEEDBACK.agentObservedGeneration]: '.status.observedGeneration',
      [FEEDBACK.agentUpdatedReplicas]: '.status.updatedReplicas',
      [FEEDBACK.agentAvailableReplicas]: '.status.availableReplicas',
    },
  },
];

/** The observer work for a cluster. */
export function observerWork(cluster: string, labels: Record<string, string>): Record<string, unknown> {
  const meta = (o: Observed) => ({ name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) });
  return {
    apiVersion: MANIFEST_WORK_API_VERSION,
    kind: 'ManifestWork',
    metadata: { name: OBSERVER_WORK_NAME, namespace: cluster, labels },
    spec: {
      workload: {
        manifests: OBSERVED.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: meta(o) })),
      },
      manifestConfigs: OBSERVED.map((o) => ({
        resourceIdentifier: {
          group: o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '',
          resource: o.resource,
          ...meta(o),
        },
        updateStrategy: { type: 'ReadOnly' },
        feedbackRules: [
          { type: 'JSONPaths', jsonPaths: Object.entries(o.paths).map(([name, path]) => ({ name, path })) },
        ],
      })),
    },
  };
}

/** Feedback values by name across all manifests (names are unique in our observer). */
export function feedbackValues(work: ManifestWork | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of work?.status?.resourceStatus?.manifests ?? []) {
    for (const v of m.statusFeedback?.values ?? []) {
      const f = v.fieldValue;
      if (!f) continue;
      const value =
        f.string ??
        (f.integer !== undefined
          ? String(f.integer)
          : f.boolean !== undefined
            ? String(f.boolean)
            : f.jsonRaw);
      if (value !== undefined) out.set(v.name, value);
    }
  }
  return out;
}

/**
 * Whether the Singleton agent runs `image` and has rolled out (its Deployment observed at its
 * generation, with updated and available replicas). True when the cluster reports no agent
 * Deployment (Default mode runs registration and work agents under other names).
 */
export function singletonAgentRolledOut(feedback: Map<string, string>, image: string): boolean {
  const reported = feedback.get(FEEDBACK.agentImage);
  if (reported === undefined) return true;
  return (
    reported === image &&
    feedback.get(FEEDBACK.agentObservedGeneration) === feedback.get(FEEDBACK.agentGeneration) &&
    Number(feedback.get(FEEDBACK.agentUpdatedReplicas) ?? 0) > 0 &&
    Number(feedback.get(FEEDBACK.agentAvailableReplicas) ?? 0) > 0
  );
}
