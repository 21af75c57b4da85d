/**
 * A real Mosquitto broker from Debian's packages on a free loopback port, started with a
 * mosquitto.conf the test supplies (typically the one the operator rendered, with paths
 * rewritten to a temp directory).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';
import { freePort } from './ports.js';
import { spawnManaged } from './processes.js';

export interface Mosquitto {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts mosquitto. `configure(port, dir)` returns the config text; files it references can be
 * written into `dir` before it returns.
 */
export async function startMosquitto(configure: (port: number, dir: string) => string): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'mmo-mqtt-'));
  const port = await freePort();
  // As root, mosquitto would drop to the `mosquitto` user and lose access to the temp files.
  const conf = `${configure(port, dir)}\n${process.getuid?.() === 0 ? 'user root\n' : ''}`;
  writeFileSync(join(dir, 'mosquitto.conf'), conf);
  // Under stdbuf, so its log reaches the file line by line rather than in blocks.
  const proc = spawnManaged(
    'mosquitto',
    'stdbuf',
    ['-oL', '/usr/sbin/mosquitto', '-c', join(dir, 'mosquitto.conf')],
    {
      logFile: join(dir, 'mosquitto.log'),
    },
  );
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const s = createConnection({ host: '127.0.0.1', port }, () => {
          s.end();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      }),
    { timeout: 15_000, message: `mosquitto on ${port} (log ${dir}/mosquitto.log)` },
  );
  return {
    port,
    dir,
    async stop() {
      await proc.stop('SIGTERM', 5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
