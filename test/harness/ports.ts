import { connect, createServer } from 'node:net';

/**
 * Ports this process has handed out. The OS only promises that a port was free when we asked;
 * a second `listen(0)` can return the same number once the first socket is closed, so two
 * control planes started together could be given one port. Never handing a number out twice per
 * process removes that race among our own servers; `isBindFailure` covers the rest (another
 * process taking the port between our check and the server's bind).
 */
const handedOut = new Set<number>();

/** A TCP port on 127.0.0.1 that was free a moment ago and that this process never handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await ephemeralPort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('freePort: the OS kept returning ports this process already handed out');
}

/** True when a server's log or error says its listen address was taken. */
export function isBindFailure(text: string): boolean {
  return /address already in use|EADDRINUSE|bind: address/i.test(text);
}

function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolveOpen(true);
    });
    socket.once('error', () => resolveOpen(false));
  });
}
