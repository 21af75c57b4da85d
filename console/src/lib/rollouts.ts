/** The merged rollout view. Pure. */
import type { RolloutSummary } from './contract';

export interface RolloutRow {
  region: string;
  rollout: RolloutSummary;
}

export function mergeRollouts(
  regions: readonly { region: string; rollouts: Iterable<RolloutSummary> }[],
): RolloutRow[] {
  const rows: RolloutRow[] = [];
  for (const { region, rollouts } of regions) for (const rollout of rollouts) rows.push({ region, rollout });
  const key = (r: RolloutRow) => `${r.region}\u0000${r.rollout.namespace}\u0000${r.rollout.name}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The group an approve click grants: the first one waiting for approval. */
export function groupAwaitingApproval(rollout: RolloutSummary): string | undefined {
  const waiting = rollout.groups.find((g) => g.approval === 'Waiting');
  if (waiting) return waiting.name;
  return rollout.approvals.find((a) => !a.approved)?.group;
}

export function succeeded(rollout: RolloutSummary): number {
  return rollout.counts?.succeeded ?? rollout.groups.reduce((n, g) => n + g.counts.succeeded, 0);
}

export function percent(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
}
