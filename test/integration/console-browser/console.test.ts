/**
 * The console in a real headless Chromium against three real regions (each its own API server,
 * etcd and operator serving the console; a few hundred simulated clusters in two
 * ManagedClusterSets; Hive's API on one region). The page is opened from region A's console URL
 * and talks to all three regions from the browser, with ServiceAccount tokens of users whose RBAC
 * is explicit. What the page shows is compared with what each region's API server holds; what the
 * page writes is checked there too.
 *
 * The tests run in file order and share one page (the session of one user); users with fewer
 * rights get their own browser context. Region C is stopped near the end (the outage), and the
 * storage check runs after the whole session.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND } from '../../../src/api/agentrollout.js';
import type { KubeObject } from '../../../src/runtime/index.js';
import { REPO_ROOT } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { ARTIFACTS_DIR, launchBrowser, saveScreenshot, type LaunchedBrowser } from '../../harness/browser.js';
import {
  CLUSTERSET_LABEL,
  simulatedAvailability,
  simulatedCluster,
  postAsUser,
  startRegions,
  type ConsoleUser,
  type PolicyRule,
  type Region,
  type Regions,
} from '../../harness/regions.js';

const PER_REGION = [300, 250, 200];
const SETS = ['set-a', 'set-b'];
const HIVE_REGION = 1;
const OUTAGE_REGION = 2;
const ROLLOUT_NS = 'rollouts';
const VIEWPORT = { width: 1280, height: 800 };
const OCM = 'cluster.open-cluster-management.io';
const MC = `${OCM}/v1`;
const PLACEMENT = `${OCM}/v1beta1`;
const MAESTRO_GROUP = AGENT_ROLLOUT_API_VERSION.split('/')[0] ?? '';
const HIVE = 'hive.openshift.io/v1';
/** The pages whose screenshots docs/console.md shows (docs/images/console-<page>.png). */
const DOC_PAGES = ['regions', 'clusters', 'detail', 'rollouts', 'provision', 'downloads'] as const;
/** Unique per run, so finding one in browser storage can only mean the console stored it. */
const RUN = Date.now().toString(36);
const UI_LABEL_VALUE = `ui-${RUN}`;
const LIVE_LABEL_VALUE = `live-${RUN}`;
const IMPORT_TOKEN = `import-token-${RUN}`;

/** The console's day-to-day user: sees everything and may do every action. */
const FLEET_ADMIN: PolicyRule[] = [
  {
    apiGroups: [OCM],
    resources: ['managedclusters'],
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
  },
  { apiGroups: [OCM], resources: ['managedclustersets'], verbs: ['get', 'list'] },
  { apiGroups: [OCM], resources: ['placements'], verbs: ['get', 'list', 'create', 'delete'] },
  // The operator's admission policy: a rollout onto a Placement needs `bind` on the sets it spans.
  { apiGroups: [OCM], resources: ['managedclustersets/bind'], verbs: ['create'] },
  // ... and a klusterlet target `update` on KlusterletConfigs (docs/agentrollout.md).
  { apiGroups: ['config.open-cluster-management.io'], resources: ['klusterletconfigs'], verbs: ['update'] },
  {
    apiGroups: ['addon.open-cluster-management.io'],
    resources: ['managedclusteraddons'],
    verbs: ['get', 'list', 'create', 'delete'],
  },
  { apiGroups: ['work.open-cluster-management.io'], resources: ['manifestworks'], verbs: ['list'] },
  {
    apiGroups: [MAESTRO_GROUP],
    resources: ['agentrollouts'],
    verbs: ['get', 'list', 'watch', 'create', 'patch'],
  },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'create'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
  { apiGroups: [''], resources: ['events'], verbs: ['list'] },
  {
    apiGroups: ['hive.openshift.io'],
    resources: ['clusterdeployments', 'machinepools', 'clusterimagesets'],
    verbs: ['get', 'list', 'create', 'patch'],
  },
];
/** May get only ManagedClusterSet set-a: sees only its clusters. */
const SET_A_VIEWER: PolicyRule[] = [
  { apiGroups: [OCM], resources: ['managedclustersets'], resourceNames: ['set-a'], verbs: ['get'] },
];
/** Sees every cluster and may write Placements, but not create AgentRollouts. */
const NO_ROLLOUTS = {
  cluster: [{ apiGroups: [OCM], resources: ['managedclusters'], verbs: ['get', 'list', 'watch'] }],
  namespaces: {
    [ROLLOUT_NS]: [
      { apiGroups: [MAESTRO_GROUP], resources: ['agentrollouts'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [OCM], resources: ['placements'], verbs: ['get', 'list', 'create', 'delete'] },
    ],
  },
};

let env: Regions | undefined;
let launched: LaunchedBrowser | undefined;
const contexts: BrowserContext[] = [];
/** The main session: region A's console, the fleet admin signed in to every region. */
let page: Page;
const pageErrors: string[] = [];
const users: { admin: ConsoleUser[]; setA: ConsoleUser[]; noRollouts?: ConsoleUser } = {
  admin: [],
  setA: [],
};
const timings: Record<string, number> = {};

const regions = (): readonly Region[] => {
  if (!env) throw new Error('the regions did not start');
  return env.regions;
};
const started = (): Regions => {
  if (!env) throw new Error('the regions did not start');
  return env;
};
const region = (i: number): Region => {
  const r = regions()[i];
  if (!r) throw new Error(`no region ${i}`);
  return r;
};
const A = () => region(0);

beforeAll(async () => {
  const t0 = Date.now();
  env = await startRegions({ count: 3, clustersPerRegion: PER_REGION, sets: SETS, hiveOn: [HIVE_REGION] });
  timings.regionsMs = Date.now() - t0;
  const t1 = Date.now();
  [users.admin, users.setA] = await Promise.all([
    Promise.all(regions().map((r) => started().createUser(r, 'fleet-admin', FLEET_ADMIN))),
    Promise.all(regions().map((r) => started().createUser(r, 'set-a-viewer', SET_A_VIEWER))),
  ]);
  users.noRollouts = await env.createUser(0, 'no-rollouts', NO_ROLLOUTS);
  timings.usersMs = Date.now() - t1;
  const t2 = Date.now();
  launched = await launchBrowser({
    name: 'console-chromium',
    trustSpki: regions().map((r) => r.consoleSpki),
  });
  timings.browserMs = Date.now() - t2;
  page = await newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  console.log(`console-browser start-up: ${JSON.stringify(timings)}`);
}, 300_000);

afterAll(async () => {
  // Each step on its own: a failure of one must not leave the others running.
  for (const c of contexts) await c.close().catch(() => undefined);
  await launched?.close().catch(() => undefined);
  await env?.stop();
});

async function newPage(): Promise<Page> {
  if (!launched) throw new Error('the browser did not start');
  const context = await launched.browser.newContext({ viewport: VIEWPORT });
  contexts.push(context);
  return context.newPage();
}

// ------------------------------------------------------------------------------------- helpers

const byId = (p: Page, id: string): Locator => p.getByTestId(id);

async function textOf(locator: Locator): Promise<string> {
  return ((await locator.first().textContent({ timeout: 5_000 })) ?? '').trim();
}

/** Waits until the element's text is `expected` (the page updates on its own: no reload). */
async function expectText(locator: Locator, expected: string | number, timeout = 30_000): Promise<void> {
  await eventually(
    async () => {
      expect(await textOf(locator)).toBe(String(expected));
    },
    { timeout, message: `${locator.toString()} to read ${expected}` },
  );
}

async function goTo(p: Page, nav: 'regions' | 'clusters' | 'rollouts' | 'provision' | 'downloads') {
  await byId(p, `nav-${nav}`).click();
  await eventually(() => p.url().endsWith(`#/${nav}`), { message: `the ${nav} page` });
}

/**
 * Opens region A's console, adds `urls` (default: all three regions) and signs in to each with
 * the token of the same index (no token: that region stays signed out).
 */
async function signIn(p: Page, tokens: (string | undefined)[], urls = regions().map((r) => r.consoleUrl)) {
  await p.goto(`${A().consoleUrl}/`);
  await goTo(p, 'regions');
  for (const url of urls) {
    await byId(p, 'region-url-input').fill(url);
    await byId(p, 'region-add').click();
  }
  for (const [i] of urls.entries()) {
    // /info is public: every region shows as itself before sign-in.
    await expectText(byId(p, `region-status-${i}`), 'Signed out');
    const token = tokens[i];
    if (!token) continue;
    await byId(p, `region-token-${i}`).fill(token);
    await byId(p, `region-signin-${i}`).click();
  }
  for (const [i] of urls.entries()) {
    if (tokens[i]) await expectText(byId(p, `region-status-${i}`), 'Signed in', 60_000);
  }
}

/** The screenshot for the artifacts, and the record of which page it shows for the docs. */
const docShots = new Map<string, string>();
async function shot(p: Page, name: (typeof DOC_PAGES)[number]): Promise<void> {
  // Clicks scroll the page's main area; the docs show each page from its top.
  await p.evaluate(SCROLL_TO_TOP);
  docShots.set(name, await saveScreenshot(p, name, { fullPage: false }));
}

/**
 * Expects the count labels of the clusters page: one per region (each region's clusters that
 * match every filter but the region filter), and the total of the rows shown (default: the sum).
 */
async function expectCounts(p: Page, perRegion: number[], total?: number, timeout = 30_000): Promise<void> {
  await expectText(byId(p, 'cluster-count-total'), total ?? perRegion.reduce((a, b) => a + b, 0), timeout);
  for (const [i, n] of perRegion.entries())
    await expectText(byId(p, `cluster-count-${region(i).name}`), n, timeout);
}

/** The clusters page with no filters (the page keeps its filters while the tab lives). */
async function clustersUnfiltered(p: Page): Promise<void> {
  await goTo(p, 'clusters');
  await byId(p, 'filter-region').selectOption('All');
  await byId(p, 'filter-status').selectOption('All');
  await byId(p, 'filter-label').fill('');
  await byId(p, 'filter-name').fill('');
  await byId(p, 'filter-version').fill('');
  await byId(p, 'filter-transport').selectOption('All');
}

/** Waits for the action's success alert; an error alert instead fails at once with its text. */
async function expectSuccess(p: Page, contains: string): Promise<void> {
  await eventually(
    async () => {
      if ((await byId(p, 'action-error').count()) > 0)
        throw new Error(`action-error instead of success: ${await textOf(byId(p, 'action-error'))}`);
      expect(await textOf(byId(p, 'action-success'))).toContain(contains);
    },
    { message: `action-success naming ${contains}` },
  );
}

/** The i-th simulated cluster's labels in region r (what startRegions wrote). */
const labelsOf = (r: Region, i: number) => simulatedCluster(r, i, SETS).metadata.labels;

async function exists(r: Region, apiVersion: string, kind: string, name: string, namespace?: string) {
  return (await r.client.get({ apiVersion, kind, name, ...(namespace ? { namespace } : {}) })) !== undefined;
}

const SCROLL_TO_TOP = `document.querySelectorAll('main, [class*="page__main"]').forEach((e) => e.scrollTo(0, 0))`;

/** Everything the page's origin holds in Web Storage, IndexedDB and Cache Storage. */
const DUMP_STORAGE = `(async () => {
  const all = (s) => {
    const out = {};
    for (let i = 0; i < s.length; i++) out[s.key(i)] = s.getItem(s.key(i));
    return out;
  };
  return {
    local: all(localStorage),
    session: all(sessionStorage),
    idb: await indexedDB.databases(),
    caches: await caches.keys(),
  };
})()`;

/** Picks the rollout form's clusters: two clusters of set-a in region A. */
const PICKED = ['region-a-c00000', 'region-a-c00002'];

async function fillUpdateForm(p: Page, name: string): Promise<void> {
  await goTo(p, 'rollouts');
  if (!(await byId(p, 'update-submit').isVisible())) await byId(p, 'update-open').click();
  await byId(p, 'update-region').selectOption(A().name);
  await byId(p, 'update-namespace').fill(ROLLOUT_NS);
  await byId(p, 'update-name').fill(name);
  await byId(p, 'update-kind').selectOption('klusterlet');
  await byId(p, 'update-version').fill('2.17.0');
  await byId(p, 'update-clusters').fill(PICKED.join(', '));
}

// --------------------------------------------------------------------------------------- tests

describe('the console in a real browser against three regions', () => {
  it('adds the three regions, signs in to each and shows every cluster merged, with counts per region', async () => {
    await signIn(
      page,
      users.admin.map((u) => u.token),
    );
    for (const [i, r] of regions().entries()) {
      await expectText(byId(page, `region-name-${i}`), r.name);
      // What the harness created is what the hub holds.
      const held = await r.client.list(MC, 'ManagedCluster');
      expect(held.items).toHaveLength(PER_REGION[i] ?? -1);
      expect(r.clusters).toHaveLength(PER_REGION[i] ?? -1);
    }
    await shot(page, 'regions');

    await goTo(page, 'clusters');
    await expectCounts(page, PER_REGION);
    // Merged by name: the first row is region A's first cluster, and rows of every region render.
    await expect(byId(page, 'cluster-row').first().getAttribute('data-cluster')).resolves.toBe(
      `${A().name}/${A().name}-c00000`,
    );
    await byId(page, 'filter-name').fill('-c00001');
    await expectText(byId(page, 'cluster-count-total'), 3);
    for (const r of regions()) {
      await expect(page.locator(`[data-cluster="${r.name}/${r.name}-c00001"]`).count()).resolves.toBe(1);
    }
    await byId(page, 'filter-name').fill('');
    await expectCounts(page, PER_REGION);
    await shot(page, 'clusters');
  });

  it('filters by region, status and label, with the counts the hubs hold', async () => {
    await clustersUnfiltered(page);
    const b = region(1);
    const countWhere = (pred: (c: Region['clusters'][number], i: number, r: Region) => boolean) =>
      regions().map((r) => r.clusters.filter((c, i) => pred(c, i, r)).length);
    // The region filter narrows the rows (the total); the per-region counts stay the counts of
    // each region under the other filters (the app's design: they say where the matches are).
    await byId(page, 'filter-region').selectOption(b.name);
    await expectCounts(page, PER_REGION, b.clusters.length);
    await expect(byId(page, 'cluster-row').first().getAttribute('data-cluster')).resolves.toBe(
      `${b.name}/${b.name}-c00000`,
    );

    await byId(page, 'filter-status').selectOption('Unavailable');
    const unavailable = countWhere((c) => c.available === 'False');
    expect(unavailable.every((n) => n > 0)).toBe(true);
    await expectCounts(page, unavailable, unavailable[1]);

    await byId(page, 'filter-region').selectOption('All');
    await expectCounts(page, unavailable);
    await byId(page, 'filter-status').selectOption('Unknown');
    await expectCounts(
      page,
      countWhere((_, i) => simulatedAvailability(i) === 'Unknown'),
    );
    await byId(page, 'filter-status').selectOption('All');

    // A label selector, counted by each hub's API server with the same selector.
    await byId(page, 'filter-label').fill('environment=prod');
    const prod = await Promise.all(
      regions().map(
        async (r) =>
          (await r.client.list(MC, 'ManagedCluster', { labelSelector: 'environment=prod' })).items.length,
      ),
    );
    expect(prod.every((n) => n > 0)).toBe(true);
    expect(prod).toEqual(countWhere((_, i, r) => labelsOf(r, i).environment === 'prod'));
    await expectCounts(page, prod);

    // All three together.
    await byId(page, 'filter-region').selectOption(b.name);
    await byId(page, 'filter-status').selectOption('Unavailable');
    const prodUnavailable = countWhere(
      (c, i, r) => c.available === 'False' && labelsOf(r, i).environment === 'prod',
    );
    expect(prodUnavailable[1]).toBeGreaterThan(0);
    await expectCounts(page, prodUnavailable, prodUnavailable[1]);

    await byId(page, 'filter-label').fill(`${CLUSTERSET_LABEL}=set-b`);
    await byId(page, 'filter-status').selectOption('All');
    const setB = countWhere((c) => c.set === 'set-b');
    await expectCounts(page, setB, setB[1]);

    await clustersUnfiltered(page);
    await expectCounts(page, PER_REGION);
  });

  it('shows a user who may get only ManagedClusterSet set-a exactly its clusters in each region', async () => {
    const p = await newPage();
    await signIn(
      p,
      users.setA.map((u) => u.token),
    );
    await goTo(p, 'clusters');
    const setA = regions().map((r) => r.clusters.filter((c) => c.set === 'set-a').length);
    expect(setA).toEqual(PER_REGION.map((n) => n / 2));
    await expectCounts(p, setA);
    // c00000 is in set-a, c00001 in set-b.
    await byId(p, 'filter-name').fill(`${A().name}-c00001`);
    await expectText(byId(p, 'cluster-count-total'), 0);
    await byId(p, 'filter-name').fill(`${A().name}-c00000`);
    await expectText(byId(p, 'cluster-count-total'), 1);
    await p.context().close();
  });

  it('passes the API server’s 403 to a user without create agentrollouts, and creates nothing', async () => {
    const user = users.noRollouts;
    if (!user) throw new Error('no user');
    const p = await newPage();
    await signIn(p, [user.token], [A().consoleUrl]);
    await fillUpdateForm(p, 'denied-upgrade');
    await byId(p, 'update-submit').click();

    // What the API server itself says to this user for this create (a dry run writes nothing).
    const [group, version] = AGENT_ROLLOUT_API_VERSION.split('/');
    const direct = await postAsUser(
      A(),
      `/apis/${group}/${version}/namespaces/${ROLLOUT_NS}/agentrollouts?dryRun=All`,
      user.token,
      {
        apiVersion: AGENT_ROLLOUT_API_VERSION,
        kind: AGENT_ROLLOUT_KIND,
        metadata: { name: 'denied-upgrade', namespace: ROLLOUT_NS },
        spec: {},
      },
    );
    expect(direct.status).toBe(403);
    const forbidden = (JSON.parse(direct.body) as { message: string }).message;
    expect(forbidden).toContain('cannot create resource "agentrollouts"');

    await eventually(async () => expect(await textOf(byId(p, 'action-error'))).toContain(forbidden), {
      message: 'the 403 in action-error',
    });
    await expect(byId(p, 'action-success').count()).resolves.toBe(0);
    // Nothing written: neither the rollout nor the Placement of the picked clusters.
    const rollouts = await A().client.list(AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND, {
      namespace: ROLLOUT_NS,
    });
    expect(rollouts.items.map((o) => o.metadata.name)).toEqual([]);
    const placements = await A().client.list(PLACEMENT, 'Placement', { namespace: ROLLOUT_NS });
    expect(placements.items.map((o) => o.metadata.name)).toEqual([]);
    await p.context().close();
  });

  it('starts an upgrade over picked clusters whose row appears and follows the rollout live', async () => {
    await fillUpdateForm(page, 'klusterlet-2-17');
    await byId(page, 'update-submit').click();
    await expectSuccess(page, 'klusterlet-2-17');
    const ref = { apiVersion: AGENT_ROLLOUT_API_VERSION, kind: AGENT_ROLLOUT_KIND, namespace: ROLLOUT_NS };
    type Rollout = KubeObject & {
      spec: { placementRef: { name: string }; paused?: boolean; target: unknown };
      status?: { phase?: string };
    };
    const created = await A().client.get<Rollout>({ ...ref, name: 'klusterlet-2-17' });
    expect(created?.spec.placementRef.name).toBe('klusterlet-2-17');
    expect(created?.spec.target).toMatchObject({ klusterlet: { version: '2.17.0' } });
    const placement = (await A().client.get({
      apiVersion: PLACEMENT,
      kind: 'Placement',
      namespace: ROLLOUT_NS,
      name: 'klusterlet-2-17',
    })) as (KubeObject & { spec: unknown }) | undefined;
    expect(JSON.stringify(placement?.spec)).toContain(JSON.stringify([...PICKED].sort()));

    // The row appears without a reload, and shows the phase the region's controller wrote.
    const row = page.locator(
      `[data-testid="rollout-row"][data-rollout="${A().name}/${ROLLOUT_NS}/klusterlet-2-17"]`,
    );
    await eventually(async () => expect(await row.count()).toBe(1), { message: 'the rollout row' });
    const phase = async () =>
      (await A().client.get<Rollout>({ ...ref, name: 'klusterlet-2-17' }))?.status?.phase;
    const reconciled = await eventually(phase, {
      timeout: 30_000,
      message: 'the controller to write a phase',
    });
    await eventually(
      async () => {
        const now = await phase();
        expect(await textOf(row.getByTestId('rollout-phase'))).toBe(now);
      },
      { timeout: 30_000, message: `the row to show phase ${reconciled}` },
    );
    await byId(page, 'update-open').click();
    await eventually(async () => (await byId(page, 'update-submit').count()) === 0, {
      message: 'the form closed',
    });
    await shot(page, 'rollouts');

    // Pause from the page: the spec changes on the hub, and the row follows the controller.
    await row.getByTestId('rollout-pause').click();
    await eventually(
      async () => (await A().client.get<Rollout>({ ...ref, name: 'klusterlet-2-17' }))?.spec.paused === true,
      {
        message: 'spec.paused on the hub',
      },
    );
    await eventually(
      async () => {
        expect(await textOf(row)).toMatch(/paused/i);
        expect(await textOf(row.getByTestId('rollout-phase'))).toBe(await phase());
      },
      { timeout: 30_000, message: 'the row to show the pause' },
    );
  });

  it('imports a cluster: the ManagedCluster and its auto-import-secret exist, and the list grows live', async () => {
    await goTo(page, 'provision');
    await byId(page, 'import-region').selectOption(A().name);
    await byId(page, 'import-name').fill('imported-one');
    await byId(page, 'import-clusterset').fill('set-a');
    await byId(page, 'import-server').fill('https://api.imported-one.example.com:6443');
    await byId(page, 'import-token').fill(IMPORT_TOKEN);
    await byId(page, 'import-submit').click();
    await expectSuccess(page, 'imported-one');
    const mc = (await A().client.get({ apiVersion: MC, kind: 'ManagedCluster', name: 'imported-one' })) as
      (KubeObject & { spec: { hubAcceptsClient?: boolean } }) | undefined;
    expect(mc?.metadata.labels).toMatchObject({ name: 'imported-one', [CLUSTERSET_LABEL]: 'set-a' });
    expect(mc?.spec.hubAcceptsClient).toBe(true);
    const secret = (await A().client.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'imported-one',
      name: 'auto-import-secret',
    })) as (KubeObject & { data: Record<string, string> }) | undefined;
    const decoded = Object.fromEntries(
      Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    expect(decoded).toMatchObject({
      server: 'https://api.imported-one.example.com:6443',
      token: IMPORT_TOKEN,
    });

    await clustersUnfiltered(page);
    await expectCounts(page, [(PER_REGION[0] ?? 0) + 1, PER_REGION[1] ?? 0, PER_REGION[2] ?? 0]);
  });

  it('creates a Hive ClusterDeployment on the Hive region and scales its MachinePool', async () => {
    const hive = region(HIVE_REGION);
    await goTo(page, 'provision');
    await byId(page, 'create-region').selectOption(hive.name);
    await byId(page, 'create-name').fill('hive-one');
    await byId(page, 'create-basedomain').fill('example.com');
    await byId(page, 'create-imageset').fill('img4.18.3-x86-64-appsub');
    await byId(page, 'create-pullsecret').fill('pull-secret');
    await byId(page, 'create-credentials').fill('aws-credentials');
    await byId(page, 'create-platform-region').fill('us-east-1');
    await byId(page, 'create-installconfig').fill(
      [
        'apiVersion: v1',
        'metadata:',
        '  name: hive-one',
        'baseDomain: example.com',
        'platform:',
        '  aws:',
        '    region: us-east-1',
        '',
      ].join('\n'),
    );
    await byId(page, 'create-workers').fill('3');
    await byId(page, 'create-submit').click();
    await expectSuccess(page, 'hive-one');
    type Deployment = KubeObject & {
      spec: {
        baseDomain: string;
        provisioning: { imageSetRef: { name: string }; installConfigSecretRef: { name: string } };
      };
    };
    const cd = await hive.client.get<Deployment>({
      apiVersion: HIVE,
      kind: 'ClusterDeployment',
      namespace: 'hive-one',
      name: 'hive-one',
    });
    expect(cd?.spec.baseDomain).toBe('example.com');
    expect(cd?.spec.provisioning.imageSetRef.name).toBe('img4.18.3-x86-64-appsub');
    const installConfig = cd?.spec.provisioning.installConfigSecretRef.name ?? '';
    expect(await exists(hive, 'v1', 'Secret', installConfig, 'hive-one')).toBe(true);
    type Pool = KubeObject & { spec: { replicas: number } };
    const pool = await hive.client.get<Pool>({
      apiVersion: HIVE,
      kind: 'MachinePool',
      namespace: 'hive-one',
      name: 'hive-one-worker',
    });
    expect(pool?.spec.replicas).toBe(3);

    await byId(page, 'machinepool-refresh').click();
    const row = page.locator(
      `[data-testid="machinepool-row"][data-machinepool="${hive.name}/hive-one/hive-one-worker"]`,
    );
    await expectText(row.getByTestId('machinepool-replicas'), 3);
    await row.getByTestId('machinepool-replicas-input').fill('5');
    await row.getByTestId('machinepool-scale').click();
    await eventually(
      async () =>
        (
          await hive.client.get<Pool>({
            apiVersion: HIVE,
            kind: 'MachinePool',
            namespace: 'hive-one',
            name: 'hive-one-worker',
          })
        )?.spec.replicas === 5,
      { message: 'spec.replicas 5 on the hub' },
    );
    await expectText(row.getByTestId('machinepool-replicas'), 5);
    await shot(page, 'provision');
  });

  it('edits a label and enables then disables an add-on from the detail page, and shows a label changed through the kube API without reload', async () => {
    const name = `${A().name}-c00003`;
    await clustersUnfiltered(page);
    await byId(page, 'filter-name').fill(name);
    await expectText(byId(page, 'cluster-count-total'), 1);
    await page.locator(`[data-cluster="${A().name}/${name}"]`).getByTestId('cluster-link').click();
    await expectText(byId(page, 'cluster-detail-name'), name);
    const urlBefore = page.url();

    await byId(page, 'label-edit').click();
    await byId(page, 'label-key-input').fill('console-test');
    await byId(page, 'label-value-input').fill(UI_LABEL_VALUE);
    await byId(page, 'label-save').click();
    const labels = async () =>
      (await A().client.get({ apiVersion: MC, kind: 'ManagedCluster', name }))?.metadata.labels ?? {};
    await eventually(async () => (await labels())['console-test'] === UI_LABEL_VALUE, {
      message: 'the label written on the hub',
    });

    // Change a label behind the page's back: the page shows it on its own.
    let navigations = 0;
    const counter = (f: Frame) => {
      if (f === page.mainFrame()) navigations++;
    };
    page.on('framenavigated', counter);
    await A().client.patch(
      { apiVersion: MC, kind: 'ManagedCluster', name },
      { metadata: { labels: { 'live-check': LIVE_LABEL_VALUE } } },
      'merge',
    );
    await expectText(byId(page, 'label-live-check'), `live-check=${LIVE_LABEL_VALUE}`, 10_000);
    await expectText(byId(page, 'label-console-test'), `console-test=${UI_LABEL_VALUE}`);
    page.off('framenavigated', counter);
    expect(navigations).toBe(0);
    expect(page.url()).toBe(urlBefore);

    // Enable an add-on from the page, then disable it: the ManagedClusterAddOn comes and goes.
    const addOnRef = {
      apiVersion: 'addon.open-cluster-management.io/v1alpha1',
      kind: 'ManagedClusterAddOn',
      namespace: name,
      name: 'console-test-addon',
    };
    const addOnExists = async () => (await A().client.get(addOnRef)) !== undefined;
    await byId(page, 'addon-name-input').fill(addOnRef.name);
    await byId(page, 'addon-enable').click();
    await expectSuccess(page, `wrote ManagedClusterAddOn ${name}/${addOnRef.name}`);
    await eventually(addOnExists, { message: 'the ManagedClusterAddOn created on the hub' });
    const addOnRow = page.locator(`[data-testid="addon-row"][data-addon="${addOnRef.name}"]`);
    await eventually(async () => (await addOnRow.count()) === 1, { message: 'the add-on row on the page' });
    await byId(page, `addon-disable-${addOnRef.name}`).click();
    await expectSuccess(page, `deleted ManagedClusterAddOn ${name}/${addOnRef.name}`);
    await eventually(async () => !(await addOnExists()), { message: 'the ManagedClusterAddOn deleted' });
    await eventually(async () => (await addOnRow.count()) === 0, { message: 'the add-on row gone' });
    await shot(page, 'detail');
  });

  it('shows the downloads page', async () => {
    await goTo(page, 'downloads');
    await expect(byId(page, 'download-plugin').count()).resolves.toBe(1);
    await shot(page, 'downloads');
  });

  it('shows a stopped region as unreachable while the other regions’ clusters stay', async () => {
    const down = region(OUTAGE_REGION);
    await clustersUnfiltered(page);
    await started().stopRegion(OUTAGE_REGION);
    await eventually(async () => expect(await byId(page, `region-error-${down.name}`).count()).toBe(1), {
      timeout: 60_000,
      message: `region-error-${down.name}`,
    });
    expect(await textOf(byId(page, `region-error-${down.name}`))).toContain('Unreachable');
    for (const [i, r] of regions().entries()) {
      if (i === OUTAGE_REGION) continue;
      await expectText(byId(page, `cluster-count-${r.name}`), (PER_REGION[i] ?? 0) + (i === 0 ? 1 : 0));
      await expect(byId(page, 'region-error-' + r.name).count()).resolves.toBe(0);
    }
    await byId(page, 'filter-name').fill('-c00001');
    for (const [i, r] of regions().entries()) {
      if (i === OUTAGE_REGION) continue;
      await expect(page.locator(`[data-cluster="${r.name}/${r.name}-c00001"]`).count()).resolves.toBe(1);
    }
    await byId(page, 'filter-name').fill('');
    await goTo(page, 'regions');
    await expectText(byId(page, `region-status-${OUTAGE_REGION}`), 'Unreachable');
    await expectText(byId(page, 'region-status-0'), 'Signed in');
    await expectText(byId(page, `region-status-${HIVE_REGION}`), 'Signed in');
  });

  it('leaves no cluster name, label value or token in any browser storage: only the region URLs', async () => {
    type Dump = {
      local: Record<string, string>;
      session: Record<string, string>;
      idb: unknown[];
      caches: string[];
    };
    // Runs in the page (this project's TypeScript has no DOM types: the script is a string).
    const dump = (p: Page): Promise<Dump> => p.evaluate(DUMP_STORAGE) as Promise<Dump>;
    // Tokens are replaced by the user's name before any assertion, so a failure never prints one.
    const allUsers = [...users.admin, ...users.setA, ...(users.noRollouts ? [users.noRollouts] : [])];
    const secrets: [string, string][] = [
      ...allUsers.map((u): [string, string] => [u.token, `<token of ${u.username}>`]),
      [IMPORT_TOKEN, '<the imported cluster token>'],
    ];
    const redacted = <T>(value: T): T => {
      let text = JSON.stringify(value);
      for (const [secret, name] of secrets) text = text.split(secret).join(name);
      return JSON.parse(text) as T;
    };
    const main = redacted(await dump(page));
    const cookies = redacted(await page.context().cookies());
    expect(main.local).toEqual({ 'mce-console.regions': JSON.stringify(regions().map((r) => r.consoleUrl)) });
    expect(main.session).toEqual({});
    expect(main.idb).toEqual([]);
    expect(main.caches).toEqual([]);
    expect(cookies).toEqual([]);

    // The other running region's origin (same browser session) holds nothing either.
    const other = await page.context().newPage();
    await other.goto(`${region(HIVE_REGION).consoleUrl}/`);
    const elsewhere = redacted(await dump(other));
    expect(elsewhere).toEqual({ local: {}, session: {}, idb: [], caches: [] });
    await other.close();

    // And no cluster name, label value or secret anywhere in what was stored.
    const stored = JSON.stringify([main, elsewhere, cookies]);
    const forbidden = [
      ...secrets.map(([, name]) => name),
      UI_LABEL_VALUE,
      LIVE_LABEL_VALUE,
      'imported-one',
      'hive-one',
      ...regions().flatMap((r) => r.clusters.map((c) => c.name)),
      ...regions().flatMap((r) =>
        r.clusters.flatMap((_, i) =>
          Object.entries(labelsOf(r, i))
            .filter(([k]) => k !== 'name')
            .map(([, v]) => v),
        ),
      ),
    ];
    const found = [...new Set(forbidden)].filter((s) => stored.includes(s));
    expect(found).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  // The screenshots are test artifacts (test-artifacts/console/); UPDATE_DOC_SCREENSHOTS=1 also
  // copies them over docs/images, so an ordinary run never changes committed files.
  it('writes a screenshot of each page the docs show', () => {
    const missing = DOC_PAGES.filter((p) => !docShots.has(p));
    expect(missing).toEqual([]);
    const dir = join(REPO_ROOT, 'docs', 'images');
    if (process.env.UPDATE_DOC_SCREENSHOTS === '1') mkdirSync(dir, { recursive: true });
    for (const name of DOC_PAGES) {
      const from = docShots.get(name) ?? join(ARTIFACTS_DIR, `${name}.png`);
      expect(readFileSync(from).subarray(1, 4).toString('latin1')).toBe('PNG');
      if (process.env.UPDATE_DOC_SCREENSHOTS !== '1') continue;
      const to = join(dir, `console-${name}.png`);
      copyFileSync(from, to);
      expect(existsSync(to)).toBe(true);
    }
  });
});
