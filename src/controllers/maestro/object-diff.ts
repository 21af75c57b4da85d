/**
 * "Is the observed object already what we want?" without asking the API server. A desired object
 * holds only the fields we set; the observed one also holds defaults and other writers' fields.
 * So the comparison is a subset test: every field we set has the same value in the observed
 * object. Lists must have the same length (a shorter desired list means server-side apply would
 * remove entries), except owner references, where ours must simply be present. Quantities compare
 * by value, because the API server rewrites them in canonical form (`0.5` → `500m`), and an empty
 * map or list matches an absent one, because the API server drops those.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../runtime/index.js';
import { SPEC_HASH_ANNOTATION } from './constants.js';

type Json = unknown;

const QUANTITY_SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** The value of a Kubernetes quantity (`100m` → 0.1, `1Gi` → 1073741824); undefined if it isn't one. */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * (QUANTITY_SUFFIX[m[3] ?? ''] ?? NaN);
}

/** Keys whose map values are quantities (container resources, volume claim requests). */
const QUANTITY_MAPS = new Set(['requests', 'limits']);

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmptyContainer(v: Json): boolean {
  return (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

function scalarEqual(desired: Json, observed: Json, inQuantityMap: boolean): boolean {
  if (desired === observed) return true;
  if (!inQuantityMap) return false;
  const d = quantityValue(desired);
  const o = quantityValue(observed);
  return d !== undefined && o !== undefined && Math.abs(d - o) <= Math.abs(d) * 1e-12;
}

/**
 * True when every field of `desired` has the same value in `observed` (see the file comment for
 * the rules on lists and quantities). `path` is the key path so far, used for those rules.
 */
export function isSubset(desired: Json, observed: Json, path: readonly string[] = []): boolean {
  if (desired === undefined) return true;
  // The API server drops empty maps and lists (omitempty): `nodeSelector: {}` reads back absent.
  if (observed === undefined && isEmptyContainer(desired)) return true;
  const key = path[path.length - 1] ?? '';
  if (Array.isArray(desired)) {
    if (!Array.isArray(observed)) return false;
    if (key === 'ownerReferences' && path.length === 2 && path[0] === 'metadata') {
      return desired.every((d) =>
        observed.some(
          (o) => isObject(d) && isObject(o) && o.uid === d.uid && isSubset(d, o, [...path, '[]']),
        ),
      );
    }
    if (desired.length !== observed.length) return false;
    return desired.every((d, i) => isSubset(d, observed[i], [...path, String(i)]));
  }
  if (isObject(desired)) {
    if (!isObject(observed)) return false;
    return Object.entries(desired).every(([k, v]) => isSubset(v, observed[k], [...path, k]));
  }
  return scalarEqual(desired, observed, QUANTITY_MAPS.has(path[path.length - 2] ?? ''));
}

/**
 * The first path where `observed` lacks a field of `desired` (for debug logs: why an apply was
 * needed); undefined when `isSubset` holds.
 */
export function firstDifference(
  desired: Json,
  observed: Json,
  path: readonly string[] = [],
): string | undefined {
  if (isSubset(desired, observed, path)) return undefined;
  if (Array.isArray(desired) && Array.isArray(observed) && desired.length === observed.length) {
    for (let i = 0; i < desired.length; i++) {
      const d = firstDifference(desired[i], observed[i], [...path, String(i)]);
      if (d) return d;
    }
  }
  if (isObject(desired) && isObject(observed)) {
    for (const [k, v] of Object.entries(desired)) {
      const d = firstDifference(v, observed[k], [...path, k]);
      if (d) return d;
    }
  }
  return path.join('.') || '(root)';
}

/** A short hash of JSON with sorted keys. */
export function stableHash(value: Json): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

function stableJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isObject(value)) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The object with `SPEC_HASH_ANNOTATION` set to the hash of everything else in it. Promises: two
 * objects get the same annotation exactly when they are equal apart from it.
 */
export function withSpecHash<T extends KubeObject>(obj: T): T {
  const { [SPEC_HASH_ANNOTATION]: _old, ...annotations } = obj.metadata.annotations ?? {};
  const bare = {
    ...obj,
    metadata: { ...obj.metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
  };
  if (Object.keys(annotations).length === 0) delete bare.metadata.annotations;
  const hash = stableHash(bare);
  return {
    ...obj,
    metadata: { ...obj.metadata, annotations: { ...annotations, [SPEC_HASH_ANNOTATION]: hash } },
  };
}

/** The hash `withSpecHash` put on an object, if any. */
export function specHashOf(obj: KubeObject | undefined): string | undefined {
  return obj?.metadata.annotations?.[SPEC_HASH_ANNOTATION];
}

/**
 * True when applying `desired` would change something: the object is missing, is being deleted,
 * or differs in a field we set.
 */
export function needsApply(desired: KubeObject, observed: KubeObject | undefined): boolean {
  if (!observed || observed.metadata.deletionTimestamp) return true;
  const { apiVersion: _a, kind: _k, ...rest } = desired;
  return !isSubset(rest, observed);
}
