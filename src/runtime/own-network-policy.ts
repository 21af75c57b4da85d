/**
 * Applies the NetworkPolicy of the operator's own pods (`src/api/operator-network-policy.ts`) at
 * start, from the flags this process serves with: OLM bundles for the OpenShift releases we support
 * cannot carry it, and only the running operator knows which ports it opened.
 */
import { operatorNetworkPolicy, type OperatorPorts } from '../api/operator-network-policy.js';
import { applyAtStart, type StartObjects } from './apply-at-start.js';
import type { KubeClient } from './client/kube-client.js';
import type { OperatorFlags } from './flags.js';
import { parseBindAddress } from './http-servers.js';
import type { Logger } from './logger.js';

/** Its own field manager: the object is whole, and kubectl's copy is taken over (force). */
export const NETWORK_POLICY_FIELD_MANAGER = 'mce-maestro-operator-network-policy';

/** The ports other pods may reach, from the bind addresses (0 or empty: that server is off). */
export function operatorPorts(
  flags: Pick<OperatorFlags, 'metricsBindAddress' | 'consoleBindAddress'>,
): OperatorPorts {
  return {
    metrics: parseBindAddress(flags.metricsBindAddress)?.port,
    console: parseBindAddress(flags.consoleBindAddress)?.port,
  };
}

/**
 * Applies the policy into `namespace`. Never throws: the listeners authenticate their callers
 * without it, so a failure (no permission, no NetworkPolicy API) is logged and the operator runs.
 */
export function applyOperatorNetworkPolicy(
  client: KubeClient,
  namespace: string,
  ports: OperatorPorts,
  log: Logger,
): Promise<boolean> {
  const spec: StartObjects = {
    what: "the operator's NetworkPolicy",
    fieldManager: NETWORK_POLICY_FIELD_MANAGER,
    build: () => [operatorNetworkPolicy(namespace, ports)],
    context: { namespace, ports },
    withoutIt: 'its pods admit traffic on every port',
  };
  return applyAtStart(client, spec, log);
}
