// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { backoffMs, readSse, SseParser } from '../src/lib/sse';

describe('SseParser', () => {
  it('parses events, names, ids, comments and multi-line data', () => {
    const p = new SseParser();
    const out = p.push(': keep-alive\nevent: change\nid: 7\ndata: {"a":\ndata: 1}\n\ndata: plain\n\n');
    expect(out).toEqual([
      { event: 'change', data: '{"a":\n1}', id: '7' },
      { event: 'message', data: 'plain', id: '7' },
    ]);
  });

  it('handles any chunking, including CRLF split across chunks', () => {
    const text = 'event: change\r\ndata: {"type":"resync"}\r\n\r\nevent: x\rdata: y\r\r';
    for (let size = 1; size <= text.length; size++) {
      const p = new SseParser();
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...p.push(text.slice(i, i + size)));
      expect(out, `chunk size ${size}`).toEqual([
        { event: 'change', data: '{"type":"resync"}' },
        { event: 'x', data: 'y' },
      ]);
    }
  });

  it('drops a message without data and resets the event name', () => {
    const p = new SseParser();
    expect(p.push('event: ping\n\ndata: z\n\n')).toEqual([{ event: 'message', data: 'z' }]);
  });

  it('keeps an incomplete message until its blank line', () => {
    const p = new SseParser();
    expect(p.push('data: part')).toEqual([]);
    expect(p.push('ial\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ event: 'message', data: 'partial' }]);
  });

  it('reads the retry field and ignores unknown fields and a single leading space only', () => {
    const p = new SseParser();
    expect(p.push('retry: 2500\nfoo: bar\ndata:  two spaces\n\n')).toEqual([
      { event: 'message', data: ' two spaces' },
    ]);
    expect(p.retryMs).toBe(2500);
  });
});

describe('readSse', () => {
  it('decodes UTF-8 split inside a character and delivers every message', async () => {
    const bytes = new TextEncoder().encode('data: héllo ✓\n\ndata: two\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
        controller.close();
      },
    });
    const got: string[] = [];
    await readSse(body, (m) => got.push(m.data));
    expect(got).toEqual(['héllo ✓', 'two']);
  });
});

describe('backoffMs', () => {
  it('grows with attempts, stays within half..full of the ceiling, and is capped', () => {
    expect(backoffMs(0, () => 0)).toBe(500);
    expect(backoffMs(0, () => 1)).toBe(1000);
    expect(backoffMs(3, () => 0)).toBe(4000);
    expect(backoffMs(50, () => 1)).toBe(30_000);
  });
});
