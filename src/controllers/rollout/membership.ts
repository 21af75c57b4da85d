/**
 * The frozen membership of a rollout revision: which clusters were in which decision group when
 * the revision started, and which joined later. Kept in AgentRolloutMembership objects next to the rollout, a few
 * thousand clusters per object, so freezing a 200,000-cluster plan costs tens of writes rather
 * than one write per cluster, and a restart reads it back.
 *
 * Encoding, one cluster per line: `name<TAB>groupIndex<TAB>groupName<TAB>L?` (L: joined late).
 */
import type { Membership } from '../../rollout/index.js';

/** Clusters per chunk: ~40 bytes a line keeps each object far below etcd's 1.5 MB limit. */
export const MEMBERS_PER_CHUNK = 10_000;

export interface MemberLine {
  name: string;
  membership: Membership;
}

export function encodeMembers(lines: readonly MemberLine[]): string {
  return lines
    .map(
      ({ name, membership: m }) => `${name}\t${m.group.index}\t${m.group.name}${m.joinedLate ? '\tL' : ''}`,
    )
    .join('\n');
}

/** Decodes a chunk for `revision`; malformed lines are skipped (they re-freeze as late joiners). */
export function decodeMembers(
  text: string,
  revision: string,
  into: Map<string, Membership>,
  intern: (s: string) => string = (s) => s,
): void {
  if (!text) return;
  // Members of a group share one frozen Membership: at 200,000 clusters, one object each would
  // outweigh the cached ManagedClusters.
  const same = new Map<string, Membership>();
  for (const line of text.split('\n')) {
    const [name, index, groupName, late] = line.split('\t');
    const i = Number(index);
    if (!name || !Number.isInteger(i)) continue;
    const kind = `${i}\t${groupName ?? ''}\t${late === 'L' ? 'L' : ''}`;
    let m = same.get(kind);
    if (!m) {
      m = Object.freeze({
        revision,
        group: Object.freeze({ index: i, name: groupName ?? '' }),
        joinedLate: late === 'L',
      });
      same.set(kind, m);
    }
    into.set(intern(name), m);
  }
}

/**
 * Places new members into chunks: fills the last chunk, then opens new ones. Returns the chunk
 * numbers whose content changed, with their full new content.
 */
export function appendMembers(
  chunks: readonly MemberLine[][],
  added: readonly MemberLine[],
  perChunk = MEMBERS_PER_CHUNK,
): { index: number; lines: MemberLine[] }[] {
  const out = chunks.map((c) => [...c]);
  const changed = new Set<number>();
  for (const line of added) {
    let last = out.length - 1;
    if (last < 0 || (out[last]?.length ?? 0) >= perChunk) {
      out.push([]);
      last = out.length - 1;
    }
    out[last]?.push(line);
    changed.add(last);
  }
  return [...changed].sort((a, b) => a - b).map((index) => ({ index, lines: out[index] ?? [] }));
}
