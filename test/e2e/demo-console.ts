/**
 * `make demo DEMO_ARGS=--console`: the regional console. Three local regions of one geography,
 * each a hub of its own (kube-apiserver + etcd, a few hundred simulated ManagedClusters in two
 * ManagedClusterSets, the operator serving the console over HTTPS), and a user per region who may
 * list clusters and start rollouts.
 *
 * The first region's clusters are a simulated fleet (test/harness/fleet: placement controller,
 * import controller and agents played by the demo), so an upgrade started from the page progresses;
 * the other regions' clusters are ManagedCluster objects only.
 *
 * Interactive: prints each region's console URL and the user's token, and waits for Ctrl-C.
 * `--headless`: drives the console in headless Chromium through the merged list (counts per region),
 * a live upgrade (an AgentRollout created through the page's update form, its phase as the page
 * shows it) and a region outage (one region stopped: what the page shows for it, and that the other
 * regions' counts stay), then stops everything; exits 0 when every step ended as expected.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND } from '../../src/api/agentrollout.js';
import type { KubeObject } from '../../src/runtime/index.js';
import { launchBrowser, saveScreenshot, type LaunchedBrowser } from '../harness/browser.js';
import { sleep } from '../harness/eventually.js';
import { startFleet, type Fleet } from '../harness/fleet/index.js';
import {
  CLUSTERSET_LABEL,
  startRegions,
  type PolicyRule,
  type Region,
  type Regions,
} from '../harness/regions.js';
import { DemoScreen } from './demo-screen.js';
import { hubImages, type StepResult } from './demo-steps.js';

const headless = process.argv.includes('--headless');
const PER_REGION = (process.env.DEMO_CONSOLE_CLUSTERS ?? '300,250,200').split(',').map(Number);
const NAMES = ['eu-west', 'eu-central', 'eu-north'];
const GEOGRAPHY = 'europe';
const SETS = ['set-a', 'set-b'];
const NS = 'demo';
const ROLLOUT = 'klusterlet-2-17-1';
const OUTAGE = 2;
const OCM = 'cluster.open-cluster-management.io';
const MAESTRO_GROUP = AGENT_ROLLOUT_API_VERSION.split('/')[0] ?? '';

/** Sees every cluster, and may start an update over picked clusters (AgentRollout + Placement). */
const CONSOLE_USER: PolicyRule[] = [
  { apiGroups: [OCM], resources: ['managedclusters'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [OCM], resources: ['managedclustersets'], verbs: ['get', 'list'] },
  { apiGroups: [OCM], resources: ['placements'], verbs: ['get', 'list', 'create'] },
  // The operator's admission policy: a rollout onto a Placement needs `bind` on its sets, and a
  // klusterlet target `update` on KlusterletConfigs (docs/agentrollout.md).
  { apiGroups: [OCM], resources: ['managedclustersets/bind'], verbs: ['create'] },
  { apiGroups: ['config.open-cluster-management.io'], resources: ['klusterletconfigs'], verbs: ['update'] },
  {
    apiGroups: [MAESTRO_GROUP],
    resources: ['agentrollouts'],
    verbs: ['get', 'list', 'watch', 'create', 'patch'],
  },
  {
    apiGroups: ['addon.open-cluster-management.io'],
    resources: ['managedclusteraddons'],
    verbs: ['get', 'list'],
  },
  { apiGroups: [''], resources: ['events'], verbs: ['list'] },
];

const screen = new DemoScreen(headless);
const results: StepResult[] = [];
const started = Date.now();
let env: Regions | undefined;
let launched: LaunchedBrowser | undefined;
let fleet: Fleet | undefined;
let exitCode = 1;
/** Clusters per region as the hubs hold them (the first region's are the fleet's). */
const held = new Map<string, number>();

try {
  screen.say(
    `Starting 3 regions of geography ${GEOGRAPHY} (${NAMES.join(', ')}): each a kube-apiserver + etcd with ` +
      `${PER_REGION.join(' / ')} simulated clusters and the operator serving the console…`,
  );
  env = await startRegions({
    count: NAMES.length,
    names: NAMES,
    geography: GEOGRAPHY,
    clustersPerRegion: [0, ...PER_REGION.slice(1)],
    sets: SETS,
  });
  const regions = env.regions;
  const first = regions[0] as Region;
  // The hub's MCE is at 2.17.1 and its clusters' klusterlets at 2.17.0: the upgrade is allowed.
  fleet = await startFleet({
    kubeConfig: first.cp.kubeConfig(),
    clusters: PER_REGION[0] ?? 300,
    namePrefix: `${first.name}-c`,
    labels: (i) => ({ [CLUSTERSET_LABEL]: SETS[i % SETS.length] ?? 'set-a' }),
    hub: { version: '2.17.1', images: hubImages('2.17.0') },
    agents: { delayMs: [300, 1500], seed: 2026 },
  });
  await fleet.bindNamespace(NS, SETS);
  const tokens: string[] = [];
  for (const r of regions) {
    tokens.push((await env.createUser(r, 'console-user', CONSOLE_USER)).token);
    if (r !== first) await prepareRolloutNamespace(r);
    held.set(r.name, r === first ? fleet.names.length : r.clusters.length);
  }
  screen.say(`Regions ready in ${Math.round((Date.now() - started) / 1000)}s.\n`);
  for (const [i, r] of regions.entries()) {
    const ca = join(r.cp.dir, 'console-ca.crt');
    writeFileSync(ca, r.consoleCa);
    screen.say(`${r.name}: ${r.consoleUrl}/  (${held.get(r.name)} clusters; CA ${ca})`);
    screen.say(`  token of system:serviceaccount:console-users:console-user: ${tokens[i] ?? ''}`);
  }
  screen.say(
    `\nOpen ${regions[0]?.consoleUrl ?? ''}/ , add the three URLs on the Regions page and sign in to each with its token.` +
      `\nThe certificates come from local CAs (above); Chromium accepts them with ` +
      `--ignore-certificate-errors-spki-list=${regions.map((r) => r.consoleSpki).join(',')}`,
  );

  if (!headless) {
    screen.say('\nPress Ctrl-C to stop the regions.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    screen.say('Stopping…');
    exitCode = 0;
  } else {
    launched = await launchBrowser({ name: 'demo-chromium', trustSpki: regions.map((r) => r.consoleSpki) });
    const context = await launched.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    results.push(await mergedList(page, regions, tokens));
    results.push(await liveUpgrade(page, regions));
    results.push(await outage(page, env));
    if (errors.length > 0) screen.say(`page errors: ${errors.join('; ')}`);
    exitCode = results.every((r) => r.ok) && errors.length === 0 ? 0 : 1;
  }
} catch (err) {
  screen.say(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  await launched?.close().catch(() => undefined);
  await fleet?.stop().catch(() => undefined);
  await env?.stop();
}
if (headless) screen.summary(results, Date.now() - started, exitCode === 0);
process.exit(exitCode);

// ------------------------------------------------------------------------------------ steps

// A declaration, not a const: the steps above run before this part of the module is evaluated.
function byId(p: Page, id: string): Locator {
  return p.getByTestId(id);
}

async function text(l: Locator): Promise<string> {
  return ((await l.first().textContent({ timeout: 5_000 })) ?? '').trim();
}

/** An alert as a reader sees it: its lines (title, then message) joined, without the screen-reader prefix. */
async function alertText(l: Locator): Promise<string> {
  const lines = (await l.first().innerText({ timeout: 5_000 })).split('\n').map((x) => x.trim());
  return lines
    .map((x) => x.replace(/^(Success|Danger|Warning|Info|Custom) alert:\s*/, ''))
    .filter(Boolean)
    .join(' — ');
}

/** Waits until `read` returns `want` (polling the page); returns the last value read. */
async function until(read: () => Promise<string>, want: (v: string) => boolean, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    last = await read().catch(() => '');
    if (want(last) || Date.now() > deadline) return last;
    await sleep(200);
  }
}

async function goTo(p: Page, page: 'regions' | 'clusters' | 'rollouts'): Promise<void> {
  await byId(p, `nav-${page}`).click();
  await until(
    async () => p.url(),
    (u) => u.endsWith(`#/${page}`),
    10_000,
  );
}

async function countsOf(p: Page, regions: readonly Region[]): Promise<Record<string, string>> {
  const out: Record<string, string> = { total: await text(byId(p, 'cluster-count-total')) };
  for (const r of regions) out[r.name] = await text(byId(p, `cluster-count-${r.name}`));
  return out;
}

async function mergedList(p: Page, regions: readonly Region[], tokens: string[]): Promise<StepResult> {
  screen.step('1. Add the three regions, sign in to each, see every cluster merged');
  const t0 = Date.now();
  await p.goto(`${regions[0]?.consoleUrl ?? ''}/`);
  await goTo(p, 'regions');
  for (const r of regions) {
    await byId(p, 'region-url-input').fill(r.consoleUrl);
    await byId(p, 'region-add').click();
  }
  for (const [i] of regions.entries()) {
    await until(
      () => text(byId(p, `region-status-${i}`)),
      (s) => s === 'Signed out',
      30_000,
    );
    await byId(p, `region-token-${i}`).fill(tokens[i] ?? '');
    await byId(p, `region-signin-${i}`).click();
  }
  const statuses: string[] = [];
  for (const [i, r] of regions.entries()) {
    const s = await until(
      () => text(byId(p, `region-status-${i}`)),
      (v) => v === 'Signed in',
    );
    statuses.push(s);
    screen.say(`   ${r.name}: ${s}`);
  }
  await goTo(p, 'clusters');
  const expected = regions.reduce((n, r) => n + (held.get(r.name) ?? 0), 0);
  await until(
    () => text(byId(p, 'cluster-count-total')),
    (v) => v === String(expected),
  );
  const counts = await countsOf(p, regions);
  for (const r of regions)
    screen.say(`   ${r.name}: ${counts[r.name]} clusters (the hub holds ${held.get(r.name)})`);
  screen.say(`   total: ${counts.total}`);
  const first = await byId(p, 'cluster-row').first().getAttribute('data-cluster');
  screen.say(`   first row: ${first ?? '(none)'}`);
  await saveScreenshot(p, 'demo/clusters', { fullPage: false });
  const ok =
    statuses.every((s) => s === 'Signed in') &&
    counts.total === String(expected) &&
    regions.every((r) => counts[r.name] === String(held.get(r.name)));
  return {
    name: 'merged list',
    ok,
    phase: ok ? 'Shown' : 'Wrong',
    detail: `${counts.total} clusters: ${regions.map((r) => `${r.name} ${counts[r.name]}`).join(', ')}`,
    ms: Date.now() - t0,
  };
}

async function liveUpgrade(p: Page, regions: readonly Region[]): Promise<StepResult> {
  const r = regions[0] as Region;
  const picked = (fleet?.names ?? []).slice(0, 4);
  screen.step(
    `2. Upgrade the klusterlet 2.17.0 → 2.17.1 on ${picked.length} clusters of ${r.name} (${picked.join(', ')}), from the update form`,
  );
  const t0 = Date.now();
  await goTo(p, 'rollouts');
  if (!(await byId(p, 'update-submit').isVisible())) await byId(p, 'update-open').click();
  await byId(p, 'update-region').selectOption(r.name);
  await byId(p, 'update-namespace').fill(NS);
  await byId(p, 'update-name').fill(ROLLOUT);
  await byId(p, 'update-kind').selectOption('klusterlet');
  await byId(p, 'update-version').fill('2.17.1');
  await byId(p, 'update-clusters').fill(picked.join(', '));
  await byId(p, 'update-submit').click();
  const outcome = await until(
    async () =>
      (await byId(p, 'action-error').count()) > 0
        ? `error: ${await alertText(byId(p, 'action-error'))}`
        : (await byId(p, 'action-success').count()) > 0
          ? `success: ${await alertText(byId(p, 'action-success'))}`
          : '',
    (v) => v !== '',
    30_000,
  );
  screen.say(`   the page says ${outcome || '(nothing)'}`);
  const row = p.locator(`[data-testid="rollout-row"][data-rollout="${r.name}/${NS}/${ROLLOUT}"]`);
  // The phase as the page shows it, live (server-sent events), for a while; the hub's beside it.
  const seen: string[] = [];
  const watchUntil = Date.now() + 90_000;
  let last = '';
  let hubPhase: string | undefined;
  while (Date.now() < watchUntil) {
    const shown =
      (await row.count()) > 0
        ? `${await text(row.getByTestId('rollout-phase'))}, ${await text(row.getByTestId('rollout-succeeded'))}/${await text(row.getByTestId('rollout-total'))} succeeded`
        : '(no row yet)';
    hubPhase = (
      await r.client.get<KubeObject & { status?: { phase?: string } }>({
        apiVersion: AGENT_ROLLOUT_API_VERSION,
        kind: AGENT_ROLLOUT_KIND,
        namespace: NS,
        name: ROLLOUT,
      })
    )?.status?.phase;
    if (shown !== last) {
      screen.say(
        `   +${Math.round((Date.now() - t0) / 100) / 10}s the page shows: ${shown} (hub: ${hubPhase ?? '-'})`,
      );
      seen.push(shown);
      last = shown;
    }
    if (/^(Succeeded|Failed|RolledBack)/.test(shown)) break;
    await sleep(500);
  }
  await saveScreenshot(p, 'demo/rollouts', { fullPage: false });
  const shownPhase = last.split(',')[0] ?? '';
  const ok = outcome.startsWith('success') && shownPhase === 'Succeeded' && hubPhase === 'Succeeded';
  return {
    name: 'live upgrade',
    ok,
    phase: shownPhase || 'none',
    detail: `AgentRollout ${NS}/${ROLLOUT} in ${r.name}; the page showed ${seen.join(' → ') || 'nothing'}`,
    ms: Date.now() - t0,
  };
}

async function outage(p: Page, started: Regions): Promise<StepResult> {
  const regions = started.regions;
  const down = regions[OUTAGE] as Region;
  screen.step(`3. Outage: stop ${down.name} (its API server, etcd and operator)`);
  await goTo(p, 'clusters');
  const before = await countsOf(p, regions);
  const t0 = Date.now();
  await started.stopRegion(OUTAGE);
  const alert = byId(p, `region-error-${down.name}`);
  const shown = await until(
    async () => ((await alert.count()) > 0 ? alertText(alert) : ''),
    (v) => v !== '',
    60_000,
  );
  const ms = Date.now() - t0;
  screen.say(`   +${Math.round(ms / 100) / 10}s the page shows for ${down.name}: ${shown || '(nothing)'}`);
  const after = await countsOf(p, regions);
  let unchanged = true;
  for (const r of regions) {
    if (r.index === OUTAGE) continue;
    const same = before[r.name] === after[r.name];
    unchanged &&= same;
    screen.say(
      `   ${r.name}: ${after[r.name]} clusters (before: ${before[r.name]})${same ? ', unchanged' : ''}`,
    );
  }
  screen.say(`   ${down.name}: count ${after[down.name]}, total ${after.total}`);
  await saveScreenshot(p, 'demo/outage', { fullPage: false });
  await goTo(p, 'regions');
  const status = await until(
    () => text(byId(p, `region-status-${OUTAGE}`)),
    (v) => v === 'Unreachable',
    30_000,
  );
  screen.say(`   Regions page: ${down.name} ${status}`);
  const ok = shown.includes('Unreachable') && unchanged;
  return {
    name: 'region outage',
    ok,
    phase: status,
    detail: `${down.name}: "${shown}"; ${regions
      .filter((r) => r.index !== OUTAGE)
      .map((r) => `${r.name} ${after[r.name]}`)
      .join(', ')} unchanged`,
    ms: Date.now() - t0,
  };
}

/** The namespace the demo's rollouts live in, bound to both cluster sets (Placements select there). */
async function prepareRolloutNamespace(r: Region): Promise<void> {
  await r.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } as KubeObject);
  for (const set of SETS) {
    await r.client.create({
      apiVersion: `${OCM}/v1beta2`,
      kind: 'ManagedClusterSetBinding',
      metadata: { name: set, namespace: NS },
      spec: { clusterSet: set },
    } as KubeObject);
  }
}
