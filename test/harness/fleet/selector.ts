/**
 * Label selectors as apimachinery evaluates them (`metav1.LabelSelectorAsSelector`): matchLabels
 * and matchExpressions (In, NotIn, Exists, DoesNotExist) all must hold; an empty or absent
 * selector matches everything. OCM's cluster selector adds claim expressions over
 * `status.clusterClaims` with the same operators.
 */
import type { ClusterSelector, LabelSelector, SimCluster } from './types.js';

type Expression = NonNullable<LabelSelector['matchExpressions']>[number];

/** Thrown for a selector apimachinery would reject (unknown operator, In without values). */
export class SelectorError extends Error {}

function matchExpression(values: Record<string, string>, e: Expression): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, e.key);
  const v = values[e.key];
  switch (e.operator) {
    case 'In':
      if (!e.values?.length) throw new SelectorError(`${e.key}: values must be non-empty for In`);
      return has && v !== undefined && e.values.includes(v);
    case 'NotIn':
      if (!e.values?.length) throw new SelectorError(`${e.key}: values must be non-empty for NotIn`);
      return !has || (v !== undefined && !e.values.includes(v));
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      throw new SelectorError(`${e.key}: "${e.operator}" is not a valid label selector operator`);
  }
}

/** True when `labels` satisfy the selector. */
export function matchesLabels(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) if (!matchExpression(l, e)) return false;
  return true;
}

/**
 * OCM's `ClusterSelector` (label selector and claim selector; CEL is not simulated and makes the
 * selector invalid).
 */
export function matchesCluster(selector: ClusterSelector | undefined, cluster: SimCluster): boolean {
  if (selector?.celSelector?.celExpressions?.length) throw new SelectorError('celSelector is not simulated');
  if (!matchesLabels(selector?.labelSelector, cluster.metadata.labels)) return false;
  const expressions = selector?.claimSelector?.matchExpressions ?? [];
  if (expressions.length === 0) return true;
  const claims: Record<string, string> = {};
  for (const c of cluster.status?.clusterClaims ?? []) claims[c.name] = c.value;
  return expressions.every((e) => matchExpression(claims, e));
}
