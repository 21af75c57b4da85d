/**
 * Applies the AgentRollout admission policy (`src/api/agentrollout-admission.ts`) at start: OLM
 * bundles cannot carry ValidatingAdmissionPolicy objects, and the policy must carry this
 * operator's allow-list (`--allowed-image-registries`) and exempt this operator's own user, which
 * only the running operator knows for sure (a SelfSubjectReview). Kustomize installs ship the same
 * objects with the defaults in `config/admission/`; this apply then takes them over.
 */
import { agentRolloutAdmissionObjects } from '../../api/agentrollout-admission.js';
import {
  applyAtStart,
  type KubeClient,
  type KubeObject,
  type Logger,
  type StartObjects,
} from '../../runtime/index.js';

/** Its own field manager: the objects are whole, and kubectl's copy is overwritten (force). */
export const ADMISSION_FIELD_MANAGER = 'mce-maestro-operator-admission';

type SelfSubjectReview = KubeObject & { status?: { userInfo?: { username?: string } } };

/** Who this client is, as the API server's authenticator sees it. */
export async function whoAmI(client: KubeClient): Promise<string> {
  const review = await client.create<SelfSubjectReview>({
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: { name: '' },
  });
  const username = review.status?.userInfo?.username;
  if (!username) throw new Error('SelfSubjectReview returned no user name');
  return username;
}

/**
 * Applies the policy and its binding. Never throws: without the policy the controller still
 * refuses images from other registries, so a failure is logged as an error and the operator runs.
 */
export function applyAdmissionPolicy(
  client: KubeClient,
  allowedRegistries: readonly string[],
  log: Logger,
): Promise<boolean> {
  const spec: StartObjects = {
    what: 'the AgentRollout admission policy',
    fieldManager: ADMISSION_FIELD_MANAGER,
    // The operator's own user is exempt: it creates the `maestro-transport` rollout itself.
    build: async (c) => agentRolloutAdmissionObjects({ allowedRegistries, exemptUsers: [await whoAmI(c)] }),
    context: { allowedRegistries },
    withoutIt: 'rollouts are not checked against their authors’ permissions',
  };
  return applyAtStart(client, spec, log);
}
