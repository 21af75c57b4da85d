/**
 * The only thing the console ever writes to browser storage: the list of regional endpoint URLs.
 * Tokens stay in React state; cluster data stays in memory.
 */
export const REGIONS_STORAGE_KEY = 'mce-console.regions';

/** Trims, checks http(s), and drops a trailing slash so `${base}${path}` is well formed. */
export function normalizeRegionUrl(raw: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`only http(s) URLs are regional endpoints, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new Error('a regional endpoint URL must not carry credentials');
  if (url.search || url.hash)
    throw new Error('a regional endpoint URL is a base URL, without query or fragment');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export function loadRegionUrls(storage: Storage | undefined = globalThis.localStorage): string[] {
  if (!storage) return [];
  const raw = storage.getItem(REGIONS_STORAGE_KEY);
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    const urls: string[] = [];
    for (const entry of parsed) {
      if (typeof entry !== 'string') continue;
      try {
        const url = normalizeRegionUrl(entry);
        if (!urls.includes(url)) urls.push(url);
      } catch {
        // A hand-edited bad entry is dropped rather than breaking the console.
      }
    }
    return urls;
  } catch {
    return [];
  }
}

export function saveRegionUrls(
  urls: readonly string[],
  storage: Storage | undefined = globalThis.localStorage,
): void {
  if (!storage) return;
  if (urls.length === 0) storage.removeItem(REGIONS_STORAGE_KEY);
  else storage.setItem(REGIONS_STORAGE_KEY, JSON.stringify(urls));
}
