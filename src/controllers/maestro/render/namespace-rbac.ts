/**
 * The operand namespace and the ServiceAccount all operand pods use. No token is mounted by
 * default and no Role is bound: PostgreSQL and Mosquitto never call the API. Only the Maestro
 * server mounts the token (server.ts), because gRPC mTLS authorises callers with
 * SubjectAccessReviews (cmd/maestro/environments/framework.go) and its REST proxy reviews tokens
 * and rights (rest-proxy.ts); `system:auth-delegator` for that is shipped with the install
 * (config/rbac/hub-namespaces), and what each client may do is the admin's to grant (docs/maestro.md).
 */
import type { V1Namespace, V1ServiceAccount } from '@kubernetes/client-node';
import type { RenderContext } from './context.js';
import { objectMeta } from './metadata.js';
import { names } from './names.js';
import type { KubeObject, RenderedObject } from './types.js';

/** Labels enforcing the restricted Pod Security profile every operand pod meets. */
export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
} as const;

/** On OpenShift, lets the platform Prometheus scrape the namespace (with the RBAC in monitoring.ts). */
export const CLUSTER_MONITORING_LABEL = 'openshift.io/cluster-monitoring';

/** Namespace (retained data when retainDataOnDisable) and ServiceAccount. */
export function renderNamespaceAndServiceAccount(ctx: RenderContext): RenderedObject[] {
  const { capabilities } = ctx.input;
  const monitoring = capabilities.openshift && capabilities.serviceMonitors;
  const namespace: V1Namespace & KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: objectMeta(ctx.namespace, undefined, 'namespace', {
      ...POD_SECURITY_LABELS,
      ...(monitoring ? { [CLUSTER_MONITORING_LABEL]: 'true' } : {}),
    }),
  };
  const serviceAccount: V1ServiceAccount & KubeObject = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: objectMeta(names.serviceAccount, ctx.namespace, 'server'),
    automountServiceAccountToken: false,
  };
  return [
    { object: namespace, retained: true },
    { object: serviceAccount, retained: false },
  ];
}
