/**
 * What the CLI reads from an AgentRollout, parsed at the edge with zod. The spec is read
 * loosely (only the fields the commands need), so that `status` still shows a rollout whose
 * spec the controller rejected; the status is read with the API's own schema.
 */
import { z } from 'zod';
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND, approvalGrantSchema } from './agentrollout.js';
import { agentRolloutStatusSchema } from './agentrollout-status.js';

export { RESUME_ANNOTATION, ROLLBACK_ANNOTATION } from './agentrollout.js';

export const cliRolloutSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string(),
    generation: z.number().int().optional(),
    resourceVersion: z.string().optional(),
  }),
  spec: z
    .object({
      paused: z.boolean().optional(),
      approvals: z.array(z.object({ groupName: z.string() })).optional(),
      approved: z.array(approvalGrantSchema).optional(),
    })
    .optional(),
  status: agentRolloutStatusSchema.optional(),
});

export type CliRollout = z.infer<typeof cliRolloutSchema>;

/** Names one AgentRollout for the runtime client. */
export function rolloutRef(namespace: string, name: string) {
  return { apiVersion: AGENT_ROLLOUT_API_VERSION, kind: AGENT_ROLLOUT_KIND, namespace, name };
}

/**
 * Parses an object read from the API server; throws an Error whose one-line message names the
 * first field this CLI can't read.
 */
export function parseRollout(obj: unknown): CliRollout {
  const parsed = cliRolloutSchema.safeParse(obj);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(
    `the AgentRollout is not readable by this kubectl-mce: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
  );
}
