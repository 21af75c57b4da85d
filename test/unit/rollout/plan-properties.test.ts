/**
 * Properties of planRollout over random fleets, settings and histories: a small simulated fleet
 * follows each plan (clusters succeed, fail or hang after random delays) for a number of steps.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { planRollout, rolloutPolicySchema } from '../../../src/rollout/index.js';
import type {
  ClusterObservation,
  RolloutInput,
  RolloutMemo,
  RolloutPlan,
  RolloutPolicy,
} from '../../../src/rollout/index.js';
import { HOUR, MINUTE, OLD, REV, T0 } from './planner-fixtures.js';

const DAY = 24 * HOUR;

interface Window {
  hour: number;
  hours: number;
  minimumOpenHours: number | null;
  onlyRegionA: boolean;
}

interface Scenario {
  policy: RolloutPolicy;
  window: Window | null;
  exclusions: [number, number][];
  clusters: ClusterObservation[];
  fates: { kind: 'succeed' | 'fail' | 'hang'; after: number }[];
  steps: number[];
  approvalStep: number;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    groups: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
    type: fc.constantFrom('All', 'Progressive', 'ProgressivePerGroup'),
    maxConcurrency: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom('20%', '50%', '100%')),
    maxFailures: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('0%', '25%', '50%')),
    minSuccess: fc.constantFrom('0', '5m', '20m'),
    deadline: fc.constantFrom('None', '30m', '2h'),
    mandatory: fc.boolean(),
    action: fc.constantFrom('Pause', 'Abort', 'Rollback'),
    window: fc.option(
      fc.record({
        hour: fc.integer({ min: 0, max: 23 }),
        hours: fc.integer({ min: 2, max: 12 }),
        minimumOpenHours: fc.option(fc.integer({ min: 0, max: 2 })),
        onlyRegionA: fc.boolean(),
      }),
    ),
    exclusions: fc.array(
      fc
        .tuple(fc.integer({ min: 0, max: 48 * 60 }), fc.integer({ min: 10, max: 6 * 60 }))
        .map(([s, d]) => [T0 + s * MINUTE, T0 + (s + d) * MINUTE] as [number, number]),
      { maxLength: 2 },
    ),
    gate: fc.option(fc.integer({ min: 0, max: 3 })),
    approvalStep: fc.integer({ min: 0, max: 12 }),
    fates: fc.array(
      fc.record({
        kind: fc.constantFrom('succeed', 'succeed', 'succeed', 'fail', 'hang'),
        after: fc.integer({ min: 0, max: 90 }),
      }),
      { minLength: 20, maxLength: 20 },
    ),
    steps: fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 4, maxLength: 14 }),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map((r): Scenario => {
    const clusters: ClusterObservation[] = r.groups.flatMap((count, index) =>
      Array.from({ length: count }, (_, i) => ({
        name: `c${(index * 7 + i * 13 + r.seed) % 97}-${index}-${i}`,
        placement: { name: `g${index}`, index },
        labels: { region: (i + r.seed) % 2 === 0 ? 'a' : 'b' },
        observedRevision: OLD,
        healthy: true,
        healthySince: T0 - DAY,
        reachable: true,
      })),
    );
    const deadlineHours = r.deadline === '2h' ? 2 : r.deadline === '30m' ? 0.5 : 0;
    const window =
      r.window === null ? null : { ...r.window, hours: Math.max(r.window.hours, Math.ceil(deadlineHours)) };
    const config = {
      minSuccessTime: r.minSuccess,
      progressDeadline: r.deadline,
      maxFailures: r.maxFailures,
      ...(r.mandatory && r.type !== 'All' ? { mandatoryDecisionGroups: [{ groupIndex: 0 }] } : {}),
      ...(r.type === 'Progressive' ? { maxConcurrency: r.maxConcurrency } : {}),
    };
    const key = r.type === 'All' ? 'all' : r.type === 'Progressive' ? 'progressive' : 'progressivePerGroup';
    const policy = rolloutPolicySchema.parse({
      rolloutStrategy: { type: r.type, [key]: config },
      failurePolicy: { action: r.action, rollbackMaxConcurrency: 2 },
      approvals: r.gate === null ? [] : [{ groupName: `g${r.gate}` }],
      maintenanceWindows:
        window === null
          ? []
          : [
              {
                name: 'w',
                recurrence: 'FREQ=DAILY',
                start: `2025-01-01T${String(window.hour).padStart(2, '0')}:00`,
                duration: `${window.hours}h`,
                ...(window.minimumOpenHours === null ? {} : { minimumOpen: `${window.minimumOpenHours}h` }),
                ...(window.onlyRegionA
                  ? { scope: { clusterSelector: { matchLabels: { region: 'a' } } } }
                  : {}),
              },
            ],
      maintenanceExclusions: r.exclusions.map(([s, e], i) => ({
        name: `x${i}`,
        start: new Date(s).toISOString().slice(0, 19),
        end: new Date(e).toISOString().slice(0, 19),
      })),
    });
    return {
      policy,
      window,
      exclusions: r.exclusions,
      clusters,
      fates: r.fates,
      steps: r.steps,
      approvalStep: r.approvalStep,
    };
  });

/** What a cluster reports at `now`, given what was written to it and its fate. */
function observe(c: ClusterObservation, fate: Scenario['fates'][number], now: number): ClusterObservation {
  const a = c.applied;
  if (a == null) return c;
  const due = a.startedAt + fate.after * MINUTE;
  if (a.direction === 'rollback') {
    const done = now >= due;
    return {
      ...c,
      observedRevision: done ? OLD : REV,
      healthy: done,
      healthySince: done ? due : null,
      degraded: false,
    };
  }
  if (now < due || fate.kind === 'hang')
    return { ...c, observedRevision: OLD, healthy: true, degraded: false };
  if (fate.kind === 'fail')
    return { ...c, observedRevision: REV, healthy: false, healthySince: null, degraded: true };
  return { ...c, observedRevision: REV, healthy: true, healthySince: due, degraded: false };
}

interface Step {
  input: RolloutInput;
  plan: RolloutPlan;
}

/** Runs the scenario, applying each plan's writes, and returns every step. */
function simulate(s: Scenario): Step[] {
  let clusters = s.clusters;
  let memo: RolloutMemo | null = null;
  let now = T0;
  const out: Step[] = [];
  s.steps.forEach((advance, k) => {
    clusters = clusters.map((c, i) =>
      observe(c, s.fates[i % s.fates.length] ?? { kind: 'hang', after: 0 }, now),
    );
    const input: RolloutInput = {
      now,
      revision: REV,
      lastKnownGoodRevision: OLD,
      policy: s.policy,
      clusters,
      memo,
      approvals:
        k >= s.approvalStep ? s.policy.approvals.map((a) => ({ groupName: a.groupName, revision: REV })) : [],
    };
    const plan = planRollout(input);
    out.push({ input, plan });
    const starts = new Map(plan.start.map((x) => [x.name, x]));
    const recorded = new Map(plan.membershipUpdates.map((m) => [m.name, m]));
    clusters = clusters.map((c) => {
      const st = starts.get(c.name);
      const m = recorded.get(c.name);
      return {
        ...c,
        ...(m === undefined
          ? {}
          : { membership: { revision: m.revision, group: m.group, joinedLate: m.joinedLate } }),
        ...(st === undefined
          ? {}
          : { applied: { revision: st.revision, direction: st.direction, startedAt: now } }),
      };
    });
    memo = plan.memo;
    now += advance * MINUTE;
  });
  return out;
}

const runs = { numRuns: 150 };

describe('planRollout properties', () => {
  it('never has more clusters in flight than maxConcurrency allows', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const type = s.policy.rolloutStrategy.type;
        for (const { input, plan } of simulate(s)) {
          if (type !== 'Progressive' || plan.start.length === 0 || plan.start[0]?.direction !== 'forward')
            continue;
          const regular = plan.summary.groups.filter((g) => !g.mandatory);
          if (regular.length !== plan.summary.groups.length && plan.start.some((x) => x.group.index === 0))
            continue;
          const total = regular.reduce((n, g) => n + g.total, 0);
          const inFlight = regular.reduce(
            (n, g) => n + g.counts.progressing + g.counts.soaking + g.counts.failed,
            0,
          );
          const mc = s.policy.rolloutStrategy.progressive?.maxConcurrency ?? 0;
          const size = typeof mc === 'number' ? mc : Math.ceil((Number(mc.slice(0, -1)) * total) / 100);
          const limit = size <= 0 || size > total ? total : size;
          expect(inFlight + plan.start.length).toBeLessThanOrEqual(limit);
          expect(input.now).toBeGreaterThan(0);
        }
      }),
      runs,
    );
  });

  it('never starts a cluster outside its window or inside an exclusion', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const deadline = s.policy.rolloutStrategy;
        const config = deadline.all ?? deadline.progressive ?? deadline.progressivePerGroup;
        const deadlineMs =
          config === undefined || config.progressDeadline === 'None'
            ? 0
            : parseDeadline(config.progressDeadline);
        for (const { input, plan } of simulate(s)) {
          for (const x of plan.start) {
            const c = input.clusters.find((y) => y.name === x.name);
            const windowed = s.window !== null && (!s.window.onlyRegionA || c?.labels?.region === 'a');
            const required =
              windowed && s.window?.minimumOpenHours != null ? s.window.minimumOpenHours * HOUR : deadlineMs;
            expect(mayStart(input.now, windowed ? s.window : null, s.exclusions, required)).toBe(true);
          }
        }
      }),
      runs,
    );
  });

  it('finishes mandatory groups before any other group starts', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const { plan } of simulate(s)) {
          const mandatory = plan.summary.groups.filter((g) => g.mandatory);
          const othersStarting = plan.start.some(
            (x) => x.direction === 'forward' && !mandatory.some((g) => g.index === x.group.index),
          );
          if (othersStarting) for (const g of mandatory) expect(g.counts.succeeded).toBe(g.total);
        }
      }),
      runs,
    );
  });

  it('starts nothing new after a breach with Pause or Abort', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        let halted = false;
        for (const { plan } of simulate(s)) {
          const action = plan.memo.halt?.action;
          if (action === 'Pause' || action === 'Abort') halted = true;
          if (halted) expect(plan.start).toEqual([]);
        }
      }),
      runs,
    );
  });

  it('gives the same plan for the same input', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const { input, plan } of simulate(s)) expect(planRollout(structuredClone(input))).toEqual(plan);
      }),
      { numRuns: 60 },
    );
  });

  it('never starts a cluster forward twice; only started clusters are rolled back, once', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const forward = new Set<string>();
        const back = new Set<string>();
        for (const { plan } of simulate(s)) {
          for (const x of plan.start) {
            if (x.direction === 'forward') {
              expect(forward.has(x.name)).toBe(false);
              forward.add(x.name);
            } else {
              expect(forward.has(x.name)).toBe(true);
              expect(back.has(x.name)).toBe(false);
              back.add(x.name);
            }
          }
        }
      }),
      runs,
    );
  });
});

function parseDeadline(text: string): number {
  return text === '2h' ? 2 * HOUR : text === '30m' ? 30 * MINUTE : 0;
}

/** Independent check of the window rule for a daily UTC window: open now and long enough. */
function mayStart(now: number, w: Window | null, exclusions: [number, number][], required: number): boolean {
  if (exclusions.some(([s, e]) => s <= now && now < e)) return false;
  let end = Infinity;
  if (w !== null) {
    let open = Math.floor(now / DAY) * DAY + w.hour * HOUR;
    if (open > now) open -= DAY;
    end = open + w.hours * HOUR;
    if (now >= end) return false;
  }
  for (const [s] of exclusions) if (s > now && s < end) end = s;
  return end - now >= required;
}
