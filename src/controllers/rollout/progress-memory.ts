/**
 * What a rollout's reconciles remember between steps, in memory only (a restart re-primes it from
 * the next observation): the agent-feedback tracker, and the transitions already turned into
 * metrics and events, so each is counted once.
 */
import type { planRollout } from '../../rollout/index.js';
import { InMemoryMatchTracker } from './drivers/match-tracker.js';
import { rolloutClusterDuration, rolloutClusterFailures, rolloutLastProgress } from './metrics.js';

export interface ProgressMemory {
  tracker: InMemoryMatchTracker;
  primed: boolean;
  atTarget: Set<string>;
  failed: Set<string>;
  lastCounts: string;
  lastPhase: string | undefined;
  target: string;
  groups: string[];
  /** When this process last wrote the rollout's status (pacing of progress-only writes). */
  lastStatusWriteAt?: number;
}

export function memoryFor(
  memories: Map<string, ProgressMemory>,
  key: string,
  target: string,
): ProgressMemory {
  let mem = memories.get(key);
  if (!mem) {
    mem = {
      tracker: new InMemoryMatchTracker(),
      primed: false,
      atTarget: new Set(),
      failed: new Set(),
      lastCounts: '',
      lastPhase: undefined,
      target,
      groups: [],
    };
    memories.set(key, mem);
  }
  mem.target = target;
  return mem;
}

/** Durations, failures and last progress, from changes between steps (primed on the first step). */
export function observeTransitions(
  mem: ProgressMemory,
  namespace: string,
  rollout: string,
  target: string,
  clusters: readonly {
    name: string;
    applied?: { startedAt: number; direction: string; revision: string } | null;
    observedRevision?: string | null;
  }[],
  plan: ReturnType<typeof planRollout>,
  now: number,
): void {
  for (const c of clusters) {
    const a = c.applied;
    if (!a || c.observedRevision !== a.revision || mem.atTarget.has(c.name)) continue;
    mem.atTarget.add(c.name);
    if (mem.primed)
      rolloutClusterDuration.observe(
        { target, direction: a.direction },
        Math.max(0, (now - a.startedAt) / 1000),
      );
  }
  for (const [list, reason] of [
    [plan.failed, 'Failed'],
    [plan.timedOut, 'TimedOut'],
  ] as const) {
    for (const c of list) {
      if (mem.failed.has(c.name)) continue;
      mem.failed.add(c.name);
      if (mem.primed) rolloutClusterFailures.inc({ namespace, rollout, target, reason });
    }
  }
  const counts = JSON.stringify(plan.summary.counts);
  if (counts !== mem.lastCounts || !mem.primed)
    rolloutLastProgress.set({ namespace, rollout, target }, Math.floor(now / 1000));
  mem.lastCounts = counts;
  mem.primed = true;
}
