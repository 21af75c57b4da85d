/**
 * Registering a managed cluster as a Maestro consumer, through Maestro's REST API, as the
 * maestro-addon's cluster controller did (`GET /api/maestro/v1/consumers?search=name='<c>'`, then
 * `POST /api/maestro/v1/consumers {"name": "<c>"}` when none exists). Idempotent: a restart that
 * repeats it finds the consumer and writes nothing.
 */

export interface ConsumerClient {
  ensure(name: string, signal?: AbortSignal): Promise<'exists' | 'created'>;
}

type Fetch = typeof fetch;

export function maestroConsumers(restUrl: string, fetchFn: Fetch = fetch): ConsumerClient {
  const base = `${restUrl.replace(/\/$/, '')}/api/maestro/v1/consumers`;
  return {
    async ensure(name, signal) {
      const search = new URLSearchParams({ search: `name = '${name}'` });
      const found = await fetchFn(`${base}?${search}`, { signal });
      if (!found.ok) throw new Error(`Maestro consumer lookup for ${name}: HTTP ${found.status}`);
      const list = (await found.json()) as { items?: { name?: string }[] };
      if ((list.items ?? []).some((c) => c.name === name)) return 'exists';
      const created = await fetchFn(base, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name }),
        signal,
      });
      // 409: another writer (or an earlier attempt of ours) created it meanwhile.
      if (created.status === 409) return 'exists';
      if (!created.ok)
        throw new Error(`Maestro consumer ${name}: HTTP ${created.status} ${await created.text()}`);
      return 'created';
    },
  };
}
