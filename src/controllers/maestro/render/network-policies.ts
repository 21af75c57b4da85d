/**
 * Default-deny ingress for the operand namespace, and what each operand admits. The database
 * admits only its clients (`renderDatabaseNetworkPolicy`); here:
 * - the server: gRPC 8090 and REST 8000 (the authenticating proxy, rest-proxy.ts) from the OCM
 *   hub namespace, the operand namespace, and namespaces the admin labels
 *   `GRPC_CLIENT_NAMESPACE_LABEL=true` (callers still need a client certificate, or a token with
 *   the right on `maestros/rest`); REST also from the operator's own pods (they register managed
 *   clusters as consumers there); metrics 8080 from `openshift-monitoring` on OpenShift, else from
 *   any namespace (the Prometheus namespace is unknown there). Nobody is admitted to Maestro's
 *   own REST listener (8001): only the proxy calls it, over the pod's loopback.
 *   Probes come from the kubelet on the node, which NetworkPolicies do not restrict.
 * - the embedded broker: 8883 from anywhere (agents come through Routes, load balancers and node
 *   ports from outside the cluster; Mosquitto requires their client certificates).
 * Egress stays open: the server must reach the API server (SubjectAccessReviews), whose address no
 * selector names portably.
 */
import type { V1NetworkPolicyPeer } from '@kubernetes/client-node';
import { OPERATOR_POD_LABELS } from '../../../api/operator-network-policy.js';
import type { RenderContext } from './context.js';
import { selectors } from './labels.js';
import { objectMeta } from './metadata.js';
import { names, OCM_HUB_NAMESPACE, ports } from './names.js';
import type { NetworkPolicyObject, RenderedObject } from './types.js';

/** Namespace label that admits the namespace's pods to Maestro's gRPC and REST ports. */
export const GRPC_CLIENT_NAMESPACE_LABEL = 'maestro.multicluster.openshift.io/grpc-client';
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const OPENSHIFT_MONITORING_NAMESPACE = 'openshift-monitoring';

const inNamespace = (name: string): V1NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
});

/** Default deny, the server's policy and (embedded broker) the broker's policy. */
export function renderNetworkPolicies(ctx: RenderContext): RenderedObject[] {
  const { namespace } = ctx;
  const defaultDeny: NetworkPolicyObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(names.defaultDenyNetworkPolicy, namespace, 'namespace'),
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };
  const server: NetworkPolicyObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(names.serverNetworkPolicy, namespace, 'server'),
    spec: {
      podSelector: { matchLabels: { ...selectors.server } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            inNamespace(OCM_HUB_NAMESPACE),
            inNamespace(namespace),
            { namespaceSelector: { matchLabels: { [GRPC_CLIENT_NAMESPACE_LABEL]: 'true' } } },
          ],
          ports: [
            { protocol: 'TCP', port: ports.grpc },
            { protocol: 'TCP', port: ports.http },
          ],
        },
        {
          from: [
            ctx.input.capabilities.openshift
              ? inNamespace(OPENSHIFT_MONITORING_NAMESPACE)
              : { namespaceSelector: {} },
          ],
          ports: [{ protocol: 'TCP', port: ports.metrics }],
        },
        ...(ctx.input.operatorNamespace
          ? [
              {
                from: [
                  {
                    ...inNamespace(ctx.input.operatorNamespace),
                    podSelector: { matchLabels: { ...OPERATOR_POD_LABELS } },
                  },
                ],
                ports: [{ protocol: 'TCP', port: ports.http }],
              },
            ]
          : []),
      ],
    },
  };
  const objects: RenderedObject[] = [
    { object: defaultDeny, retained: false },
    { object: server, retained: false },
  ];
  if (ctx.spec.transport === 'mqtt' && ctx.spec.broker.type === 'Embedded') {
    const broker: NetworkPolicyObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: objectMeta(names.mqttNetworkPolicy, namespace, 'broker'),
      spec: {
        podSelector: { matchLabels: { ...selectors.broker } },
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ protocol: 'TCP', port: ports.mqttTls }] }],
      },
    };
    objects.push({ object: broker, retained: false });
  }
  return objects;
}
