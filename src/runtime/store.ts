import { objectKey, type KubeObject } from './client/types.js';
import { KeySets } from './key-sets.js';

/** Computes the index values of an object (client-go's `IndexFunc`). */
export type IndexFunc<T> = (obj: T) => string[];

interface Index<T> {
  fn: IndexFunc<T>;
  byValue: KeySets;
}

const NAMESPACE_INDEX = '__namespace';

/**
 * The informer's cache: objects by `namespace/name` key, plus named secondary indexes kept up to
 * date on every change (client-go's thread-safe store + indexer). The namespace index is built
 * on the first `list(namespace)`, so `list(namespace)` doesn't scan every object and a cache that is
 * never listed by namespace (200,000 klusterlet works, read one by one) doesn't pay for one.
 */
export class Store<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<string, Index<T>>();

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** All objects, or those of one namespace. */
  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.items.values()];
    if (!this.indexes.has(NAMESPACE_INDEX))
      this.addIndex(NAMESPACE_INDEX, (o) => (o.metadata.namespace ? [o.metadata.namespace] : []));
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  /** Adds an index; existing objects are indexed at once. Names must be unique. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexes.has(name)) throw new Error(`index ${name} already exists`);
    const index: Index<T> = { fn, byValue: new KeySets() };
    this.indexes.set(name, index);
    for (const [key, obj] of this.items) addToIndex(index, key, obj);
  }

  /** The values index `name` gives `obj` (for objects not in the store, e.g. our own writes). */
  indexValues(name: string, obj: T): string[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`no index named ${name}`);
    return index.fn(obj);
  }

  /** Objects whose index function returned `value`. */
  byIndex(name: string, value: string): T[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`no index named ${name}`);
    const out: T[] = [];
    for (const key of index.byValue.get(value)) {
      const obj = this.items.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** Inserts or replaces an object; returns the previous version. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) for (const index of this.indexes.values()) removeFromIndex(index, key, old);
    this.items.set(key, obj);
    for (const index of this.indexes.values()) addToIndex(index, key, obj);
    return old;
  }

  /** Removes an object by key; returns what was cached. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    for (const index of this.indexes.values()) removeFromIndex(index, key, old);
    this.items.delete(key);
    return old;
  }
}

function addToIndex<T>(index: Index<T>, key: string, obj: T): void {
  for (const value of index.fn(obj)) index.byValue.add(value, key);
}

function removeFromIndex<T>(index: Index<T>, key: string, obj: T): void {
  for (const value of index.fn(obj)) index.byValue.delete(value, key);
}
