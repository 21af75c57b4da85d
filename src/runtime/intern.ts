/**
 * String interning for cached objects. JSON.parse gives every object its own copy of each string
 * value, so 10,000 cached ManagedClusterAddOns hold 10,000 copies of "True", of the add-on's name,
 * of each condition message and of every cluster name they mention. Interning makes them share one.
 * The table is cleared whenever it grows past its bound, so strings that come and go (timestamps,
 * messages with counts in them) can't pile up: objects keep the copies they have, later ones start
 * sharing again.
 */

/** Fields whose values are unique per object version: never worth a table entry. */
const UNIQUE = new Set(['uid', 'resourceVersion']);

export class StringInterner {
  private table = new Map<string, string>();

  constructor(private readonly maxEntries = 200_000) {}

  /** Interns every string value in `value` (in place) and returns it. */
  intern<T>(value: T): T {
    this.walk(value);
    return value;
  }

  private one(s: string): string {
    const known = this.table.get(s);
    if (known !== undefined) return known;
    if (this.table.size >= this.maxEntries) this.table = new Map();
    this.table.set(s, s);
    return s;
  }

  private walk(value: unknown): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'string') value[i] = this.one(v);
        else if (v !== null && typeof v === 'object') this.walk(v);
      }
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (typeof v === 'string') {
        if (!UNIQUE.has(key)) obj[key] = this.one(v);
      } else if (v !== null && typeof v === 'object') this.walk(v);
    }
  }

  get size(): number {
    return this.table.size;
  }
}
