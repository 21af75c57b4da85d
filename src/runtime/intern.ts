/**
 * Interning for cached objects. JSON.parse gives every object its own copy of each string value,
 * so 10,000 cached ManagedClusterAddOns hold 10,000 copies of "True", of the add-on's name, of each
 * condition message and of every cluster name they mention. Interning makes them share one.
 *
 * Whole values are shared too: below `status` and `spec`, an object or array whose contents are
 * all strings, numbers, booleans or shared values (a condition without a timestamp, a config
 * reference, the list of them) is replaced by one frozen instance per distinct content. Across a
 * fleet most of these are the same (every ManifestWork says "Applied, True, generation 1"), and an
 * object costs far more than the strings in it. Frozen, because one mutation would change every
 * cluster's copy: a caller that wants to change a cached value must copy it first (as it must
 * anyway, to keep the cache honest).
 *
 * Both tables are cleared whenever they grow past their bound, so values that come and go
 * (timestamps, messages with counts in them) can't pile up: objects keep the copies they have,
 * later ones start sharing again.
 */

/** Longer strings are kept as they are. */
const LONGEST_SHARED = 64;

/** Fields whose values are unique per object version: never worth a table entry. */
const UNIQUE = new Set(['uid', 'resourceVersion']);
/**
 * An object holding one of these is almost always unique (a transition time to the second, a
 * creation time, a PlacementDecision's entry for one cluster): sharing it would only grow the
 * table, by a key longer than the object.
 */
const UNSHARED_FIELDS = new Set([
  'uid',
  'resourceVersion',
  'lastTransitionTime',
  'creationTimestamp',
  'clusterName',
]);
/** Subtrees that are never shared: metadata (names, labels and annotations are per object). */
const PRIVATE_SUBTREES = new Set(['metadata']);

/**
 * An array with room for exactly its elements, an object with room for exactly its properties.
 * Arrays built by `push` (as parsers and filters build them) keep spare capacity: a two-condition
 * list holds room for seventeen. Objects built key by key (as parsers, `{}` plus assignments and
 * spreads build them) have room for four properties inside and keep any more in a separate array
 * with spare slots: a five-field condition takes 96 bytes where it needs 64, a one-key map 56 where
 * it needs 32.
 */
function exact(v: object): object {
  return Array.isArray(v) ? v.slice() : compact(v);
}

/**
 * Constructors by key list, for `compact`. V8 sizes the objects of a constructor to the properties
 * its first few objects were given (slack tracking), so objects built by one constructor per key
 * list are exactly as large as their keys; the prototype is `Object.prototype`, so they are plain
 * objects to every reader.
 */
const builders = new Map<string, new () => Record<string, unknown>>();
/** Key lists past this many (maps whose keys vary per object) stay as they are. */
const MAX_BUILDERS = 512;
/** V8 gives a constructor's objects room for at most eight properties inside. */
const MAX_COMPACT_KEYS = 8;

/** A copy of a plain object with room for exactly its properties; other objects as they are. */
function compact(o: object): object {
  if (Object.isFrozen(o) || Object.getPrototypeOf(o) !== Object.prototype) return o;
  const keys = Object.keys(o);
  if (keys.length === 0 || keys.length > MAX_COMPACT_KEYS) return o;
  const signature = JSON.stringify(keys);
  let Builder = builders.get(signature);
  if (!Builder) {
    if (builders.size >= MAX_BUILDERS) return o;
    Builder = function () {} as unknown as new () => Record<string, unknown>;
    Builder.prototype = Object.prototype;
    builders.set(signature, Builder);
  }
  const out = new Builder();
  for (const k of keys) out[k] = (o as Record<string, unknown>)[k];
  return out;
}

/**
 * A name that contains its own namespace (`cluster-1/cluster-1-klusterlet`) is made for that one
 * namespace: it is never repeated, so it is not worth a table entry.
 */
function namedAfterNamespace(obj: Record<string, unknown>, key: string, value: string): boolean {
  const ns = obj.namespace;
  return key === 'name' && typeof ns === 'string' && ns !== '' && value.includes(ns);
}

export class StringInterner {
  private table = new Map<string, string>();
  private values = new Map<string, object>();

  /**
   * `maxEntries` bounds each table; strings longer than `longest` are left as they are (a table for
   * values known to repeat, such as annotations a controller writes on many objects at once, may
   * take longer ones).
   */
  constructor(
    private readonly maxEntries = 200_000,
    private readonly longest = LONGEST_SHARED,
  ) {}

  /**
   * Interns every string value in `value` and returns it, its objects and arrays replaced by copies
   * with room for exactly their contents (so use the result); see the file comment.
   */
  intern<T>(value: T): T {
    if (value === null || typeof value !== 'object') return value;
    this.walk(value, false);
    return exact(value) as T;
  }

  /** One string, interned. */
  string(s: string): string {
    return this.one(s);
  }

  private one(s: string): string {
    // Long values (records, detailed messages) are rarely repeated: a table entry would only cost.
    if (s.length > this.longest) return s;
    const known = this.table.get(s);
    if (known !== undefined) return known;
    if (this.table.size >= this.maxEntries) this.table = new Map();
    this.table.set(s, s);
    return s;
  }

  /** One frozen instance per content. */
  private shared<T extends object>(value: T): T {
    value = exact(value) as T;
    const key = JSON.stringify(value);
    const known = this.values.get(key);
    if (known !== undefined) return known as T;
    if (this.values.size >= this.maxEntries) this.values = new Map();
    this.values.set(key, Object.freeze(value));
    return value;
  }

  /**
   * Interns `value`'s strings in place; returns whether its whole content is shareable (then the
   * caller may replace it by `shared(value)`). Children that are shareable are replaced here.
   */
  private walk(value: object, share: boolean): boolean {
    let shareable = share;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'string') value[i] = this.one(v);
        else if (v !== null && typeof v === 'object') {
          if (this.walk(v, share)) value[i] = this.shared(v);
          else {
            value[i] = exact(v);
            shareable = false;
          }
        }
      }
      return shareable;
    }
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (UNSHARED_FIELDS.has(key)) shareable = false;
      if (typeof v === 'string') {
        if (!UNIQUE.has(key) && !namedAfterNamespace(obj, key, v)) obj[key] = this.one(v);
      } else if (v !== null && typeof v === 'object') {
        const childShare = share ? !PRIVATE_SUBTREES.has(key) : key === 'status' || key === 'spec';
        if (childShare && this.walk(v, true)) obj[key] = this.shared(v);
        else {
          if (!childShare) this.walk(v, false);
          obj[key] = exact(v);
          shareable = false;
        }
      }
    }
    return shareable;
  }

  get size(): number {
    return this.table.size;
  }

  /** Distinct shared objects and arrays. */
  get sharedValues(): number {
    return this.values.size;
  }
}
