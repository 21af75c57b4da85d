/**
 * Reads and writes the frozen membership chunks of a rollout revision (AgentRolloutMembership
 * objects; encoding in `membership.ts`). They live next to the AgentRollout on the data plane
 * (they are API state of the rollout, not operand configuration) and carry an owner reference to
 * it, so deleting the rollout removes them.
 */
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND } from '../../api/agentrollout.js';
import {
  AGENT_ROLLOUT_MEMBERSHIP_API_VERSION,
  AGENT_ROLLOUT_MEMBERSHIP_KIND,
  type AgentRolloutMembershipSpec,
} from '../../api/agentrollout-membership.js';
import { PLANE_ANNOTATION } from '../../api/planes.js';
import { objectKey, type KubeClient, type KubeObject } from '../../runtime/index.js';
import type { Membership } from '../../rollout/index.js';
import { rolloutLabels, ROLLOUT_LABEL } from './labels.js';
import { internString } from './fleet-strings.js';
import { appendMembers, decodeMembers, encodeMembers, type MemberLine } from './membership.js';

export const REVISION_LABEL = 'rollout.maestro.multicluster.openshift.io/revision';

/** A chunk as cached (the informer keeps it whole; the spec is not trusted to be well-formed). */
export type MembershipChunk = KubeObject & { spec?: Partial<AgentRolloutMembershipSpec> };

export interface RolloutOwner {
  namespace: string;
  name: string;
  uid: string;
}

export function chunkName(rollout: string, revision: string, index: number): string {
  return `${rollout}-members-${revision}-${index}`;
}

/** Decodes cached chunks once per resourceVersion (a 200,000-line parse is not free). */
export class MembershipCache {
  private readonly decoded = new Map<string, { rv: string; members: Map<string, Membership> }>();

  /** Members of `revision` from the chunk ConfigMaps (in index order), and the chunks' lines. */
  read(
    chunks: readonly MembershipChunk[],
    revision: string,
  ): { members: Map<string, Membership>; lines: MemberLine[][] } {
    const members = new Map<string, Membership>();
    const lines: MemberLine[][] = [];
    for (const cm of chunks) {
      const key = objectKey(cm);
      const rv = cm.metadata.resourceVersion ?? '';
      let entry = this.decoded.get(key);
      if (!entry || entry.rv !== rv) {
        const m = new Map<string, Membership>();
        decodeMembers(typeof cm.spec?.members === 'string' ? cm.spec.members : '', revision, m, internString);
        entry = { rv, members: m };
        this.decoded.set(key, entry);
      }
      const chunkLines: MemberLine[] = [];
      for (const [name, membership] of entry.members) {
        members.set(name, membership);
        chunkLines.push({ name, membership });
      }
      lines.push(chunkLines);
    }
    return { members, lines };
  }

  forget(keyPrefix: string): void {
    for (const k of this.decoded.keys()) if (k.startsWith(keyPrefix)) this.decoded.delete(k);
  }
}

/** The chunks of a revision, ordered by index. */
export function chunksOf(all: readonly KubeObject[], rollout: string, revision: string): MembershipChunk[] {
  return (all as MembershipChunk[])
    .filter((c) => c.spec?.rollout === rollout && c.spec.revision === revision)
    .sort((a, b) => (a.spec?.index ?? 0) - (b.spec?.index ?? 0));
}

/** Writes new members into chunks (filling the last, then new ones); returns the chunk count. */
export async function writeMembers(
  client: KubeClient,
  owner: RolloutOwner,
  revision: string,
  existing: MemberLine[][],
  added: MemberLine[],
): Promise<number> {
  const changed = appendMembers(existing, added);
  for (const { index, lines } of changed) {
    await client.apply({
      apiVersion: AGENT_ROLLOUT_MEMBERSHIP_API_VERSION,
      kind: AGENT_ROLLOUT_MEMBERSHIP_KIND,
      metadata: {
        name: chunkName(owner.name, revision, index),
        namespace: owner.namespace,
        labels: { ...rolloutLabels(), [ROLLOUT_LABEL]: owner.name, [REVISION_LABEL]: revision },
        annotations: { [PLANE_ANNOTATION]: 'data' },
        ownerReferences: [
          {
            apiVersion: AGENT_ROLLOUT_API_VERSION,
            kind: AGENT_ROLLOUT_KIND,
            name: owner.name,
            uid: owner.uid,
            blockOwnerDeletion: false,
          },
        ],
      },
      spec: { rollout: owner.name, revision, index, members: encodeMembers(lines) },
    } as MembershipChunk);
  }
  return Math.max(existing.length, ...changed.map((c) => c.index + 1));
}
