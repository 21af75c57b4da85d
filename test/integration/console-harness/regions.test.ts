/**
 * The console tests' harness itself: three regions (own API server, etcd, CRDs, simulated
 * clusters in two ManagedClusterSets, the operator with the console flags), Hive's generated CRDs
 * served only where asked, users with explicit RBAC and real tokens, an outage of one region, and
 * a real headless Chromium driven by playwright-core.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../src/runtime/index.js';
import { launchBrowser, saveScreenshot, spkiHash } from '../../harness/browser.js';
import { tcpOpen } from '../../harness/ports.js';
import {
  CLUSTERSET_LABEL,
  simulatedAvailability,
  postAsUser,
  startRegions,
  type Region,
  type Regions,
} from '../../harness/regions.js';

const PER_REGION = 200;
const HIVE_REGION = 1;
let env: Regions;

beforeAll(async () => {
  env = await startRegions({
    count: 3,
    clustersPerRegion: PER_REGION,
    sets: ['set-a', 'set-b'],
    hiveOn: [HIVE_REGION],
  });
}, 300_000);

afterAll(async () => {
  await env?.stop();
});

/** Lists through the region's admin client, with a label selector. */
async function clusters(region: Region, labelSelector?: string): Promise<KubeObject[]> {
  return (
    await region.client.list('cluster.open-cluster-management.io/v1', 'ManagedCluster', { labelSelector })
  ).items;
}

describe('regions', () => {
  it('runs one API server per region, each holding its own simulated fleet split over two sets', async () => {
    expect(env.regions.map((r) => r.name)).toEqual(['region-a', 'region-b', 'region-c']);
    expect(new Set(env.regions.map((r) => r.cp.server)).size).toBe(3);
    for (const region of env.regions) {
      const all = await clusters(region);
      expect(all).toHaveLength(PER_REGION);
      expect(all.every((c) => c.metadata.name?.startsWith(`${region.name}-c`))).toBe(true);
      expect(await clusters(region, `${CLUSTERSET_LABEL}=set-a`)).toHaveLength(PER_REGION / 2);
      expect(await clusters(region, `${CLUSTERSET_LABEL}=set-b`)).toHaveLength(PER_REGION / 2);
      const sets = (
        await region.client.list('cluster.open-cluster-management.io/v1beta2', 'ManagedClusterSet')
      ).items;
      expect(sets.map((s) => s.metadata.name).sort()).toEqual(['set-a', 'set-b']);
      expect(region.clusters).toHaveLength(PER_REGION);
    }
  });

  it('writes each cluster status through the status subresource, with a mix of availability', async () => {
    const region = env.regions[0] as Region;
    const byName = new Map((await clusters(region)).map((c) => [c.metadata.name, c]));
    const counts = { True: 0, False: 0, Unknown: 0 };
    for (const [i, sim] of region.clusters.entries()) {
      const obj = byName.get(sim.name) as KubeObject & {
        status?: { conditions?: { type: string; status: string }[]; version?: { kubernetes?: string } };
      };
      const available = obj.status?.conditions?.find((c) => c.type === 'ManagedClusterConditionAvailable');
      expect(available?.status).toBe(simulatedAvailability(i));
      expect(obj.status?.conditions?.find((c) => c.type === 'ManagedClusterJoined')?.status).toBe('True');
      expect(obj.status?.version?.kubernetes).toBe(sim.kubernetesVersion);
      counts[sim.available]++;
    }
    // 200 clusters: every 25th Unknown (8); every 10th False (20) unless Unknown (the 4 of
    // i ≡ 49 mod 50), so 16; the rest True.
    expect(counts).toEqual({ True: 176, False: 16, Unknown: 8 });
  });

  it('serves hive.openshift.io (generated CRDs) only on the region that asked, where a MachinePool scales', async () => {
    for (const region of env.regions) {
      const text = await region.cp.kubectl(['api-resources', '--api-group=hive.openshift.io', '-o', 'name']);
      const resources = text.split('\n').filter(Boolean);
      if (region.index === HIVE_REGION) {
        expect(region.hive).toBe(true);
        expect(resources).toEqual(
          expect.arrayContaining([
            'clusterdeployments.hive.openshift.io',
            'machinepools.hive.openshift.io',
            'clusterimagesets.hive.openshift.io',
          ]),
        );
      } else {
        expect(region.hive).toBe(false);
        expect(resources).toEqual([]);
      }
    }
    const hive = env.regions[HIVE_REGION] as Region;
    const imageSets = (await hive.client.list('hive.openshift.io/v1', 'ClusterImageSet')).items;
    expect(imageSets.length).toBeGreaterThan(0);
    // The console's "scale" is the MachinePool's scale subresource: the generated CRD has it.
    await hive.cp.kubectl(['create', 'namespace', 'hive-scale']);
    await hive.client.create({
      apiVersion: 'hive.openshift.io/v1',
      kind: 'MachinePool',
      metadata: { name: 'demo-worker', namespace: 'hive-scale' },
      spec: {
        clusterDeploymentRef: { name: 'demo' },
        name: 'worker',
        platform: { aws: { type: 'm6i.xlarge', rootVolume: { size: 120, type: 'gp3' } } },
        replicas: 3,
      },
    } as KubeObject);
    await hive.cp.kubectl(['scale', '-n', 'hive-scale', 'machinepool/demo-worker', '--replicas=5']);
    const pool = (await hive.client.get({
      apiVersion: 'hive.openshift.io/v1',
      kind: 'MachinePool',
      namespace: 'hive-scale',
      name: 'demo-worker',
    })) as KubeObject & { spec: { replicas: number } };
    expect(pool.spec.replicas).toBe(5);
  });

  it('mints users whose tokens authenticate, with exactly the rules given', async () => {
    const region = env.regions[0] as Region;
    const user = await env.createUser(0, 'set-a-viewer', [
      {
        apiGroups: ['cluster.open-cluster-management.io'],
        resources: ['managedclustersets'],
        resourceNames: ['set-a'],
        verbs: ['get'],
      },
    ]);
    expect(user.username).toBe('system:serviceaccount:console-users:set-a-viewer');
    const review = await postAsUser(region, '/apis/authentication.k8s.io/v1/selfsubjectreviews', user.token, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    expect(review.status).toBe(201);
    expect(
      (JSON.parse(review.body) as { status: { userInfo: { username: string } } }).status.userInfo.username,
    ).toBe(user.username);
    const may = async (attrs: object) => {
      const res = await postAsUser(
        region,
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        user.token,
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: attrs },
        },
      );
      expect(res.status).toBe(201);
      return (JSON.parse(res.body) as { status: { allowed: boolean } }).status.allowed;
    };
    const group = 'cluster.open-cluster-management.io';
    expect(await may({ group, resource: 'managedclustersets', verb: 'get', name: 'set-a' })).toBe(true);
    expect(await may({ group, resource: 'managedclustersets', verb: 'get', name: 'set-b' })).toBe(false);
    expect(await may({ group, resource: 'managedclusters', verb: 'list' })).toBe(false);
    // A token of another region's issuer is not valid here: each region is its own identity domain.
    const elsewhere = await env.createUser(2, 'set-a-viewer', []);
    const foreign = await postAsUser(
      region,
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      elsewhere.token,
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
      },
    );
    expect(foreign.status).toBe(401);
  });

  it('starts the operator of every region with the console flags', async () => {
    for (const region of env.regions) {
      expect(region.operator?.running()).toBe(true);
      const res = await region.consoleRequest('/info');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({
        region: region.name,
        geography: 'test-geo',
        hiveServed: region.index === HIVE_REGION,
      });
    }
    expect(env.allowedOrigins).toEqual(env.regions.map((r) => r.consoleUrl));
  });

  it('stops one region (an outage) while the others keep answering', async () => {
    const down = env.regions[2] as Region;
    const port = Number(new URL(down.cp.server).port);
    await env.stopRegion(2);
    expect(down.running).toBe(false);
    expect(await tcpOpen(port)).toBe(false);
    expect(await tcpOpen(Number(new URL(down.consoleUrl).port))).toBe(false);
    for (const region of env.regions.slice(0, 2)) expect(await clusters(region)).toHaveLength(PER_REGION);
  });
});

describe('browser', () => {
  it('runs headless Chromium through playwright-core: a page, its title, a screenshot, a clean close', async () => {
    const launched = await launchBrowser({ name: 'harness-chromium' });
    try {
      expect(launched.process.running()).toBe(true);
      const context = await launched.browser.newContext();
      const page = await context.newPage();
      await page.goto('data:text/html,<title>harness check</title><h1>console harness</h1>');
      expect(await page.title()).toBe('harness check');
      // The page runs script in the real browser (headless Chromium's user agent).
      expect(String(await page.evaluate('navigator.userAgent'))).toMatch(/HeadlessChrome\/\d+/);
      const path = await saveScreenshot(page, 'harness/data-url');
      expect(existsSync(path)).toBe(true);
      // A PNG, not an empty file.
      expect(readFileSync(path).subarray(1, 4).toString('latin1')).toBe('PNG');
    } finally {
      await launched.close();
    }
    expect(launched.process.running()).toBe(false);
  });

  it('trusts exactly the certificates it is given (the regions hand it their console SPKI hashes)', async () => {
    // Chromium's trust list works for any HTTPS server: this uses region-a's kube-apiserver,
    // whose certificate (like each console's) comes from a CA Chromium does not know.
    const region = env.regions[0] as Region;
    const url = `${region.cp.server}/version`;
    const serving = readFileSync(join(region.cp.dir, 'pki/apiserver.crt'), 'utf8');
    const trusting = await launchBrowser({ name: 'harness-trusting', trustSpki: [spkiHash(serving)] });
    const plain = await launchBrowser({ name: 'harness-plain' });
    try {
      const page = await (await trusting.browser.newContext()).newPage();
      const res = await page.goto(url);
      expect(res?.status()).toBe(200);
      expect(await page.textContent('body')).toContain('gitVersion');
      const other = await (await plain.browser.newContext()).newPage();
      await expect(other.goto(url)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await trusting.close();
      await plain.close();
    }
  });
});
