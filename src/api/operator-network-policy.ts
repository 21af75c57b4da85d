/**
 * The NetworkPolicy of the operator's own pods: ingress only to the ports it serves to others, the
 * metrics endpoint and (when on) the regional console. Both are HTTPS and authenticate every
 * caller, so their peers are not narrowed: Prometheus runs in a namespace the operator cannot know
 * off OpenShift, and browsers reach the console through a Route, an ingress controller or a load
 * balancer. Everything else is refused, in particular the plain-HTTP health port from other pods;
 * the kubelet's probes come from the node, which NetworkPolicies do not restrict. Egress stays open:
 * the operator must reach the API server and Maestro's REST proxy, whose addresses no selector
 * names portably.
 *
 * OLM bundles can carry a NetworkPolicy only from operator-registry v1.55.0 (OpenShift 4.20) and
 * this bundle supports older releases, so the operator applies this object itself at start, from
 * its own flags; `hack/manifests.ts` writes the same object for the default flags into
 * `config/manager/` for kustomize installs (and config/console adds the console's port).
 */

/** The pod labels of the operator's Deployment (config/manager/manager.yaml, the OLM bundle). */
export const OPERATOR_POD_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'mce-maestro-operator',
};

/** The policy's name (its RBAC names exactly this object). */
export const OPERATOR_NETWORK_POLICY_NAME = 'mce-maestro-operator';

/** The ports the operator serves to other pods; undefined when that server is off. */
export interface OperatorPorts {
  metrics: number | undefined;
  console: number | undefined;
}

export interface OperatorNetworkPolicy {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    podSelector: { matchLabels: Record<string, string> };
    policyTypes: ['Ingress'];
    ingress: { ports: { protocol: 'TCP'; port: number }[] }[];
  };
}

/**
 * The policy for the operator's pods in `namespace`. With neither server on it admits nothing
 * (an empty ingress list): the pods then need no inbound traffic at all.
 */
export function operatorNetworkPolicy(namespace: string, ports: OperatorPorts): OperatorNetworkPolicy {
  const open = [ports.metrics, ports.console].filter((p): p is number => p !== undefined && p > 0);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: OPERATOR_NETWORK_POLICY_NAME,
      namespace,
      labels: { 'app.kubernetes.io/part-of': 'mce-maestro-operator' },
    },
    spec: {
      podSelector: { matchLabels: { ...OPERATOR_POD_LABELS } },
      policyTypes: ['Ingress'],
      ingress: open.length ? [{ ports: open.map((port) => ({ protocol: 'TCP' as const, port })) }] : [],
    },
  };
}
