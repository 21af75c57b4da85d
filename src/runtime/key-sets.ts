/**
 * A map from a value to a set of keys, for indexes over the fleet (objects by namespace, rollouts by
 * cluster). Most values have exactly one key (a cluster namespace holds one add-on of a kind, a
 * cluster is in one rollout), so a lone key is stored as the string itself and becomes a Set only
 * when a second one joins: at 200,000 clusters a Set each would cost more than what it points at.
 */
export class KeySets {
  private readonly byValue = new Map<string, string | Set<string>>();

  add(value: string, key: string): void {
    const keys = this.byValue.get(value);
    if (keys === undefined || keys === key) this.byValue.set(value, key);
    else if (typeof keys === 'string') this.byValue.set(value, new Set([keys, key]));
    else keys.add(key);
  }

  delete(value: string, key: string): void {
    const keys = this.byValue.get(value);
    if (keys === key) this.byValue.delete(value);
    else if (typeof keys === 'object') {
      keys.delete(key);
      if (keys.size === 1) this.byValue.set(value, keys.values().next().value as string);
    }
  }

  /** The keys of `value` (a copy: callers may change the index while they iterate). */
  get(value: string): string[] {
    const keys = this.byValue.get(value);
    return keys === undefined ? [] : typeof keys === 'string' ? [keys] : [...keys];
  }
}
