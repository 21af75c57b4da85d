/**
 * The revision of a rollout: a short hash of its target. A changed target is a new revision with a
 * new frozen plan; the same target keeps its revision across restarts, so no cluster is written twice.
 */
import { createHash } from 'node:crypto';
import type { RolloutTarget } from '../../api/agentrollout.js';

/** The sentinel revision a rollback goes to: the value each cluster had before the change. */
export const PREVIOUS_REVISION = 'previous';

/** The revision a cluster's recorded change leads to: the rollout's own, or back to the previous one. */
export function revisionOf(state: { revision: string; direction: 'forward' | 'rollback' }): string {
  return state.direction === 'forward' ? state.revision : PREVIOUS_REVISION;
}

/** JSON with keys in a stable order, so equal targets hash equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A 10-hex-digit hash of `value`'s canonical JSON. */
export function shortHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 10);
}

/** The revision of a target, e.g. `r-3f2a9c01be`. */
export function targetRevision(target: RolloutTarget): string {
  return `r-${shortHash(target)}`;
}
