import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';
import type { KubeObject, WatchEvent } from './types.js';

/**
 * The events of a watch response (newline-delimited JSON). An ERROR event (e.g. 410 Expired
 * when the resourceVersion is too old) is thrown as an `ApiError`.
 */
export async function* watchEvents<T extends KubeObject>(
  res: IncomingMessage,
  path: string,
): AsyncGenerator<WatchEvent<T>> {
  for await (const line of lines(res)) {
    const event = JSON.parse(line) as { type: string; object: Record<string, unknown> };
    if (event.type === 'ERROR') {
      const s = event.object as { code?: number; reason?: string; message?: string };
      throw new ApiError(
        s.code ?? 500,
        s.reason ?? 'Unknown',
        s.message ?? 'watch error',
        undefined,
        undefined,
        `WATCH ${path}`,
      );
    }
    yield event as WatchEvent<T>;
  }
}

async function* lines(res: IncomingMessage): AsyncGenerator<string> {
  res.setEncoding('utf8');
  let buf = '';
  for await (const chunk of res as AsyncIterable<string>) {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line) yield line;
    }
  }
  if (buf.trim()) yield buf.trim();
}
