/**
 * A region's console API in memory, answering the store's fetch calls: /info, paged clusters,
 * rollouts, an event stream the test pushes to, and actions. Tokens are checked like the server.
 */
import { toClusterColumns } from '@cluster-columns';
import {
  emptyStateCounts,
  type ChangeEvent,
  type ClusterSummary,
  type Info,
  type RolloutSummary,
} from '../src/lib/contract';

export function cluster(name: string, patch: Partial<ClusterSummary> = {}): ClusterSummary {
  return {
    name,
    labels: { env: 'prod' },
    clusterSet: 'default',
    available: 'True',
    joined: true,
    hubAccepted: true,
    kubernetesVersion: 'v1.31.2',
    klusterletVersion: '2.17.0',
    transport: 'grpc',
    addOns: [],
    rollouts: [],
    ...patch,
  };
}

export function rollout(
  namespace: string,
  name: string,
  patch: Partial<RolloutSummary> = {},
): RolloutSummary {
  return {
    namespace,
    name,
    target: 'klusterlet 2.17.0',
    targetKind: 'klusterlet',
    placement: 'all',
    phase: 'Progressing',
    paused: false,
    total: 10,
    groups: [],
    failedClusters: [],
    approvals: [],
    conditions: [],
    ...patch,
  };
}

type Counts = RolloutSummary['groups'][number]['counts'];

/** A group's or rollout's counts: zero (the contract's empty counts) but for those given. */
export function counts(patch: Partial<Counts> = {}): Counts {
  return { ...emptyStateCounts(), ...patch };
}

export interface Recorded {
  method: string;
  url: string;
  authorization: string | null;
  body?: unknown;
  credentials?: RequestCredentials;
}

export class FakeRegion {
  clusters: ClusterSummary[] = [];
  rollouts: RolloutSummary[] = [];
  token = 'good-token';
  down = false;
  hang = false;
  /** Answer for actions: status and body. */
  actionAnswer: { status: number; body: unknown } = {
    status: 200,
    body: { written: [{ kind: 'ManagedCluster', name: 'x' }] },
  };
  requests: Recorded[] = [];
  private streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  private encoder = new TextEncoder();

  constructor(
    readonly base: string,
    readonly info: Info,
  ) {}

  get openStreams(): number {
    return this.streams.length;
  }

  push(event: ChangeEvent, name = 'change'): void {
    const bytes = this.encoder.encode(`event: ${name}\ndata: ${JSON.stringify(event)}\n\n`);
    for (const s of this.streams) s.enqueue(bytes);
  }

  /** Ends every open stream (the server going away). */
  dropStreams(): void {
    for (const s of this.streams) {
      try {
        s.error(new TypeError('network error'));
      } catch {
        // already closed
      }
    }
    this.streams = [];
  }

  async handle(url: URL, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    const authorization = headers.get('authorization');
    this.requests.push({
      method: init.method ?? 'GET',
      url: url.toString(),
      authorization,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      credentials: init.credentials,
    });
    if (this.down) throw new TypeError('Failed to fetch');
    if (this.hang) {
      return new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    const path = url.pathname.slice(new URL(this.base).pathname.replace(/\/$/, '').length);
    if (path === '/info') return json(200, this.info);
    if (authorization !== `Bearer ${this.token}`)
      return json(401, {
        status: 401,
        reason: 'Unauthorized',
        message: 'token review: the token is not valid',
      });
    if (path === '/api/v1/clusters' && (init.method ?? 'GET') === 'GET') {
      const limit = Number(url.searchParams.get('limit') ?? '500');
      const start = Number(url.searchParams.get('continue') ?? '0');
      const sorted = [...this.clusters].sort((a, b) => (a.name < b.name ? -1 : 1));
      const items = sorted.slice(start, start + limit);
      const next = start + limit < sorted.length ? String(start + limit) : undefined;
      const page = { items, total: sorted.length, ...(next ? { continue: next } : {}) };
      return json(200, url.searchParams.get('format') === 'columns' ? toClusterColumns(page) : page);
    }
    if (path === '/api/v1/rollouts' && (init.method ?? 'GET') === 'GET')
      return json(200, { items: this.rollouts });
    if (path === '/api/v1/events') {
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => {
          this.streams.push(controller);
          controller.enqueue(this.encoder.encode(': connected\n\nevent: snapshot-done\ndata: {}\n\n'));
          init.signal?.addEventListener('abort', () => {
            this.streams = this.streams.filter((s) => s !== controller);
            try {
              controller.error(new DOMException('aborted', 'AbortError'));
            } catch {
              // already closed
            }
          });
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }
    const match = /^\/api\/v1\/clusters\/([^/]+)$/.exec(path);
    if (match && (init.method ?? 'GET') === 'GET') {
      const found = this.clusters.find((c) => c.name === decodeURIComponent(match[1] ?? ''));
      if (!found) return json(404, { status: 404, reason: 'NotFound', message: 'not found' });
      return json(200, {
        ...found,
        conditions: [],
        claims: [],
        manifestWorks: { total: 1, applied: 1, degraded: 0 },
        events: [],
      });
    }
    return json(this.actionAnswer.status, this.actionAnswer.body);
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fetch that routes to fake regions by URL prefix; unknown hosts fail like a dead network. */
export function fakeFetch(regions: FakeRegion[]): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url,
    );
    const region = regions.find((r) => url.toString().startsWith(r.base));
    if (!region) throw new TypeError('Failed to fetch');
    return region.handle(url, init);
  };
}

export const info = (region: string, hiveServed = false): Info => ({
  apiVersion: 'v1',
  region,
  geography: 'eu',
  operatorVersion: '0.1.0',
  maestroEnabled: true,
  hiveServed,
});

/** Waits until a condition holds (polling; the store works on timers and promises). */
export async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
