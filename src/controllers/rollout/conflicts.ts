/**
 * "No other active rollout targets the same clusters and target": two rollouts of the same kind
 * (for add-ons, of the same add-on) must not drive the same cluster. The older one (by creation
 * time, then name) keeps going; the newer one stalls, naming the other and a few shared clusters.
 */
import type { RolloutTarget } from '../../api/agentrollout.js';
import { targetKind } from '../../api/agentrollout.js';

export interface RolloutSummaryForConflicts {
  key: string;
  createdAt: string;
  target: RolloutTarget;
  active: boolean;
  clusters: ReadonlySet<string>;
}

const sameTarget = (a: RolloutTarget, b: RolloutTarget) =>
  targetKind(a) === targetKind(b) && (a.addOn === undefined || a.addOn.name === b.addOn?.name);

const older = (a: RolloutSummaryForConflicts, b: RolloutSummaryForConflicts) =>
  a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.key < b.key);

/** The message naming the first older active rollout that shares clusters with `me`, or null. */
export function conflictWith(
  me: RolloutSummaryForConflicts,
  others: readonly RolloutSummaryForConflicts[],
): string | null {
  for (const other of others) {
    if (other.key === me.key || !other.active || !sameTarget(me.target, other.target) || !older(other, me))
      continue;
    const shared: string[] = [];
    for (const c of me.clusters) {
      if (other.clusters.has(c)) {
        shared.push(c);
        if (shared.length === 5) break;
      }
    }
    if (shared.length > 0) {
      return `rollout ${other.key} already targets the same ${targetKind(me.target)} on clusters ${shared.join(', ')}${shared.length === 5 ? ', …' : ''}`;
    }
  }
  return null;
}
