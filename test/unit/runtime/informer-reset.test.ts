import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../../src/runtime/client/kube-client.js';
import type { KubeObject } from '../../../src/runtime/client/types.js';
import { Informer } from '../../../src/runtime/informer.js';
import { createLogger } from '../../../src/runtime/logger.js';
import { eventually } from '../../harness/eventually.js';
import { cm, frames } from './watch-fixtures.js';

// A real TCP server rather than nock: nock's replyWithError raced its mock socket (an unhandled
// 'error' in about one parallel run in four), so the connection reset is sent by the kernel here.

const LIST = '/api/v1/namespaces/ns/configmaps';

type Seen = { kind: 'list' | 'watch'; resourceVersion: string | null };

/** A minimal API server for ConfigMaps in `ns` that resets the first watch after one event. */
class ResettingApiServer {
  readonly seen: Seen[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private firstWatch: http.ServerResponse | undefined;

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Ends the first watch with a TCP RST, as when a load balancer or apiserver dies mid-stream. */
  resetFirstWatch(): void {
    const socket = this.firstWatch?.socket;
    if (!socket) throw new Error('the first watch is not open');
    socket.resetAndDestroy();
  }

  async close(): Promise<void> {
    // Watches stay open until their client goes: drop them so close() resolves.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/v1') {
      return json(res, {
        kind: 'APIResourceList',
        resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }],
      });
    }
    if (url.pathname !== LIST) return json(res, { kind: 'Status', code: 404, reason: 'NotFound' }, 404);
    const resourceVersion = url.searchParams.get('resourceVersion');
    if (url.searchParams.get('watch') !== 'true') {
      this.seen.push({ kind: 'list', resourceVersion });
      // A re-list answers a newer state, so a client that re-lists is told apart by the count.
      const rv = this.seen.filter((s) => s.kind === 'list').length === 1 ? '10' : '20';
      return json(res, { kind: 'ConfigMapList', metadata: { resourceVersion: rv }, items: [cm('a', '5')] });
    }
    this.seen.push({ kind: 'watch', resourceVersion });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    if (this.seen.filter((s) => s.kind === 'watch').length === 1) {
      // One event, then the stream stays open until the test resets it.
      this.firstWatch = res;
      res.write(frames({ type: 'ADDED', object: cm('c', '11') }));
    } else if (resourceVersion === '11') {
      res.write(
        frames(
          { type: 'MODIFIED', object: cm('c', '12') },
          { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '15' } } },
        ),
      );
    }
    // Any watch stays open (chunked, no end) until the client or close() drops it.
  }
}

function json(res: http.ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function clientFor(server: string): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // client-node refuses an http: server unless skipTLSVerify is set (there is no TLS to verify).
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'test-token' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return new KubeClient({ kubeConfig: kc, qps: -1, burst: 1, timeoutMs: 2_000 });
}

describe('Informer against a real connection reset', () => {
  let api: ResettingApiServer;
  let client: KubeClient | undefined;
  let informer: Informer<KubeObject> | undefined;

  beforeEach(() => {
    api = new ResettingApiServer();
  });

  afterEach(async () => {
    await informer?.stop();
    client?.close();
    await api.close();
    informer = undefined;
    client = undefined;
  });

  it('resumes the watch from the last resourceVersion after ECONNRESET, without re-listing', async () => {
    client = clientFor(await api.listen());
    const logs: { msg?: string; error?: { code?: string; message?: string } }[] = [];
    informer = new Informer({
      client,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'ns',
      reconnectInitialMs: 5,
      reconnectMaxMs: 20,
      logger: createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line)) }),
    });
    const events: string[] = [];
    informer.addHandler({
      add: (o) => events.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
      update: (_old, o) => events.push(`update ${o.metadata.name}@${o.metadata.resourceVersion}`),
      delete: (o) => events.push(`delete ${o.metadata.name}`),
    });
    informer.start();

    // Reset only once the event before it was applied: an RST can discard unread bytes.
    await eventually(() => informer?.lastResourceVersion() === '11', { timeout: 10_000, interval: 10 });
    api.resetFirstWatch();
    await eventually(() => api.seen.length >= 3, { timeout: 10_000, interval: 10, message: 'a reconnect' });

    expect(api.seen.slice(0, 3)).toEqual([
      { kind: 'list', resourceVersion: null },
      { kind: 'watch', resourceVersion: '10' },
      { kind: 'watch', resourceVersion: '11' },
    ]);
    // The reset reached the informer as a failed watch, not as a clean end of stream (Node's
    // ECONNRESET 'aborted'; its code is lost in the log under Jest, whose Error is another realm's).
    expect(logs.find((l) => l.msg === 'list/watch failed, retrying')?.error?.message).toMatch(
      /aborted|ECONNRESET/,
    );
    await eventually(() => informer?.lastResourceVersion() === '15', { timeout: 10_000, interval: 10 });
    expect(api.seen.filter((s) => s.kind === 'list')).toHaveLength(1);
    expect(events).toEqual(['add a@5', 'add c@11', 'update c@12']);
  }, 20_000);
});
