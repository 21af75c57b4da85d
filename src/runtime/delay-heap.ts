/**
 * A min-heap of keys by ready time with at most one entry per key, for the work queue's
 * `addAfter`: scheduling a key again keeps the earlier time (client-go's delaying queue).
 */
export class DelayHeap<K> {
  private readonly heap: { key: K; at: number }[] = [];
  private readonly pos = new Map<K, number>();

  get size(): number {
    return this.heap.length;
  }

  /** When `key` is due, if it is waiting. */
  readyAt(key: K): number | undefined {
    const i = this.pos.get(key);
    return i === undefined ? undefined : this.heap[i]?.at;
  }

  /** Schedules `key` at `at`, unless it is already due earlier. Returns true if it changed. */
  schedule(key: K, at: number): boolean {
    const i = this.pos.get(key);
    if (i !== undefined) {
      const entry = this.heap[i];
      if (!entry || entry.at <= at) return false;
      entry.at = at;
      this.up(i);
      return true;
    }
    this.heap.push({ key, at });
    this.pos.set(key, this.heap.length - 1);
    this.up(this.heap.length - 1);
    return true;
  }

  /** The earliest ready time, if any. */
  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Removes and returns every key due at or before `now`, earliest first. */
  popDue(now: number): K[] {
    const out: K[] = [];
    for (let top = this.heap[0]; top && top.at <= now; top = this.heap[0]) {
      out.push(top.key);
      this.removeAt(0);
    }
    return out;
  }

  clear(): void {
    this.heap.length = 0;
    this.pos.clear();
  }

  private removeAt(i: number): void {
    const last = this.heap.pop();
    const removed = this.heap[i];
    if (removed) this.pos.delete(removed.key);
    if (!last || i === this.heap.length) {
      if (last) this.pos.delete(last.key);
      return;
    }
    this.heap[i] = last;
    this.pos.set(last.key, i);
    this.down(i);
    this.up(i);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < this.heap.length && this.less(l, smallest)) smallest = l;
      if (r < this.heap.length && this.less(r, smallest)) smallest = r;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    return x !== undefined && y !== undefined && x.at < y.at;
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a];
    const y = this.heap[b];
    if (x === undefined || y === undefined) return;
    this.heap[a] = y;
    this.heap[b] = x;
    this.pos.set(y.key, a);
    this.pos.set(x.key, b);
  }
}
