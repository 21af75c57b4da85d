/**
 * The pod-level settings every operand shares: our ServiceAccount without a token, the restricted
 * security context for its image, and the MCE's node selector and tolerations.
 */
import type { V1PodSpec } from '@kubernetes/client-node';
import type { RenderContext } from './context.js';
import { names } from './names.js';
import { type OperandImage, podSecurityContext } from './security.js';

/** Pod spec fields common to all operand pods. */
export function operandPodBase(
  ctx: RenderContext,
  image: OperandImage,
): Pick<
  V1PodSpec,
  'serviceAccountName' | 'automountServiceAccountToken' | 'securityContext' | 'nodeSelector' | 'tolerations'
> {
  const { input } = ctx;
  return {
    serviceAccountName: names.serviceAccount,
    // No token unless a pod needs the API (only the Maestro server does; see namespace-rbac.ts).
    automountServiceAccountToken: false,
    securityContext: podSecurityContext(image, input.capabilities.openshift),
    nodeSelector: { ...input.mce.nodeSelector },
    tolerations: input.mce.tolerations.map((t) => ({ ...t })),
  };
}
