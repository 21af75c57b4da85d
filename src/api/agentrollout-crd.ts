/**
 * The CustomResourceDefinition of the AgentRollout kind, built from its zod schemas. `make
 * manifests` writes it to `crds/`.
 */
import { crdFor, type CustomResourceDefinition } from './openapi.js';
import { AGENT_ROLLOUT_KIND, AGENT_ROLLOUT_PLURAL, agentRolloutSpecSchema } from './agentrollout.js';
import { agentRolloutPrinterColumns, agentRolloutStatusSchema } from './agentrollout-status.js';
import { MAESTRO_GROUP, MAESTRO_VERSION } from './maestro.js';

/** Returns the AgentRollout CRD (apiextensions.k8s.io/v1, namespaced, status subresource). */
export function agentRolloutCrd(): CustomResourceDefinition {
  return crdFor({
    group: MAESTRO_GROUP,
    kind: AGENT_ROLLOUT_KIND,
    plural: AGENT_ROLLOUT_PLURAL,
    singular: 'agentrollout',
    shortNames: ['arollout'],
    scope: 'Namespaced',
    categories: ['ocm'],
    versions: [
      {
        name: MAESTRO_VERSION,
        served: true,
        storage: true,
        schema: agentRolloutSpecSchema,
        statusSchema: agentRolloutStatusSchema,
        printerColumns: agentRolloutPrinterColumns,
        description:
          'AgentRollout rolls a klusterlet version, an add-on version or the transport across the ' +
          'clusters of a Placement, wave by wave, with maintenance windows, failure budgets, approvals and rollback.',
      },
    ],
  });
}
