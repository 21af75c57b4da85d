/**
 * The merge patches of `kubectl mce rollout pause|resume|approve|rollback`, as pure functions of
 * the rollout and the time. The controller reads the annotations and `spec.approved` as its
 * reconciler documents (`src/controllers/rollout/reconcile.ts`).
 */
import { RESUME_ANNOTATION, ROLLBACK_ANNOTATION, type CliRollout } from './agentrollout-object.js';

/** Sets `spec.paused`: the controller starts no new cluster; clusters in flight are still tracked. */
export function pausePatch(): { spec: { paused: true } } {
  return { spec: { paused: true } };
}

/**
 * Clears `spec.paused` and stamps the resume annotation with `now`, which also resumes a pause
 * decided by a failure budget (the failures so far are forgiven).
 */
export function resumePatch(now: Date) {
  return { metadata: { annotations: { [RESUME_ANNOTATION]: now.toISOString() } }, spec: { paused: false } };
}

/** Stamps the rollback annotation with `now`: the controller reverts the clusters of the revision. */
export function rollbackPatch(now: Date) {
  return { metadata: { annotations: { [ROLLBACK_ANNOTATION]: now.toISOString() } } };
}

export type ApprovalDecision =
  | { kind: 'refused'; message: string }
  | { kind: 'already'; revision: string }
  | {
      kind: 'patch';
      revision: string;
      body: {
        metadata: { resourceVersion: string | undefined };
        spec: { approved: { groupName: string; revision: string }[] };
      };
    };

/**
 * What `approve GROUP` does to this version of the rollout: refuse (the group has no approval
 * gate, or there is no revision to approve yet), nothing (already approved for the current
 * revision), or a merge patch that appends the grant. A merge patch replaces the whole list, so
 * the patch carries `metadata.resourceVersion`: a concurrent edit makes it fail with 409 instead
 * of losing a grant.
 */
export function approvalPatch(r: CliRollout, group: string): ApprovalDecision {
  const key = `${r.metadata.namespace}/${r.metadata.name}`;
  const gates = (r.spec?.approvals ?? []).map((a) => a.groupName);
  if (!gates.includes(group)) {
    const known = gates.length > 0 ? `gated groups: ${gates.join(', ')}` : 'no group is gated';
    return {
      kind: 'refused',
      message: `group "${group}" of ${key} has no approval gate in spec.approvals (${known})`,
    };
  }
  const revision = r.status?.revision;
  if (!revision) {
    return {
      kind: 'refused',
      message: `${key} has no status.revision yet: wait until the controller has planned it, then approve`,
    };
  }
  const approved = r.spec?.approved ?? [];
  if (approved.some((a) => a.groupName === group && a.revision === revision))
    return { kind: 'already', revision };
  return {
    kind: 'patch',
    revision,
    body: {
      metadata: { resourceVersion: r.metadata.resourceVersion },
      // Grants of this group for older revisions can never apply again: drop them (the list is bounded).
      spec: {
        approved: [
          ...approved.filter((a) => a.groupName !== group).map((a) => ({ ...a })),
          { groupName: group, revision },
        ],
      },
    },
  };
}
