/**
 * The regional console's figures (issue 12, "Figures"), on three local regions of 10,000
 * simulated clusters each (test/harness/regions.ts: a kube-apiserver + etcd per region, the
 * operator as a child process serving the console):
 *
 *  - `GET /api/v1/clusters?limit=500`, the first page: the server's handling time, read from the
 *    answer's `Server-Timing` (from the request's arrival to its serialised body: token and access
 *    reviews, page, JSON), and the client's time to the last byte over
 *    loopback on a kept-alive TLS connection beside it.
 *  - The merged list of 30,000 rows interactive in a real browser (Chromium driven by
 *    playwright-core), from the first sign-in click until the total reads 30000 and a row's link is
 *    clickable.
 *  - A ManagedCluster label changed through the kube API, until the open cluster page shows it (and,
 *    separately, until the SSE stream of /api/v1/events delivers it).
 *  - The operator's resident memory and live heap with the console on and off, on the same region,
 *    each a fresh process measured at the same age after it became ready (the "on" one after a user
 *    loaded the whole list and holds an event stream open), three alternating starts per side.
 */
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../harness/browser.js';
import { sleep } from '../harness/eventually.js';
import { operatorKubeconfig } from '../harness/operator-rbac.js';
import { freePort } from '../harness/ports.js';
import { spawnManaged, type ManagedProcess } from '../harness/processes.js';
import { REPO_ROOT } from '../harness/control-plane.js';
import {
  operatorArgs,
  startRegions,
  type PolicyRule,
  type Region,
  type Regions,
} from '../harness/regions.js';
import { liveHeapBytes } from './live-heap.js';
import { figure, median, type BenchOptions, type BenchResult } from './types.js';

const PER_REGION = Number(process.env.BENCH_CONSOLE_CLUSTERS ?? 10_000);
const REGIONS = 3;
const TOTAL = PER_REGION * REGIONS;
const FIRST_PAGE_REQUESTS = 30;
/** Runs of the merged list: one run varies by ±25 % on a shared 2-core machine. */
const BROWSER_RUNS = 9;
const LABEL_CHANGES = 5;
/** Age of each operator process (after /readyz) when its memory is read. */
const MEMORY_AGE_MS = 45_000;
/** Fresh starts per side (off, on, off, on, …) for the memory figures. */
const MEMORY_ROUNDS = 3;
const OCM = 'cluster.open-cluster-management.io';
const MC = `${OCM}/v1`;

const VIEWER: PolicyRule[] = [
  { apiGroups: [OCM], resources: ['managedclusters'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [OCM], resources: ['managedclustersets'], verbs: ['get', 'list'] },
  { apiGroups: ['maestro.multicluster.openshift.io'], resources: ['agentrollouts'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['events'], verbs: ['list'] },
];

export async function run({ log }: BenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const setupStarted = Date.now();
  const env = await startRegions({ count: REGIONS, clustersPerRegion: PER_REGION, clusterNamespaces: false });
  const setupMs = Date.now() - setupStarted;
  log(
    `setup: ${REGIONS} regions × ${PER_REGION} ManagedClusters (object + status; the harness writes ` +
      `16 at a time per region, a fixed pool) and their operators ready in ${(setupMs / 1000).toFixed(1)}s`,
  );
  let launched: LaunchedBrowser | undefined;
  try {
    const tokens = (await Promise.all(env.regions.map((r) => env.createUser(r, 'bench-viewer', VIEWER)))).map(
      (u) => u.token,
    );
    const a = mustRegion(env, 0);
    const tokenA = tokens[0] ?? '';

    results.push(...(await firstPage(a, tokenA, log)));

    launched = await launchBrowser({
      name: 'bench-chromium',
      trustSpki: env.regions.map((r) => r.consoleSpki),
    });
    const { figures, page } = await mergedList(env, launched, tokens, log);
    results.push(...figures);
    results.push(...(await liveLabel(a, tokenA, page, log)));
    results.push(...(await memory(env, a, tokenA, log)));
  } finally {
    await launched?.close().catch(() => undefined);
    await env.stop();
  }
  results.push(figure(`console.setup.regions${TOTAL}.seconds`, Math.round(setupMs / 100) / 10, ' s'));
  return results;
}

// ----------------------------------------------------------------------------- 1. first page

async function firstPage(a: Region, token: string, log: (l: string) => void): Promise<BenchResult[]> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: a.consoleCa });
  const url = `${a.consoleUrl}/api/v1/clusters?limit=500`;
  const headers = { Authorization: `Bearer ${token}` };
  try {
    // Warm-up: the connection, the token and access reviews (cached 10 s per token), the JIT.
    for (let i = 0; i < 3; i++) await get(agent, url, headers);
    const client: number[] = [];
    const server: number[] = [];
    for (let i = 0; i < FIRST_PAGE_REQUESTS; i++) {
      const started = performance.now();
      const res = await get(agent, url, headers);
      client.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body.slice(0, 200)}`);
      const body = JSON.parse(res.body) as { items: unknown[]; total: number };
      if (body.items.length !== Math.min(500, PER_REGION) || body.total !== PER_REGION)
        throw new Error(
          `first page: ${body.items.length} items of ${body.total}, wanted 500 of ${PER_REGION}`,
        );
      server.push(serverTiming(res.serverTiming, url));
      // Stay inside the per-address budget (50/s) the browser needs next.
      await sleep(40);
    }
    log(
      `first page: server ms (Server-Timing) ${JSON.stringify(server)}; client ms ${JSON.stringify(client.map((v) => Math.round(v)))}`,
    );
    return [
      figure(
        'console.clusters.firstPage500.serverMs.median',
        median(server),
        'ms',
        { op: '<=', value: 50 },
        {
          source: "the answer's Server-Timing app;dur (arrival to serialised body)",
          samples: server,
          of: PER_REGION,
        },
      ),
      figure(
        'console.clusters.firstPage500.clientMs.median',
        Math.round(median(client) * 10) / 10,
        'ms',
        { op: '<=', value: 50 },
        {
          source: 'client time to last byte over loopback, kept-alive TLS (includes transfer and the client)',
          samples: client.map((v) => Math.round(v * 10) / 10),
        },
      ),
    ];
  } finally {
    agent.destroy();
  }
}

/** The milliseconds of `app;dur=` in a Server-Timing header. */
function serverTiming(header: string | undefined, url: string): number {
  const dur = /(?:^|,)\s*app;dur=([\d.]+)/.exec(header ?? '')?.[1];
  if (dur === undefined) throw new Error(`GET ${url}: no Server-Timing app;dur in ${JSON.stringify(header)}`);
  return Number(dur);
}

function get(
  agent: https.Agent,
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; serverTiming?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { agent, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          // Repeated Server-Timing headers are one list (RFC 9110 field combination).
          serverTiming: [res.headers['server-timing'] ?? []].flat().join(', '),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: timeout`)));
    req.on('error', reject);
  });
}

// --------------------------------------------------------------------- 2. merged list, browser

const byId = (p: Page, id: string) => p.getByTestId(id);

/** Waits, checking every animation frame, until the element's text is `text`. */
async function waitText(p: Page, id: string, text: string, timeout = 60_000): Promise<void> {
  // A string, not a function: this project has no DOM types, and tsx's helpers don't exist in the page.
  const expr = `document.querySelector(${JSON.stringify(`[data-testid="${id}"]`)})?.textContent?.trim() === ${JSON.stringify(text)}`;
  await p.waitForFunction(expr, undefined, { polling: 'raf', timeout });
}

async function mergedList(
  env: Regions,
  launched: LaunchedBrowser,
  tokens: string[],
  log: (l: string) => void,
): Promise<{ figures: BenchResult[]; page: Page }> {
  const a = mustRegion(env, 0);
  const fromFirst: number[] = [];
  const fromLast: number[] = [];
  let page: Page | undefined;
  for (let run = 0; run < BROWSER_RUNS; run++) {
    await page?.context().close();
    // bypassCSP: the console's CSP (rightly) has no 'unsafe-eval', and Playwright's per-frame
    // wait (waitForFunction) evaluates its predicate in the page; the app itself runs unchanged.
    const context = await launched.browser.newContext({
      viewport: { width: 1280, height: 800 },
      bypassCSP: true,
    });
    page = await context.newPage();
    await page.goto(`${a.consoleUrl}/`);
    await byId(page, 'nav-regions').click();
    for (const r of env.regions) {
      await byId(page, 'region-url-input').fill(r.consoleUrl);
      await byId(page, 'region-add').click();
    }
    for (const [i] of env.regions.entries()) {
      await waitText(page, `region-status-${i}`, 'Signed out');
      await byId(page, `region-token-${i}`).fill(tokens[i] ?? '');
    }
    const first = performance.now();
    let last = first;
    for (const [i] of env.regions.entries()) {
      last = performance.now();
      await byId(page, `region-signin-${i}`).click();
    }
    await byId(page, 'nav-clusters').click();
    await waitText(page, 'cluster-count-total', String(TOTAL));
    // Interactive: a row's link passes Playwright's actionability checks (visible, stable, enabled,
    // receives events) without being followed.
    await byId(page, 'cluster-link').first().click({ trial: true, timeout: 30_000 });
    const done = performance.now();
    fromFirst.push(done - first);
    fromLast.push(done - last);
    for (const r of env.regions) await waitText(page, `cluster-count-${r.name}`, String(PER_REGION), 5_000);
  }
  if (!page) throw new Error('no browser run');
  log(
    `merged list: ms from the first sign-in click ${JSON.stringify(fromFirst.map(Math.round))}, ` +
      `from the last ${JSON.stringify(fromLast.map(Math.round))}`,
  );
  const target = { op: '<=' as const, value: 2000 };
  return {
    page,
    figures: [
      figure(
        `console.browser.mergedList${TOTAL}.interactiveMs.median`,
        Math.round(median(fromFirst)),
        'ms',
        target,
        {
          from: 'the first of the three sign-in clicks (regions page, tokens entered), then nav-clusters',
          until: `cluster-count-total reads ${TOTAL} and the first cluster-link is actionable`,
          samples: fromFirst.map(Math.round),
          fromLastSignInMs: fromLast.map(Math.round),
        },
      ),
    ],
  };
}

// --------------------------------------------------------------------------- 3. live label

async function liveLabel(
  a: Region,
  token: string,
  page: Page,
  log: (l: string) => void,
): Promise<BenchResult[]> {
  const name = `${a.name}-c00003`;
  await page.evaluate(`location.hash = '#/clusters/${a.name}/${name}'`);
  await waitText(page, 'cluster-detail-name', name);
  const stream = openEvents(a, token);
  try {
    await stream.ready;
    const onPage: number[] = [];
    const onStream: number[] = [];
    const run = Date.now().toString(36);
    for (let i = 0; i < LABEL_CHANGES; i++) {
      const value = `v${i}-${run}`;
      const started = performance.now();
      const seen = stream.waitFor(value).then(() => performance.now() - started);
      await a.client.patch(
        { apiVersion: MC, kind: 'ManagedCluster', name },
        { metadata: { labels: { 'bench-live': value } } },
        'merge',
      );
      await waitText(page, 'label-bench-live', `bench-live=${value}`, 10_000);
      onPage.push(performance.now() - started);
      onStream.push(await seen);
      await sleep(300);
    }
    log(
      `live label: page ms ${JSON.stringify(onPage.map(Math.round))}; SSE ms ${JSON.stringify(onStream.map(Math.round))}`,
    );
    return [
      figure(
        'console.browser.labelChangeVisibleMs.median',
        Math.round(median(onPage)),
        'ms',
        { op: '<=', value: 1000 },
        {
          from: 'the merge patch sent to the kube API',
          until: 'the open cluster detail page shows label-bench-live with the new value',
          samples: onPage.map(Math.round),
        },
      ),
      figure(
        'console.events.labelChangeDeliveredMs.median',
        Math.round(median(onStream)),
        'ms',
        { op: '<=', value: 1000 },
        {
          from: 'the merge patch sent to the kube API',
          until: 'a client of GET /api/v1/events receives the change event carrying the new value',
          samples: onStream.map(Math.round),
        },
      ),
    ];
  } finally {
    stream.close();
  }
}

/** A client of the SSE stream that resolves waiters when an event's text contains their string. */
function openEvents(r: Region, token: string) {
  let text = '';
  const waiters: { needle: string; resolve: () => void }[] = [];
  let ready!: () => void;
  let failed!: (err: Error) => void;
  const readyP = new Promise<void>((res, rej) => {
    ready = res;
    failed = rej;
  });
  const req = https.get(
    `${r.consoleUrl}/api/v1/events`,
    {
      ca: r.consoleCa,
      agent: false,
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
    },
    (res) => {
      if (res.statusCode !== 200) failed(new Error(`/api/v1/events: ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        if (text.includes('snapshot-done')) ready();
        let cut: number;
        while ((cut = text.indexOf('\n\n')) >= 0) {
          const event = text.slice(0, cut);
          text = text.slice(cut + 2);
          for (const w of [...waiters]) {
            if (event.includes(w.needle)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve();
            }
          }
        }
      });
    },
  );
  req.on('error', (err) => failed(err));
  return {
    ready: readyP,
    waitFor: (needle: string) => new Promise<void>((resolve) => waiters.push({ needle, resolve })),
    close: () => req.destroy(),
  };
}

// ---------------------------------------------------------------------------------- 4. memory

async function memory(
  env: Regions,
  a: Region,
  token: string,
  log: (l: string) => void,
): Promise<BenchResult[]> {
  // The harness' operator of this region, after the browser runs loaded the whole list.
  const harnessRss = a.operator ? rssOf(a.operator) : undefined;
  log(`memory: region ${a.name}'s operator after the browser runs: ${mb(harnessRss)} MB`);
  await a.operator?.stop('SIGTERM', 10_000);
  a.operator = undefined;

  const kubeconfig = await operatorKubeconfig(a.cp);
  const start = async (console: boolean, round: number) => {
    const health = await freePort();
    const inspectPort = await freePort();
    const args = operatorArgs(a, kubeconfig, health, env.allowedOrigins, {}).filter(
      (f) => console || !f.startsWith('--console-'),
    );
    const side = console ? 'on' : 'off';
    const proc = spawnManaged(
      `operator-${a.name}-${side}-${round}`,
      process.execPath,
      [`--inspect=127.0.0.1:${inspectPort}`, '--import', 'tsx', 'src/main.ts', ...args],
      { cwd: REPO_ROOT, logFile: `${a.operatorLog}.${side}.${round}` },
    );
    a.operator = proc;
    const deadline = Date.now() + 120_000;
    while (!(await ready(health))) {
      if (!proc.running()) throw new Error(`operator (console ${side}) exited: see ${a.operatorLog}`);
      if (Date.now() > deadline) throw new Error('operator not ready in 120 s');
      await sleep(200);
    }
    return { proc, readyAt: Date.now(), inspectPort };
  };
  // One fresh process: with the console on, a user loads the whole list, page by page, and keeps
  // the event stream open. RSS at a fixed age (median of 5 samples), then the live heap after two
  // full collections (what the process retains, without the allocator's slack).
  let loaded = 0;
  const measure = async (console: boolean, round: number) => {
    const { proc, readyAt, inspectPort } = await start(console, round);
    let stream: ReturnType<typeof openEvents> | undefined;
    try {
      if (console) {
        const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: a.consoleCa });
        let cont: string | undefined;
        loaded = 0;
        do {
          const url = `${a.consoleUrl}/api/v1/clusters?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
          const res = await get(agent, url, { Authorization: `Bearer ${token}` });
          if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
          const page = JSON.parse(res.body) as { items: unknown[]; continue?: string };
          loaded += page.items.length;
          cont = page.continue;
        } while (cont);
        agent.destroy();
        stream = openEvents(a, token);
        await stream.ready;
      }
      await sleep(Math.max(0, readyAt + MEMORY_AGE_MS - Date.now()));
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        samples.push(rssOf(proc) ?? NaN);
        await sleep(1000);
      }
      const rss = median(samples);
      const heap = await liveHeapBytes(inspectPort);
      log(
        `memory: round ${round}, console ${console ? 'on' : 'off'}: RSS ${mb(rss)} MB, live heap ${(heap / 1e6).toFixed(1)} MB`,
      );
      return { rss, heap };
    } finally {
      stream?.close();
      await proc.stop('SIGTERM', 10_000);
      a.operator = undefined;
    }
  };

  // Alternating fresh starts: one process per side moved by ~25 % between runs (page cache, GC
  // timing), more than the difference being measured.
  const off: { rss: number; heap: number }[] = [];
  const on: { rss: number; heap: number }[] = [];
  for (let round = 1; round <= MEMORY_ROUNDS; round++) {
    off.push(await measure(false, round));
    on.push(await measure(true, round));
  }
  const offRss = median(off.map((m) => m.rss));
  const onRss = median(on.map((m) => m.rss));
  const offHeap = median(off.map((m) => m.heap));
  const onHeap = median(on.map((m) => m.heap));
  log(
    `memory: fresh operators of ${a.name} (${PER_REGION} clusters), ${MEMORY_ROUNDS} alternating rounds, ` +
      `${MEMORY_AGE_MS / 1000}s after ready: console off ${mb(offRss)} MB RSS / ${(offHeap / 1e6).toFixed(1)} MB live heap, ` +
      `on ${mb(onRss)} MB / ${(onHeap / 1e6).toFixed(1)} MB after loading ${loaded} clusters with an event stream open`,
  );
  // On over off, in percent, with every sample behind the medians.
  const overOff = (
    what: 'rss' | 'heap',
    name: string,
    measured: string,
    extra: Record<string, unknown> = {},
  ) => {
    const [o, f] = [median(on.map((m) => m[what])), median(off.map((m) => m[what]))];
    const detail = { off: off.map((m) => m[what]), on: on.map((m) => m[what]), measured, ...extra };
    return figure(name, Math.round(((o - f) / f) * 1000) / 10, '%', { op: '<=', value: 10 }, detail);
  };
  return [
    figure('console.operator.rss.consoleOff.mb', mb(offRss), ' MB'),
    figure('console.operator.rss.consoleOn.mb', mb(onRss), ' MB'),
    overOff(
      'rss',
      'console.operator.rss.consoleOnOverOff.percent',
      `VmRSS in kB (median of 5 samples) ${MEMORY_AGE_MS / 1000}s after /readyz; ` +
        `median of ${MEMORY_ROUNDS} fresh starts per side, alternating`,
      { harnessOperatorAfterBrowserMb: mb(harnessRss) },
    ),
    overOff(
      'heap',
      'console.operator.liveHeap.consoleOnOverOff.percent',
      'live heap in bytes after two full collections (inspector), right after the RSS samples',
    ),
  ];
}

async function ready(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/** VmRSS (kB) of the node process a managed process runs (its pid is the parent-death guard's). */
function rssOf(proc: ManagedProcess): number | undefined {
  const pid = nodeChild(proc.pid);
  if (pid === undefined) return undefined;
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) : undefined;
}

function nodeChild(guard: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${guard}/task/${guard}/children`, 'utf8').trim().split(/\s+/);
    return children
      .map(Number)
      .find((pid) => pid > 0 && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node');
  } catch {
    return undefined;
  }
}

const mb = (kb: number | undefined) => (kb === undefined ? NaN : Math.round(kb / 102.4) / 10);

function mustRegion(env: Regions, i: number): Region {
  const r = env.regions[i];
  if (!r) throw new Error(`no region ${i}`);
  return r;
}
