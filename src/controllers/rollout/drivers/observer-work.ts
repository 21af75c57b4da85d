/**
 * The rollout's own observer ManifestWork per cluster: ReadOnly manifests for the Klusterlet CR and
 * the klusterlet operator Deployment, with JSONPath feedback rules, so the hub sees which images
 * and which registration driver the cluster really runs. ReadOnly never writes, never owns and
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
} as const;

/** The observer work for a cluster. */
export function observerWork(cluster: string, labels: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: MANIFEST_WORK_API_VERSION,
    kind: 'ManifestWork',
    metadata: { name: OBSERVER_WORK_NAME, namespace: cluster, labels },
    spec: {
      workload: {
        manifests: [
          {
            apiVersion: 'operator.open-cluster-management.io/v1',
            kind: 'Klusterlet',
            metadata: { name: 'klusterlet' },
          },
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'klusterlet', namespace: AGENT_NAMESPACE },
          },
        ],
      },
      manifestConfigs: [
        {
          resourceIdentifier: {
            group: 'operator.open-cluster-management.io',
            resource: 'klusterlets',
            name: 'klusterlet',
          },
          updateStrategy: { type: 'ReadOnly' },
          feedbackRules: [
            {
              type: 'JSONPaths',
              jsonPaths: [
                { name: FEEDBACK.registrationImage, path: '.spec.registrationImagePullSpec' },
                { name: FEEDBACK.workImage, path: '.spec.workImagePullSpec' },
                {
                  name: FEEDBACK.klusterletAvailable,
                  path: '.status.conditions[?(@.type=="Available")].status',
                },
                {
                  name: FEEDBACK.authType,
                  path: '.spec.registrationConfiguration.registrationDriver.authType',
                },
              ],
            },
          ],
        },
        {
          resourceIdentifier: {
            group: 'apps',
            resource: 'deployments',
            name: 'klusterlet',
            namespace: AGENT_NAMESPACE,
          },
          updateStrategy: { type: 'ReadOnly' },
          feedbackRules: [
            {
              type: 'JSONPaths',
              jsonPaths: [
                { name: FEEDBACK.operatorImage, path: '.spec.template.spec.containers[0].image' },
                { name: FEEDBACK.operatorReady, path: '.status.readyReplicas' },
              ],
            },
          ],
        },
      ],
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
