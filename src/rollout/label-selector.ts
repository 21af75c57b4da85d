/** metav1.LabelSelector matching, compiled once so that matching a cluster is a few lookups. */
import type { LabelSelector } from '../api/rollout-policy.js';

/** Cluster labels, as on a ManagedCluster. */
export type Labels = Readonly<Record<string, string>>;

/** Compiles a selector into a predicate with Kubernetes semantics (NotIn matches a missing key). */
export function compileLabelSelector(selector: LabelSelector): (labels: Labels | undefined) => boolean {
  const tests: ((labels: Labels) => boolean)[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    tests.push((labels) => labels[key] === value);
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const set = new Set(values);
    const has = (labels: Labels) => Object.prototype.hasOwnProperty.call(labels, key);
    if (operator === 'In') tests.push((labels) => has(labels) && set.has(labels[key] ?? ''));
    else if (operator === 'NotIn') tests.push((labels) => !has(labels) || !set.has(labels[key] ?? ''));
    else if (operator === 'Exists') tests.push(has);
    else tests.push((labels) => !has(labels));
  }
  return (labels) => {
    const l = labels ?? {};
    for (const test of tests) if (!test(l)) return false;
    return true;
  };
}
