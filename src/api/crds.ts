/** The CRDs this operator installs, in a stable order (generation, bundle and test harness). */
import { agentRolloutCrd } from './agentrollout-crd.js';
import { agentRolloutMembershipCrd } from './agentrollout-membership.js';
import { maestroCrd } from './maestro-crd.js';
import type { CustomResourceDefinition } from './openapi.js';

/** The CRDs of the kinds users write (each has a docs page). */
export function ownCrds(): CustomResourceDefinition[] {
  return [agentRolloutCrd(), maestroCrd()];
}

/** Every CRD we install: the users' kinds and the records the operator keeps for itself. */
export function allCrds(): CustomResourceDefinition[] {
  return [...ownCrds(), agentRolloutMembershipCrd()];
}
