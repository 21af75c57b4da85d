/** Metadata, Secret data encoding and content hashes shared by the render files. */
import { createHash } from 'node:crypto';
import { type Component, labelsFor } from './labels.js';
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeMeta, KubeObject } from './types.js';

/** Pod template annotation whose value changes when a mounted config changes, so pods roll. */
export const CONFIG_HASH_ANNOTATION = 'maestro.multicluster.openshift.io/config-hash';

/** Metadata with our labels (plus `extraLabels`) for a namespaced or cluster-scoped object. */
export function objectMeta(
  name: string,
  namespace: string | undefined,
  component: Component,
  extraLabels: Record<string, string> = {},
): KubeMeta {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { ...labelsFor(name, component), ...extraLabels },
  };
}

/** Base64-encodes Secret values (render writes `data`, not `stringData`, so SSA compares like with like). */
export function encodeSecretData(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]),
  );
}

/** A Secret of ours in `namespace`: our labels, `values` base64-encoded into `data`. */
export function secretObject(
  name: string,
  namespace: string,
  component: Component,
  type: 'Opaque' | 'kubernetes.io/tls',
  values: Record<string, string>,
): V1Secret & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(name, namespace, component),
    type,
    data: encodeSecretData(values),
  };
}

/** A short, stable hash of JSON-serializable content (keys sorted). */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
