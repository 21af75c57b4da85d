/**
 * A real headless browser for the console tests: Debian's Chromium (`hack/ensure-deps.sh browser`)
 * driven by playwright-core (Playwright's own browser download does not work on these machines).
 *
 * Chromium is started by us under the harness' parent-death guard (`spawnManaged`), and Playwright
 * attaches to it over the DevTools protocol, instead of letting `chromium.launch()` spawn it: the
 * guard ends Chromium within half a second of the test runner's exit however that exit happens
 * (a SIGKILL from a timeout included, where Playwright's own exit handlers never run), the child
 * is unref'd so it cannot keep jest alive, and `stopAllManaged()` sees it like every other server.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './control-plane.js';
import { sleep } from './eventually.js';
import { spawnManaged, type ManagedProcess } from './processes.js';

/** Where screenshots go (gitignored; CI keeps the folder as an artifact). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'console');

export interface LaunchOptions {
  /** Label in log and directory names (default `chromium`). */
  name?: string;
  /**
   * SHA-256 SPKI hashes (base64) of serving certificates to accept without a trusted CA, e.g. the
   * regions' console certificates (`spkiHash`). Chromium honours this only with its own
   * --user-data-dir, which we always give it. Certificate errors of anything else stay errors.
   */
  trustSpki?: string[];
  /** More Chromium flags. */
  args?: string[];
}

export interface LaunchedBrowser {
  /** Playwright's Browser, attached over CDP; `browser.newContext()` gives isolated sessions. */
  readonly browser: Browser;
  /** The Chromium process (under the parent-death guard). */
  readonly process: ManagedProcess;
  /** Chromium's stderr. */
  readonly logFile: string;
  /** Disconnects Playwright, stops Chromium and removes its profile. Safe to call twice. */
  close(): Promise<void>;
}

/** The Chromium binary: $CHROMIUM_PATH, else `chromium` on PATH (Debian: /usr/bin/chromium). */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('bash', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
    throw new Error('chromium is not installed: run `hack/ensure-deps.sh browser`');
  }
}

/** base64(SHA-256(SubjectPublicKeyInfo)) of a PEM certificate, as --ignore-certificate-errors-spki-list wants. */
export function spkiHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** Starts headless Chromium and attaches Playwright to it. */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const name = opts.name ?? 'chromium';
  const profile = mkdtempSync(join(tmpdir(), `mmo-${name}-`));
  const logFile = join(profile, 'chromium.log');
  const userDataDir = join(profile, 'user-data');
  const args = [
    '--headless',
    // Chromium's sandbox needs an unprivileged user; as root it refuses to start without this.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    '--disable-gpu',
    // These machines have no outside network: without the next five flags Chromium spends its
    // start looking up Google's hosts and opening connections that are refused.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--password-store=basic',
    '--use-mock-keychain',
    '--mute-audio',
    '--hide-scrollbars',
    `--user-data-dir=${userDataDir}`,
    // Port 0: Chromium picks one and writes it to <user-data-dir>/DevToolsActivePort.
    '--remote-debugging-address=127.0.0.1',
    '--remote-debugging-port=0',
    ...(opts.trustSpki?.length ? [`--ignore-certificate-errors-spki-list=${opts.trustSpki.join(',')}`] : []),
    ...(opts.args ?? []),
    'about:blank',
  ];
  const proc = spawnManaged(name, chromiumPath(), args, { logFile });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    browser = undefined;
    await proc.stop('SIGTERM', 5_000);
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const port = await devToolsPort(proc, join(userDataDir, 'DevToolsActivePort'), logFile);
    browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 30_000 });
  } catch (err) {
    await close();
    throw err;
  }
  const connected = browser;
  return { browser: connected, process: proc, logFile, close };
}

/**
 * Saves a PNG of the page as `test-artifacts/console/<name>.png` and returns its path; `name` may
 * hold a sub-folder (`list/three-regions`).
 */
export async function saveScreenshot(
  page: Page,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<string> {
  if (!/^[\w.-]+(\/[\w.-]+)*$/.test(name))
    throw new Error(`screenshot name ${JSON.stringify(name)}: use letters, digits, . _ - and /`);
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  mkdirSync(join(path, '..'), { recursive: true });
  await page.screenshot({ path, fullPage: opts.fullPage ?? true });
  return path;
}

/** Waits for Chromium to write its DevTools port; fails at once when it exits first. */
async function devToolsPort(proc: ManagedProcess, file: string, logFile: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!proc.running()) throw new Error(`chromium exited before it listened: ${tail(logFile)}`);
    const port = existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : 0;
    if (port > 0) return port;
    if (Date.now() > deadline) throw new Error(`chromium wrote no DevTools port in 30s (log: ${logFile})`);
    await sleep(100);
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
