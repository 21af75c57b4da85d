/**
 * A ServiceMonitor for the Maestro metrics endpoint, only where `monitoring.coreos.com` is served.
 * On OpenShift the platform Prometheus (`openshift-monitoring/prometheus-k8s`) scrapes namespaces
 * labelled `openshift.io/cluster-monitoring=true` and needs read access to endpoints there, the
 * pattern OpenShift operators use; elsewhere the ServiceMonitor alone is the contract.
 */
import type { V1Role, V1RoleBinding } from '@kubernetes/client-node';
import type { RenderContext } from './context.js';
import { NAME_LABEL, PART_OF, PART_OF_LABEL } from './labels.js';
import { objectMeta } from './metadata.js';
import { names } from './names.js';
import type { KubeObject, RenderedObject } from './types.js';

/** ServiceMonitor plus, on OpenShift, the Role/RoleBinding for prometheus-k8s. */
export function renderMonitoring(ctx: RenderContext): RenderedObject[] {
  const { capabilities } = ctx.input;
  if (!capabilities.serviceMonitors) return [];
  const serviceMonitor: KubeObject & { spec: Record<string, unknown> } = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: objectMeta(names.serviceMonitor, ctx.namespace, 'monitoring'),
    spec: {
      selector: { matchLabels: { [NAME_LABEL]: names.metricsService, [PART_OF_LABEL]: PART_OF } },
      namespaceSelector: { matchNames: [ctx.namespace] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' }],
    },
  };
  const objects: RenderedObject[] = [{ object: serviceMonitor, retained: false }];
  if (capabilities.openshift) {
    const role: V1Role & KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: objectMeta(names.prometheusRole, ctx.namespace, 'monitoring'),
      rules: [
        { apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      ],
    };
    const binding: V1RoleBinding & KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: objectMeta(names.prometheusRole, ctx.namespace, 'monitoring'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.prometheusRole },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'openshift-monitoring' }],
    };
    objects.push({ object: role, retained: false }, { object: binding, retained: false });
  }
  return objects;
}
