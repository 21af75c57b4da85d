/**
 * The live heap of another Node process, through its inspector (`--inspect=127.0.0.1:<port>`):
 * two full garbage collections, then the heap in use. What a heap snapshot would sum, without
 * writing hundreds of megabytes to disk at 50,000 clusters. Needs a global WebSocket (Node 22, or
 * Node 20 with `--experimental-websocket`, which `make bench` passes).
 */

interface InspectorTarget {
  webSocketDebuggerUrl: string;
}

export async function liveHeapBytes(inspectPort: number): Promise<number> {
  if (typeof WebSocket === 'undefined')
    throw new Error(
      'no global WebSocket: run the bench with node --experimental-websocket (make bench does)',
    );
  const targets = (await (
    await fetch(`http://127.0.0.1:${inspectPort}/json/list`)
  ).json()) as InspectorTarget[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${inspectPort}`);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`cannot connect to the inspector at ${url}`));
  });
  const pending = new Map<number, (m: { result?: unknown; error?: { message: string } }) => void>();
  ws.onmessage = (e: MessageEvent) => {
    const m = JSON.parse(String(e.data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (m.id !== undefined) pending.get(m.id)?.(m);
  };
  let next = 0;
  const call = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, (m) =>
        m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result),
      );
      ws.send(JSON.stringify({ id, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const usage = (await call('Runtime.getHeapUsage')) as { usedSize: number };
    return usage.usedSize;
  } finally {
    ws.close();
  }
}
