/**
 * `metav1.Condition` semantics as pure functions over a conditions array, like apimachinery's
 * `meta.SetStatusCondition`: `lastTransitionTime` changes only when `status` flips, and
 * `observedGeneration` records which spec generation the condition describes.
 */
import type { Condition } from '../api/schema.js';

export type { Condition };
export type ConditionStatus = Condition['status'];

/** The caller-controlled part of a condition. */
export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** metav1.Time as the API server writes it: RFC 3339 with second precision. */
export function toMetaTime(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Returns a new conditions array with `input` set. `lastTransitionTime` is `now` for a new
 * condition or a status flip and kept otherwise; reason, message and `observedGeneration` are
 * always updated. The order of existing conditions is kept; a new one is appended.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  { now, observedGeneration }: { now: Date; observedGeneration?: number },
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === input.type);
  const existing = i >= 0 ? list[i] : undefined;
  const next: Condition = {
    type: input.type,
    status: input.status,
    reason: input.reason,
    message: input.message,
    lastTransitionTime:
      existing && existing.status === input.status ? existing.lastTransitionTime : toMetaTime(now),
    ...(observedGeneration !== undefined
      ? { observedGeneration }
      : existing?.observedGeneration !== undefined
        ? { observedGeneration: existing.observedGeneration }
        : {}),
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

/** Returns the conditions without `type`. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** The condition of `type`, if present. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** True when the condition is present with status True. */
export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** True when the condition is present with status False. */
export function isFalse(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'False';
}
