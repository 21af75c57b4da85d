/**
 * The AgentRolloutMembership kind: one chunk of a rollout revision's frozen membership (which
 * clusters were in which decision group when the revision started, and which joined later), next
 * to its AgentRollout and owned by it. A kind of our own rather than ConfigMaps: writing it gives
 * the operator no power over anyone's configuration (issue 13, finding 2), and a user who may read
 * rollouts need not read every ConfigMap of the namespace to see them.
 *
 * Written and read only by the rollout controller; the encoding is in
 * `src/controllers/rollout/membership.ts` (one cluster per line).
 */
import { z } from 'zod';
import { MAESTRO_GROUP, MAESTRO_VERSION } from './maestro.js';
import { crdFor, type CustomResourceDefinition } from './openapi.js';

export const AGENT_ROLLOUT_MEMBERSHIP_KIND = 'AgentRolloutMembership';
export const AGENT_ROLLOUT_MEMBERSHIP_PLURAL = 'agentrolloutmemberships';
export const AGENT_ROLLOUT_MEMBERSHIP_API_VERSION = `${MAESTRO_GROUP}/${MAESTRO_VERSION}`;

export const agentRolloutMembershipSpecSchema = z.object({
  rollout: z.string().min(1).max(253).describe('Name of the AgentRollout (same namespace).'),
  revision: z.string().min(1).max(63).describe('The rollout revision this membership was frozen for.'),
  index: z.number().int().min(0).describe('Position of this chunk among the revision chunks.'),
  members: z
    .string()
    .max(1_000_000)
    .describe(
      'One cluster per line: name, TAB, group index, TAB, group name, and TAB L when it joined late.',
    ),
});

export type AgentRolloutMembershipSpec = z.infer<typeof agentRolloutMembershipSpecSchema>;

/** The CRD (namespaced, no status: the object is a record, never reconciled). */
export function agentRolloutMembershipCrd(): CustomResourceDefinition {
  return crdFor({
    group: MAESTRO_GROUP,
    kind: AGENT_ROLLOUT_MEMBERSHIP_KIND,
    plural: AGENT_ROLLOUT_MEMBERSHIP_PLURAL,
    singular: 'agentrolloutmembership',
    scope: 'Namespaced',
    versions: [
      {
        name: MAESTRO_VERSION,
        served: true,
        storage: true,
        schema: agentRolloutMembershipSpecSchema,
        description:
          'AgentRolloutMembership is written by the operator: a chunk of the clusters an AgentRollout ' +
          'revision froze, with their decision groups. Deleted with its AgentRollout.',
      },
    ],
  });
}
