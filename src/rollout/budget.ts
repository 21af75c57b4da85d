/**
 * Failure budgets. Failed and timed-out clusters are failures; unreachable started clusters are
 * counted apart. A budget is exceeded when strictly more than its limit fail:
 *
 * - mandatory groups tolerate none;
 * - the strategy's `maxFailures` applies to the whole rollout (Progressive) or to each group
 *   (ProgressivePerGroup), as in OCM; All has none;
 * - the failure policy may add a rollout-wide and a per-group budget, and one for unreachable clusters.
 *
 * Failures forgiven when a person resumed a paused rollout are subtracted first.
 */
import { failuresOf, totalOf, unreachableOf, type Fleet } from './fleet.js';
import { resolveBudget, type RolloutSize } from './rollout-size.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { BudgetBreach, FailureBudgetReport, ForgivenFailures } from './types.js';

/** Failures of the fleet as they stand, in the shape a resume forgives. */
export function currentFailures(fleet: Fleet): ForgivenFailures {
  let failures = 0;
  let unreachable = 0;
  const groups: ForgivenFailures['groups'] = [];
  for (const s of fleet.walk) {
    const f = failuresOf(fleet, s.id);
    failures += f;
    unreachable += unreachableOf(fleet, s.id);
    if (f > 0) groups.push({ index: s.ref.index, failures: f });
  }
  return { failures, unreachable, groups };
}

/** Evaluates every budget; `breach` is the first exceeded, in the order listed above. */
export function evaluateBudgets(
  fleet: Fleet,
  policy: CompiledPolicy,
  forgiven: ForgivenFailures | null,
): Omit<FailureBudgetReport, 'action'> {
  const now = currentFailures(fleet);
  const forgivenIn = new Map((forgiven?.groups ?? []).map((g) => [g.index, g.failures]));
  let total = 0;
  for (const s of fleet.slots) total += totalOf(fleet, s.id);
  const failures = Math.max(0, now.failures - (forgiven?.failures ?? 0));
  const unreachable = Math.max(0, now.unreachable - (forgiven?.unreachable ?? 0));
  const { strategy, failure } = policy;
  const rolloutLimits: RolloutSize[] = [];
  if (strategy.type === 'Progressive') rolloutLimits.push(strategy.maxFailures);
  if (failure.maxFailures !== null) rolloutLimits.push(failure.maxFailures);
  const limit =
    rolloutLimits.length === 0 ? null : Math.min(...rolloutLimits.map((l) => resolveBudget(l, total)));

  const breaches: BudgetBreach[] = [];
  const groupBreach = (
    scope: BudgetBreach['scope'],
    applies: (mandatory: boolean) => boolean,
    size: RolloutSize,
  ) => {
    for (const s of fleet.walk) {
      if (!applies(s.mandatory)) continue;
      const count = Math.max(0, failuresOf(fleet, s.id) - (forgivenIn.get(s.ref.index) ?? 0));
      const max = resolveBudget(size, totalOf(fleet, s.id));
      if (count > max) {
        const where = `${s.mandatory ? 'mandatory group' : 'group'} ${s.ref.name || `#${s.ref.index}`}`;
        breaches.push({
          scope,
          group: s.ref,
          count,
          limit: max,
          message: `${count} failed clusters in ${where}, ${max} allowed`,
        });
        return;
      }
    }
  };
  groupBreach('MandatoryGroup', (mandatory) => mandatory, { kind: 'count', count: 0 });
  if (limit !== null && failures > limit) {
    breaches.push({
      scope: 'Rollout',
      group: null,
      count: failures,
      limit,
      message: `${failures} failed clusters, ${limit} allowed`,
    });
  }
  if (strategy.type === 'ProgressivePerGroup')
    groupBreach('Group', (mandatory) => !mandatory, strategy.maxFailures);
  if (failure.maxFailuresPerGroup !== null)
    groupBreach('Group', (mandatory) => !mandatory, failure.maxFailuresPerGroup);
  if (failure.maxUnreachable !== null) {
    const max = resolveBudget(failure.maxUnreachable, total);
    if (unreachable > max) {
      breaches.push({
        scope: 'Unreachable',
        group: null,
        count: unreachable,
        limit: max,
        message: `${unreachable} unreachable clusters, ${max} allowed`,
      });
    }
  }
  return { failures, unreachable, limit, breach: breaches[0] ?? null };
}
