/**
 * The cluster names in byte order, kept sorted as clusters come and go, so a page of 500 out of
 * 10,000 is a binary search and a scan, never a sort per request. Keyset paging: a page starts
 * after the last name of the previous one, so clusters added or deleted meanwhile never shift
 * the others (no duplicates, none skipped among those that exist throughout).
 */

export class SortedNames {
  private readonly names: string[] = [];

  get size(): number {
    return this.names.length;
  }

  /** Index of the first name greater than `name` (or of `name` itself with `inclusive`). */
  private bound(name: string, inclusive: boolean): number {
    let lo = 0;
    let hi = this.names.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const n = this.names[mid] as string;
      if (n < name || (!inclusive && n === name)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(name: string): void {
    const i = this.bound(name, true);
    if (this.names[i] !== name) this.names.splice(i, 0, name);
  }

  delete(name: string): void {
    const i = this.bound(name, true);
    if (this.names[i] === name) this.names.splice(i, 1);
  }

  has(name: string): boolean {
    return this.names[this.bound(name, true)] === name;
  }

  /**
   * Up to `limit` names after `after` that `accept` takes, and the number of accepted names in
   * the whole index (the list's `total`). `more` tells whether accepted names follow the page.
   */
  page(
    after: string | undefined,
    limit: number,
    accept: (name: string) => boolean,
  ): { names: string[]; more: boolean; total: number } {
    const start = after === undefined ? 0 : this.bound(after, false);
    const names: string[] = [];
    let total = 0;
    let more = false;
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i] as string;
      if (!accept(name)) continue;
      total++;
      if (i < start) continue;
      if (names.length < limit) names.push(name);
      else more = true;
    }
    return { names, more, total };
  }

  all(): readonly string[] {
    return this.names;
  }
}

/** `continue` is opaque to the browser: the last name of the page, base64url JSON. */
export function encodeContinue(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName })).toString('base64url');
}

/** The name a `continue` token starts after; undefined for a token this server did not make. */
export function decodeContinue(token: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const after = (parsed as { after?: unknown } | null)?.after;
    return typeof after === 'string' && after !== '' ? after : undefined;
  } catch {
    return undefined;
  }
}
