import type { KubeObject, ObjectRef, RestMapping } from './types.js';

/** The reference to an object, from the object. */
export function refOf(obj: KubeObject): ObjectRef {
  const name = obj.metadata.name;
  if (!name) throw new Error(`${obj.kind} without metadata.name`);
  return { apiVersion: obj.apiVersion, kind: obj.kind, name, namespace: obj.metadata.namespace };
}

/** `/api/v1/namespaces/ns/configmaps`, or cluster-wide when `namespace` is absent. */
export function collectionPath(m: RestMapping, namespace: string | undefined): string {
  const base = m.group === '' ? `/api/${m.version}` : `/apis/${m.group}/${m.version}`;
  const ns = m.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${m.resource}`;
}

/** The path of one object, optionally of its subresource; namespaced kinds need a namespace. */
export function objectPath(m: RestMapping, ref: ObjectRef, subresource?: string): string {
  if (m.namespaced && !ref.namespace) throw new Error(`${m.kind} ${ref.name}: namespace is required`);
  const sub = subresource ? `/${subresource}` : '';
  return `${collectionPath(m, ref.namespace)}/${encodeURIComponent(ref.name)}${sub}`;
}
