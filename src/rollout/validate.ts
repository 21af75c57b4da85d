/**
 * Checks rollout settings beyond what the schema can say and compiles them for the planner:
 * durations to milliseconds, counts and percentages parsed, RRULEs parsed and anchored in their time
 * zones, exclusions turned into instants, selectors compiled. Every refusal names the field path and
 * the value, e.g. `spec.maintenanceWindows[0].timeZone: unknown time zone "Mars/Olympus"`.
 */
import type { z } from 'zod';
import { compileSchedule } from './compile-schedule.js';
import type { CompiledFailurePolicy, CompiledPolicy, CompiledStrategy } from './compiled-policy.js';
import { parseRolloutSize, type RolloutSize } from './rollout-size.js';
import { rolloutAllSchema, rolloutPolicySchema, type RolloutPolicy } from '../api/rollout-policy.js';
import { InvalidRolloutPolicyError, duplicates, duration, type Fail, type SpecError } from './spec-error.js';

export { InvalidRolloutPolicyError, formatSpecError, type SpecError } from './spec-error.js';

/**
 * Validates settings given as data (unknown, e.g. a CR's spec) and compiles them. `root` prefixes
 * every error path. Never fills in a default for a bad value: the schema's defaults apply only to
 * fields left out.
 */
export function validateRolloutPolicy(
  input: unknown,
  root = 'spec',
): { ok: true; policy: RolloutPolicy; compiled: CompiledPolicy } | { ok: false; errors: SpecError[] } {
  const parsed = rolloutPolicySchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, errors: parsed.error.issues.map((i) => fromIssue(i, input, root)) };
  const errors: SpecError[] = [];
  const compiled = compile(parsed.data, root, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, policy: parsed.data, compiled };
}

/** Compiles settings already typed as `RolloutPolicy`, throwing `InvalidRolloutPolicyError`. */
export function compileRolloutPolicy(policy: RolloutPolicy, root = 'spec'): CompiledPolicy {
  const result = validateRolloutPolicy(policy, root);
  if (!result.ok) throw new InvalidRolloutPolicyError(result.errors);
  return result.compiled;
}

function compile(policy: RolloutPolicy, root: string, errors: SpecError[]): CompiledPolicy {
  const fail = (path: string, value: unknown, message: string) =>
    errors.push({ path: `${root}.${path}`, value, message });
  const strategy = compileStrategy(policy, fail);
  const schedule = compileSchedule(policy, strategy.progressDeadlineMs, deadlineText(policy), fail);
  duplicates(
    policy.approvals.map((a) => a.groupName),
    'approvals',
    'groupName',
    fail,
  );

  const fp = policy.failurePolicy;
  const failure: CompiledFailurePolicy = {
    maxFailures:
      fp.maxFailures === undefined ? null : size(fp.maxFailures, 'failurePolicy.maxFailures', fail),
    maxFailuresPerGroup:
      fp.maxFailuresPerGroup === undefined
        ? null
        : size(fp.maxFailuresPerGroup, 'failurePolicy.maxFailuresPerGroup', fail),
    maxUnreachable:
      fp.maxUnreachable === undefined ? null : size(fp.maxUnreachable, 'failurePolicy.maxUnreachable', fail),
    action: fp.action,
    rollbackMaxConcurrency: size(fp.rollbackMaxConcurrency, 'failurePolicy.rollbackMaxConcurrency', fail),
  };
  return {
    strategy,
    ...schedule,
    failure,
    gates: policy.approvals.map((a) => a.groupName),
    paused: policy.paused,
    lateJoiners: policy.lateJoiners,
  };
}

function strategyConfig(policy: RolloutPolicy) {
  const s = policy.rolloutStrategy;
  const key = s.type === 'All' ? 'all' : s.type === 'Progressive' ? 'progressive' : 'progressivePerGroup';
  const config =
    (s.type === 'All' ? s.all : s.type === 'Progressive' ? s.progressive : s.progressivePerGroup) ??
    rolloutAllSchema.parse({});
  return { key, config };
}

function deadlineText(policy: RolloutPolicy): string {
  return strategyConfig(policy).config.progressDeadline;
}

function compileStrategy(policy: RolloutPolicy, fail: Fail): CompiledStrategy {
  const { key, config } = strategyConfig(policy);
  const at = `rolloutStrategy.${key}`;
  const type = policy.rolloutStrategy.type;
  const deadline =
    config.progressDeadline === 'None'
      ? null
      : duration(config.progressDeadline, `${at}.progressDeadline`, fail);
  const s = policy.rolloutStrategy;
  const concurrency = type === 'Progressive' ? s.progressive?.maxConcurrency : undefined;
  const mandatory =
    (type === 'Progressive'
      ? s.progressive?.mandatoryDecisionGroups
      : type === 'ProgressivePerGroup'
        ? s.progressivePerGroup?.mandatoryDecisionGroups
        : undefined) ?? [];
  return {
    type,
    minSuccessTimeMs: duration(config.minSuccessTime, `${at}.minSuccessTime`, fail),
    progressDeadlineMs: deadline,
    maxFailures: size(config.maxFailures, `${at}.maxFailures`, fail),
    maxConcurrency: concurrency === undefined ? null : size(concurrency, `${at}.maxConcurrency`, fail),
    mandatory: mandatory.map((m) => ({ groupName: m.groupName ?? '', groupIndex: m.groupIndex ?? 0 })),
  };
}

function size(value: number | string, path: string, fail: Fail): RolloutSize {
  const parsed = parseRolloutSize(value);
  if ('error' in parsed) {
    fail(path, value, parsed.error);
    return { kind: 'count', count: 0 };
  }
  return parsed;
}

function fromIssue(issue: z.core.$ZodIssue, input: unknown, root: string): SpecError {
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? 'nothing' : JSON.stringify(value);
  return { path: `${root}${path}`, value, message: `${issue.message}, got ${shown}` };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
