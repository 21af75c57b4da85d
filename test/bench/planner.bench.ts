/**
 * One planning step of planRollout at 1,000 to 200,000 clusters: groups of 100; 30% succeeded, 5%
 * progressing, 1% failed, the rest waiting; a Progressive strategy with a mandatory canary group,
 * an approval gate (granted), maintenance windows (one for the rollout, one by label), a freeze
 * ahead, and failure budgets on. The fleet is in name order, as the controller keeps it.
 *
 * Reports the median step time per size, the heap growth of a 200,000-cluster step (heap used just
 * after the step, before any collection, minus heap used before it, after a full collection), and
 * the 200k/10k time ratio, each against the target.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { planRollout, rolloutPolicySchema } from '../../src/rollout/index.js';
import type { ClusterObservation, RolloutInput } from '../../src/rollout/index.js';
import { figure, median, type BenchOptions, type BenchResult } from './types.js';

const SIZES = [1_000, 10_000, 100_000, 200_000];
const GROUP = 100;
const MINUTE = 60_000;
/** Tuesday 2025-06-03 10:00 UTC: inside the rollout's window, outside the apac one. */
const NOW = Date.parse('2025-06-03T10:00:00Z');
const REGIONS = ['emea', 'amer', 'apac', 'latam'];

const policy = rolloutPolicySchema.parse({
  rolloutStrategy: {
    type: 'Progressive',
    progressive: {
      maxConcurrency: '10%',
      maxFailures: '5%',
      minSuccessTime: '10m',
      progressDeadline: '2h',
      mandatoryDecisionGroups: [{ groupName: 'g0' }],
    },
  },
  maintenanceWindows: [
    {
      name: 'business-hours',
      recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH;BYHOUR=8',
      start: '2025-01-06T08:00',
      duration: '8h',
      timeZone: 'Europe/Berlin',
    },
    {
      name: 'apac-night',
      recurrence: 'FREQ=DAILY',
      start: '2025-01-01T01:00',
      duration: '4h',
      timeZone: 'Asia/Tokyo',
      scope: { clusterSelector: { matchLabels: { region: 'apac' } } },
    },
  ],
  maintenanceExclusions: [
    { name: 'year-end', start: '2025-12-20', end: '2026-01-05', timeZone: 'Europe/Berlin' },
  ],
  failurePolicy: { maxFailures: '5%', maxFailuresPerGroup: '50%', maxUnreachable: '5%', action: 'Pause' },
  approvals: [{ groupName: 'g3' }],
});

/** A steady-state fleet of `n` clusters, in name order, with its memo. */
function scenario(n: number): RolloutInput {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const clusters: ClusterObservation[] = [];
  for (let i = 0; i < n; i++) {
    const index = Math.floor(i / GROUP);
    const roll = index === 0 ? 0 : random();
    const state = roll < 0.3 ? 'succeeded' : roll < 0.35 ? 'progressing' : roll < 0.36 ? 'failed' : 'waiting';
    clusters.push(observation(i, index, state));
  }
  const groups = Array.from({ length: Math.ceil(n / GROUP) }, (_, index) => ({
    name: `g${index}`,
    index,
    size: Math.min(GROUP, n - index * GROUP),
  }));
  return {
    now: NOW,
    revision: 'v2',
    lastKnownGoodRevision: 'v1',
    policy,
    clusters,
    approvals: [{ groupName: 'g3', revision: 'v2' }],
    memo: { revision: 'v2', startedAt: NOW - 600 * MINUTE, groups, halt: null, forgiven: null },
  };
}

type Observed = 'succeeded' | 'progressing' | 'failed' | 'waiting';

/**
 * One cluster as the controller would build it: a single object literal with every field present,
 * so that all observations share one hidden class (V8 reads properties of objects with thousands of
 * different shapes far more slowly).
 */
function observation(i: number, index: number, state: Observed): ClusterObservation {
  const group = { name: `g${index}`, index };
  const started = state !== 'waiting';
  return {
    name: `cluster-${String(i).padStart(6, '0')}`,
    placement: group,
    labels: { region: REGIONS[i % REGIONS.length] ?? 'emea', tier: 'prod' },
    membership: { revision: 'v2', group, joinedLate: false },
    applied: {
      revision: started ? 'v2' : 'v1',
      direction: 'forward',
      startedAt:
        NOW -
        (state === 'succeeded' ? 300 : state === 'progressing' ? 20 : state === 'failed' ? 30 : 90_000) *
          MINUTE,
    },
    observedRevision: state === 'succeeded' || state === 'failed' ? 'v2' : 'v1',
    healthy: state !== 'failed',
    healthySince: state === 'failed' ? null : NOW - (state === 'succeeded' ? 240 : 90_000) * MINUTE,
    degraded: state === 'failed',
    reachable: true,
    skip: false,
  };
}

/** `global.gc`, or one obtained through V8 flags when node was started without --expose-gc. */
function findGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const gc = findGc();
  if (gc === null) options.log('no gc available: heap growth includes garbage left by building the fleet');
  const results: BenchResult[] = [];
  const medians = new Map<number, number>();
  for (const n of SIZES) {
    const input = scenario(n);
    const runs = n <= 10_000 ? 40 : 15;
    for (let i = 0; i < 5; i++) planRollout(input);
    const samples: number[] = [];
    let started = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      started = planRollout(input).start.length;
      samples.push(performance.now() - t);
    }
    const m = median(samples);
    medians.set(n, m);
    options.log(
      `${n} clusters: median ${m.toFixed(2)} ms over ${runs} steps, ${started} clusters started per step`,
    );
    const target = n === 200_000 ? { op: '<=' as const, value: 50 } : undefined;
    results.push(
      figure(`planner.step.${n}.median`, round(m), 'ms', target, {
        runs,
        started,
        samples: samples.map(round),
      }),
    );
  }

  const shuffled = scenario(200_000);
  const order = shuffled.clusters.map((_, i) => (i * 7_919) % shuffled.clusters.length);
  const unsorted = { ...shuffled, clusters: order.map((i) => shuffled.clusters[i] as ClusterObservation) };
  for (let i = 0; i < 3; i++) planRollout(unsorted);
  const unsortedSamples: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    planRollout(unsorted);
    unsortedSamples.push(performance.now() - t);
  }
  options.log(`200000 clusters in no particular order: median ${median(unsortedSamples).toFixed(2)} ms`);
  results.push(
    figure('planner.step.200000.unsorted.median', round(median(unsortedSamples)), 'ms', undefined, {
      runs: 9,
    }),
  );

  const input = scenario(200_000);
  planRollout(input);
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const plan = planRollout(input);
  const after = process.memoryUsage().heapUsed;
  gc?.();
  const retained = process.memoryUsage().heapUsed - before;
  const growthMb = (after - before) / 1_048_576;
  options.log(
    `200000 clusters: heap +${growthMb.toFixed(1)} MB during a step, ${(retained / 1_048_576).toFixed(1)} MB retained by its plan`,
  );
  results.push(
    figure(
      'planner.step.200000.heapGrowth',
      round(growthMb),
      ' MB',
      { op: '<=', value: 100 },
      {
        gc: gc !== null,
        retainedMb: round(retained / 1_048_576),
        started: plan.start.length,
      },
    ),
  );
  const ratio = (medians.get(200_000) ?? 0) / (medians.get(10_000) ?? 1);
  results.push(figure('planner.step.ratio.200000to10000', round(ratio), 'x', { op: '<=', value: 25 }));
  return results;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
