/**
 * The string form of a label selector, as `kubectl get -l` and the API's `labelSelector` query
 * take it (`env=prod,tier!=db,zone in (a,b),!legacy`), parsed into a metav1.LabelSelector so the
 * matching is the rollout planner's own (`compileLabelSelector`). Pure: the server filters
 * `labelSelector` queries with it and the browser app bundles it for its label filter, so both
 * read a selector the same way.
 */
import { compileLabelSelector, type Labels } from '../rollout/label-selector.js';
import type { LabelSelector } from '../api/rollout-policy.js';

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

/** Splits on commas that are not inside parentheses. */
function requirements(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

export function parseLabelSelector(s: string): LabelSelector {
  const selector: Required<Pick<LabelSelector, 'matchExpressions'>> & LabelSelector = {
    matchLabels: {},
    matchExpressions: [],
  };
  if (s.trim() === '') return selector;
  const key = (k: string) => {
    if (!KEY.test(k)) throw new SelectorError(`${JSON.stringify(k)} is not a label key`);
    return k;
  };
  const value = (v: string) => {
    if (v.length > 63 || !VALUE.test(v)) throw new SelectorError(`${JSON.stringify(v)} is not a label value`);
    return v;
  };
  for (const req of requirements(s)) {
    let m: RegExpExecArray | null;
    if ((m = /^(\S+?)\s+(in|notin)\s+\(([^()]*)\)$/.exec(req))) {
      const values = (m[3] ?? '').split(',').map((v) => value(v.trim()));
      selector.matchExpressions.push({
        key: key(m[1] ?? ''),
        operator: m[2] === 'in' ? 'In' : 'NotIn',
        values,
      });
    } else if ((m = /^([^=!\s]+)\s*!=\s*(\S*)$/.exec(req))) {
      selector.matchExpressions.push({
        key: key(m[1] ?? ''),
        operator: 'NotIn',
        values: [value(m[2] ?? '')],
      });
    } else if ((m = /^([^=!\s]+)\s*==?\s*(\S*)$/.exec(req))) {
      (selector.matchLabels ??= {})[key(m[1] ?? '')] = value(m[2] ?? '');
    } else if ((m = /^!\s*(\S+)$/.exec(req))) {
      selector.matchExpressions.push({ key: key(m[1] ?? ''), operator: 'DoesNotExist', values: [] });
    } else if (req !== '' && !/\s/.test(req)) {
      selector.matchExpressions.push({ key: key(req), operator: 'Exists', values: [] });
    } else {
      throw new SelectorError(
        `${JSON.stringify(req)} is not a label requirement (e.g. env=prod, zone in (a,b), !legacy)`,
      );
    }
  }
  return selector;
}

/** The predicate of a selector string; throws `SelectorError` naming the bad part. */
export function labelMatcher(s: string | undefined): (labels: Labels | undefined) => boolean {
  if (s === undefined || s.trim() === '') return () => true;
  return compileLabelSelector(parseLabelSelector(s));
}
