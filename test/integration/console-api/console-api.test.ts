/**
 * The regional console API against a real kube-apiserver (RBAC on, ServiceAccount tokens): the
 * operator runs in this process with only the generated RBAC and the console flags; users are
 * ServiceAccounts with explicit Roles (without kube-controller-manager the aggregated view/edit
 * roles are empty). What they see is decided by SubjectAccessReviews, what they write by the API
 * server with their own token.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { consoleControllerFactory } from '../../../src/controllers/console/index.js';
import { KubeClient, runOperator, isNotFound, type KubeObject } from '../../../src/runtime/index.js';
import {
  AGENT_ROLLOUT_API_VERSION,
  RESUME_ANNOTATION,
  ROLLBACK_ANNOTATION,
} from '../../../src/api/agentrollout.js';
import { fromClusterColumns } from '../../../src/console/cluster-columns.js';
import {
  clusterColumnsSchema,
  clusterListSchema,
  clusterDetailSchema,
  infoSchema,
  apiErrorSchema,
  PATHS,
  changeEventSchema,
  type ClusterList,
} from '../../../src/console/contract.js';
import type { ControlPlane } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { bearerTokenOf } from '../../harness/metrics-scrape.js';
import { operatorKubeconfig } from '../../harness/operator-rbac.js';
import { startControlPlaneWithOwnCrds } from '../../harness/own-crds.js';
import { freePort } from '../../harness/ports.js';
import { call, openEvents } from './helpers.js';

const ORIGIN = 'https://console.example.com';
const SET_LABEL = 'cluster.open-cluster-management.io/clusterset';
const MC = 'cluster.open-cluster-management.io/v1';

let cp: ControlPlane;
let admin: KubeClient;
let port: number;
let staticDir: string;
const abort = new AbortController();
let operatorDone: Promise<number>;
const tokens = { all: '', blue: '', reader: '', writer: '', admin: '' };

const clusterNames = (l: ClusterList) => l.items.map((c) => c.name);

function managedCluster(name: string, set?: string): KubeObject {
  return {
    apiVersion: MC,
    kind: 'ManagedCluster',
    metadata: {
      name,
      labels: { name, env: name.endsWith('0') ? 'prod' : 'dev', ...(set ? { [SET_LABEL]: set } : {}) },
    },
    spec: { hubAcceptsClient: true },
  } as KubeObject;
}

const RBAC = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: console-all-clusters }
rules:
  - apiGroups: [cluster.open-cluster-management.io]
    resources: [managedclusters]
    verbs: [get, list, watch, patch]
  - apiGroups: [maestro.multicluster.openshift.io]
    resources: [agentrollouts]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: console-blue-set }
rules:
  - apiGroups: [cluster.open-cluster-management.io]
    resources: [managedclustersets]
    resourceNames: [blue]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: rollout-writer, namespace: rollouts }
rules:
  - apiGroups: [maestro.multicluster.openshift.io]
    resources: [agentrollouts]
    verbs: [get, list, watch, create, patch]
  - apiGroups: [cluster.open-cluster-management.io]
    resources: [placements]
    verbs: [get, list, create, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: console-all-clusters }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: console-all-clusters }
subjects:
  - { kind: ServiceAccount, name: all, namespace: users }
  - { kind: ServiceAccount, name: reader, namespace: users }
  - { kind: ServiceAccount, name: writer, namespace: users }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: addon-editor, namespace: c-03 }
rules:
  - apiGroups: [addon.open-cluster-management.io]
    resources: [managedclusteraddons]
    verbs: [get, create, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: addon-editor, namespace: c-03 }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: addon-editor }
subjects:
  - { kind: ServiceAccount, name: writer, namespace: users }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: console-blue-set }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: console-blue-set }
subjects:
  - { kind: ServiceAccount, name: blue, namespace: users }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: rollout-writer, namespace: rollouts }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: rollout-writer }
subjects:
  - { kind: ServiceAccount, name: writer, namespace: users }
`;

const rolloutRequest = (name: string, clusters: string[]) => ({
  namespace: 'rollouts',
  name,
  clusters,
  maxConcurrency: '50%',
  target: {
    klusterlet: {
      version: '2.17.0',
      images: {
        registrationOperator: 'quay.io/stolostron/registration-operator:2.17.0',
        registration: 'quay.io/stolostron/registration:2.17.0',
        work: 'quay.io/stolostron/work:2.17.0',
      },
    },
  },
});

async function exists(apiVersion: string, kind: string, name: string, namespace?: string): Promise<boolean> {
  try {
    return (await admin.get({ apiVersion, kind, name, namespace })) !== undefined;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

beforeAll(async () => {
  cp = await startControlPlaneWithOwnCrds({ name: 'console-api' });
  admin = new KubeClient({ kubeConfig: cp.kubeConfig(), qps: 500, burst: 1000 });
  for (const ns of ['users', 'rollouts', 'c-03']) await cp.kubectl(['create', 'namespace', ns]);
  for (const sa of ['all', 'blue', 'reader', 'writer'])
    await cp.kubectl(['create', 'serviceaccount', '-n', 'users', sa]);
  await cp.kubectl(['apply', '-f', '-'], { input: RBAC });
  const token = async (sa: string) =>
    (await cp.kubectl(['create', 'token', '-n', 'users', sa, '--duration=1h'])).trim();
  tokens.all = await token('all');
  tokens.blue = await token('blue');
  tokens.reader = await token('reader');
  tokens.writer = await token('writer');
  tokens.admin = bearerTokenOf(cp.kubeConfig());
  // 30 clusters: 10 in blue, 10 in green, 10 in no set.
  const creates: Promise<unknown>[] = [];
  for (let i = 0; i < 30; i++) {
    const set = i < 10 ? 'blue' : i < 20 ? 'green' : undefined;
    creates.push(admin.create(managedCluster(`c-${String(i).padStart(2, '0')}`, set)));
  }
  await Promise.all(creates);

  staticDir = mkdtempSync(join(tmpdir(), 'console-static-'));
  writeFileSync(
    join(staticDir, 'index.html'),
    '<!doctype html><title>console</title><script src="/app.js"></script>',
  );
  writeFileSync(join(staticDir, 'app.js'), 'console.log("app");');
  port = await freePort();
  const kubeconfig = await operatorKubeconfig(cp);
  operatorDone = runOperator(
    [
      '--kubeconfig',
      kubeconfig,
      '--metrics-bind-address=0',
      '--health-probe-bind-address=0',
      '--log-level=warn',
      `--console-bind-address=127.0.0.1:${port}`,
      '--console-region=eu-west',
      '--console-geography=europe',
      `--console-allowed-origins=${ORIGIN},https://other.example.com:8443`,
      `--console-static-dir=${staticDir}`,
    ],
    [consoleControllerFactory],
    { signals: false, signal: abort.signal },
  );
  await eventually(
    async () => {
      const l = clusterListSchema.parse(
        (await call(port, 'GET', PATHS.clusters, { token: tokens.all })).json,
      );
      return l.total === 30;
    },
    { timeout: 60_000, message: 'the console lists the 30 clusters' },
  );
}, 180_000);

afterAll(async () => {
  abort.abort();
  await operatorDone;
  admin?.close();
  await cp?.stop();
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
});

describe('public parts', () => {
  it('GET /info names the region and versions, with the security headers', async () => {
    const res = await call(port, 'GET', PATHS.info);
    expect(res.status).toBe(200);
    const info = infoSchema.parse(res.json);
    expect(info).toMatchObject({
      region: 'eu-west',
      geography: 'europe',
      operatorVersion: '0.1.0',
      hiveServed: false,
    });
    expect(info.hubVersion).toMatch(/^v1\./);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain('connect-src *');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the static app with content types and the index.html fallback, never outside its directory', async () => {
    const index = await call(port, 'GET', '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.text).toContain('<title>console</title>');
    const route = await call(port, 'GET', '/clusters/c-01');
    expect(route.status).toBe(200);
    expect(route.text).toContain('<title>console</title>');
    const js = await call(port, 'GET', '/app.js');
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    const escape = await call(port, 'GET', '/..%2f..%2fetc%2fpasswd.txt');
    expect(escape.status).toBe(404);
    expect(escape.text).not.toContain('root:');
  });

  it('refuses plain HTTP', async () => {
    await expect(fetch(`http://127.0.0.1:${port}/info`)).rejects.toThrow();
  });
});

describe('authentication and cluster-set authorisation', () => {
  it('answers 401 without a token and with a bad one', async () => {
    for (const token of [undefined, 'not-a-real-token']) {
      const res = await call(port, 'GET', PATHS.clusters, token ? { token } : {});
      expect(res.status).toBe(401);
      expect(apiErrorSchema.parse(res.json).reason).toBe('Unauthorized');
      expect(res.text).not.toContain('c-00');
    }
  });

  it('shows every cluster to a user who may list managedclusters, in name order over pages', async () => {
    const seen: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const q: string = `?limit=7${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
      const page = clusterListSchema.parse(
        (await call(port, 'GET', PATHS.clusters + q, { token: tokens.all })).json,
      );
      expect(page.total).toBe(30);
      seen.push(...clusterNames(page));
      cont = page.continue;
      pages++;
    } while (cont);
    expect(pages).toBe(5);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `c-${String(i).padStart(2, '0')}`));
  });

  it('gives the same page in columns, for the sets the user may get', async () => {
    for (const token of [tokens.all, tokens.blue]) {
      const query = `?limit=7&labelSelector=${encodeURIComponent('!nope')}`;
      const rows = clusterListSchema.parse((await call(port, 'GET', PATHS.clusters + query, { token })).json);
      const res = await call(port, 'GET', `${PATHS.clusters + query}&format=columns`, { token });
      expect(res.status).toBe(200);
      const columns = clusterColumnsSchema.parse(res.json);
      expect(columns.columns.name).toHaveLength(7);
      // The continue token is the same cursor in either form.
      expect(fromClusterColumns(columns)).toEqual(rows);
    }
  });

  it('shows only the clusters of the sets a user may get', async () => {
    const res = await call(port, 'GET', PATHS.clusters, { token: tokens.blue });
    expect(res.status).toBe(200);
    const list = clusterListSchema.parse(res.json);
    expect(list.total).toBe(10);
    expect(list.items.every((c) => c.clusterSet === 'blue')).toBe(true);
    expect((await call(port, 'GET', PATHS.cluster('c-15'), { token: tokens.blue })).status).toBe(404);
    const detail = await call(port, 'GET', PATHS.cluster('c-05'), { token: tokens.blue });
    expect(detail.status).toBe(200);
    expect(clusterDetailSchema.parse(detail.json).name).toBe('c-05');
  });

  it('filters by labelSelector', async () => {
    const list = clusterListSchema.parse(
      (
        await call(port, 'GET', `${PATHS.clusters}?labelSelector=${encodeURIComponent('env=prod,!nope')}`, {
          token: tokens.all,
        })
      ).json,
    );
    expect(clusterNames(list)).toEqual(['c-00', 'c-10', 'c-20']);
  });
});

describe('actions with the caller’s token', () => {
  it('passes on the API server’s 403 to a user without create agentrollouts, and writes nothing', async () => {
    const res = await call(port, 'POST', PATHS.rollouts, {
      token: tokens.reader,
      body: rolloutRequest('denied', ['c-00']),
    });
    expect(res.status).toBe(403);
    const err = apiErrorSchema.parse(res.json);
    expect(err.reason).toBe('Forbidden');
    // Verbatim from the API server, naming the caller (not the operator's ServiceAccount).
    expect(err.message).toContain('system:serviceaccount:users:reader');
    expect(
      await exists('cluster.open-cluster-management.io/v1beta1', 'Placement', 'denied', 'rollouts'),
    ).toBe(false);
    expect(await exists(AGENT_ROLLOUT_API_VERSION, 'AgentRollout', 'denied', 'rollouts')).toBe(false);
  });

  it('creates a rollout over picked clusters as a user who may', async () => {
    // The operator's ServiceAccount may not create Placements or AgentRollouts here: success means
    // the writes were the user's.
    const res = await call(port, 'POST', PATHS.rollouts, {
      token: tokens.writer,
      body: rolloutRequest('upgrade', ['c-02', 'c-01']),
    });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      written: [
        { kind: 'Placement', namespace: 'rollouts', name: 'upgrade' },
        { kind: 'AgentRollout', namespace: 'rollouts', name: 'upgrade' },
      ],
    });
    const rollout = await admin.get<KubeObject & { spec: { placementRef: { name: string } } }>({
      apiVersion: AGENT_ROLLOUT_API_VERSION,
      kind: 'AgentRollout',
      namespace: 'rollouts',
      name: 'upgrade',
    });
    expect(rollout?.spec.placementRef.name).toBe('upgrade');
    expect((rollout?.metadata.managedFields as { manager?: string }[] | undefined)?.[0]?.manager).toBe(
      'mce-maestro-console',
    );
    const placement = await admin.get<KubeObject & { spec: unknown }>({
      apiVersion: 'cluster.open-cluster-management.io/v1beta1',
      kind: 'Placement',
      namespace: 'rollouts',
      name: 'upgrade',
    });
    expect(JSON.stringify(placement?.spec)).toContain('"values":["c-01","c-02"]');
    // The user sees it through the API, as `kubectl mce rollout status` would show it.
    await eventually(async () => {
      const r = await call(port, 'GET', PATHS.rollout('rollouts', 'upgrade'), { token: tokens.writer });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ target: 'klusterlet 2.17.0', placement: 'upgrade', paused: false });
    });
    // Pause is the CLI's patch, as the user.
    const pause = await call(port, 'POST', PATHS.rolloutActions('rollouts', 'upgrade'), {
      token: tokens.writer,
      body: { action: 'pause' },
    });
    expect(pause.status).toBe(201);
    const paused = await admin.get<KubeObject & { spec: { paused?: boolean } }>({
      apiVersion: AGENT_ROLLOUT_API_VERSION,
      kind: 'AgentRollout',
      namespace: 'rollouts',
      name: 'upgrade',
    });
    expect(paused?.spec.paused).toBe(true);
  });

  it('resumes and rolls back with the CLI’s patches, and refuses to approve a group with no gate', async () => {
    const ref = {
      apiVersion: AGENT_ROLLOUT_API_VERSION,
      kind: 'AgentRollout',
      namespace: 'rollouts',
      name: 'upgrade',
    };
    type Annotated = KubeObject & { spec: { paused?: boolean } };
    const act = (body: unknown) =>
      call(port, 'POST', PATHS.rolloutActions('rollouts', 'upgrade'), { token: tokens.writer, body });
    expect((await act({ action: 'resume' })).status).toBe(201);
    const resumed = await admin.get<Annotated>(ref);
    expect(resumed?.spec.paused).toBe(false);
    expect(resumed?.metadata.annotations?.[RESUME_ANNOTATION]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await act({ action: 'rollback' })).status).toBe(201);
    expect((await admin.get<Annotated>(ref))?.metadata.annotations?.[ROLLBACK_ANNOTATION]).toMatch(/^\d{4}-/);
    // `upgrade` gates no group: 409 naming `group`, and spec.approved stays unset.
    const approve = await act({ action: 'approve', group: 'canary' });
    expect(approve.status).toBe(409);
    expect(apiErrorSchema.parse(approve.json)).toMatchObject({ field: 'group' });
    expect(apiErrorSchema.parse(approve.json).message).toContain('no approval gate');
    expect(JSON.stringify((await admin.get<Annotated>(ref))?.spec)).not.toContain('approved');
    // The same actions are the user's: one without patch on agentrollouts gets the API server's 403.
    const denied = await call(port, 'POST', PATHS.rolloutActions('rollouts', 'upgrade'), {
      token: tokens.reader,
      body: { action: 'pause' },
    });
    expect(denied.status).toBe(403);
    expect((await admin.get<Annotated>(ref))?.spec.paused).toBe(false);
  });

  it('switches picked clusters to a transport through a transport rollout', async () => {
    const res = await call(port, 'POST', PATHS.rollouts, {
      token: tokens.writer,
      body: {
        namespace: 'rollouts',
        name: 'to-grpc',
        clusters: ['c-04'],
        target: { transport: { type: 'grpc' } },
      },
    });
    expect(res.status).toBe(201);
    const rollout = await admin.get<
      KubeObject & { spec: { target: unknown; placementRef: { name: string } } }
    >({
      apiVersion: AGENT_ROLLOUT_API_VERSION,
      kind: 'AgentRollout',
      namespace: 'rollouts',
      name: 'to-grpc',
    });
    expect(rollout?.spec).toMatchObject({
      target: { transport: { type: 'grpc' } },
      placementRef: { name: 'to-grpc' },
    });
    // Two targets at once: the API server's CEL rule on the CRD decides, named in the 4xx.
    const both = await call(port, 'POST', PATHS.rollouts, {
      token: tokens.writer,
      body: {
        ...rolloutRequest('two-targets', ['c-04']),
        target: { ...rolloutRequest('x', []).target, transport: { type: 'mqtt' } },
      },
    });
    expect(both.status).toBeGreaterThanOrEqual(400);
    expect(both.status).toBeLessThan(500);
    expect(both.text).toContain('exactly one of klusterlet, addOn or transport');
    expect(await exists(AGENT_ROLLOUT_API_VERSION, 'AgentRollout', 'two-targets', 'rollouts')).toBe(false);
    // Nor the Placement written before it.
    expect(
      await exists('cluster.open-cluster-management.io/v1beta1', 'Placement', 'two-targets', 'rollouts'),
    ).toBe(false);
  });

  it('enables and disables an add-on as the user, and passes on a 403 to one who may not', async () => {
    const ref = {
      apiVersion: 'addon.open-cluster-management.io/v1alpha1',
      kind: 'ManagedClusterAddOn',
      namespace: 'c-03',
      name: 'config-policy-controller',
    };
    const denied = await call(port, 'PUT', PATHS.clusterAddOn('c-03', ref.name), {
      token: tokens.reader,
      body: { enabled: true },
    });
    expect(denied.status).toBe(403);
    expect(apiErrorSchema.parse(denied.json).message).toContain('system:serviceaccount:users:reader');
    expect(await exists(ref.apiVersion, ref.kind, ref.name, ref.namespace)).toBe(false);
    const on = await call(port, 'PUT', PATHS.clusterAddOn('c-03', ref.name), {
      token: tokens.writer,
      body: { enabled: true, installNamespace: 'open-cluster-management-agent-addon' },
    });
    expect(on.status).toBe(200);
    const addOn = await admin.get<KubeObject & { spec: { installNamespace?: string } }>(ref);
    expect(addOn?.spec.installNamespace).toBe('open-cluster-management-agent-addon');
    // Enabling again is not an error (the object is there).
    expect(
      (
        await call(port, 'PUT', PATHS.clusterAddOn('c-03', ref.name), {
          token: tokens.writer,
          body: { enabled: true },
        })
      ).status,
    ).toBe(200);
    const off = await call(port, 'PUT', PATHS.clusterAddOn('c-03', ref.name), {
      token: tokens.writer,
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    expect(off.json).toEqual({
      written: [],
      deleted: [{ kind: 'ManagedClusterAddOn', namespace: 'c-03', name: ref.name }],
    });
    await eventually(async () => !(await exists(ref.apiVersion, ref.kind, ref.name, ref.namespace)), {
      message: 'the ManagedClusterAddOn deleted',
    });
    // Disabling it again deletes nothing and is not an error.
    const again = await call(port, 'PUT', PATHS.clusterAddOn('c-03', ref.name), {
      token: tokens.writer,
      body: { enabled: false },
    });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ written: [], deleted: [] });
  });

  it('imports a cluster: ManagedCluster and auto-import-secret in its namespace', async () => {
    const res = await call(port, 'POST', PATHS.importCluster, {
      token: tokens.admin,
      body: {
        name: 'imported',
        clusterSet: 'green',
        server: 'https://api.imported.example.com:6443',
        token: 'sha256~x',
      },
    });
    expect(res.status).toBe(201);
    const secret = await admin.get<KubeObject & { data: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'imported',
      name: 'auto-import-secret',
    });
    expect(Buffer.from(secret?.data.autoImportRetry ?? '', 'base64').toString()).toBe('5');
    expect(Buffer.from(secret?.data.server ?? '', 'base64').toString()).toBe(
      'https://api.imported.example.com:6443',
    );
    const mc = await admin.get({ apiVersion: MC, kind: 'ManagedCluster', name: 'imported' });
    expect(mc?.metadata.labels?.[SET_LABEL]).toBe('green');
  });

  it('detaches only with the name typed again', async () => {
    const wrong = await call(port, 'DELETE', PATHS.cluster('imported'), {
      token: tokens.admin,
      body: { confirm: 'nope' },
    });
    expect(wrong.status).toBe(400);
    expect(apiErrorSchema.parse(wrong.json).field).toBe('confirm');
    expect(await exists(MC, 'ManagedCluster', 'imported')).toBe(true);
    const ok = await call(port, 'DELETE', PATHS.cluster('imported'), {
      token: tokens.admin,
      body: { confirm: 'imported' },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ written: [], deleted: [{ kind: 'ManagedCluster', name: 'imported' }] });
    expect(await exists(MC, 'ManagedCluster', 'imported')).toBe(false);
  });
});

describe('malformed input', () => {
  const cases: [string, string, string, unknown, string][] = [
    [
      'a rollout name that is not a DNS name',
      'POST',
      PATHS.rollouts,
      { ...rolloutRequest('Bad_Name', ['c-00']) },
      'name',
    ],
    [
      'a rollout without a target',
      'POST',
      PATHS.rollouts,
      { namespace: 'rollouts', name: 'x', clusters: ['c-00'] },
      'target',
    ],
    [
      'both placement and clusters',
      'POST',
      PATHS.rollouts,
      { ...rolloutRequest('both', ['c-00']), placement: 'p' },
      'placement',
    ],
    [
      'a label value that is not a string',
      'PATCH',
      PATHS.clusterLabels('c-00'),
      { labels: { env: 5 } },
      'labels.env',
    ],
    ['an import without credentials', 'POST', PATHS.importCluster, { name: 'x' }, 'kubeconfig'],
    [
      'an action that does not exist',
      'POST',
      PATHS.rolloutActions('rollouts', 'upgrade'),
      { action: 'explode' },
      'action',
    ],
  ];
  it.each(cases)('%s → 400 naming the field, nothing written', async (_what, method, path, body, field) => {
    const res = await call(port, method, path, { token: tokens.writer, body });
    expect(res.status).toBe(400);
    expect(apiErrorSchema.parse(res.json).field).toBe(field);
  });

  it('rejects bad query parameters naming them', async () => {
    for (const [q, field] of [
      ['limit=abc', 'limit'],
      ['continue=garbage', 'continue'],
      ['labelSelector=a%20b%20c', 'labelSelector'],
      ['format=csv', 'format'],
    ]) {
      const res = await call(port, 'GET', `${PATHS.clusters}?${q}`, { token: tokens.all });
      expect(res.status).toBe(400);
      expect(apiErrorSchema.parse(res.json).field).toBe(field);
    }
  });

  it('answers 413 to a body over 1 MiB and 400 to one that is not JSON', async () => {
    const big = await call(port, 'POST', PATHS.importCluster, {
      token: tokens.admin,
      rawBody: JSON.stringify({ name: 'big', kubeconfig: 'x'.repeat(1_100_000) }),
    });
    expect(big.status).toBe(413);
    expect(await exists(MC, 'ManagedCluster', 'big')).toBe(false);
    const notJson = await call(port, 'POST', PATHS.importCluster, { token: tokens.admin, rawBody: '{nope' });
    expect(notJson.status).toBe(400);
  });

  it('wrote nothing for any of them', async () => {
    const rollouts = await admin.list(AGENT_ROLLOUT_API_VERSION, 'AgentRollout', { namespace: 'rollouts' });
    expect(rollouts.items.map((r) => r.metadata.name).sort()).toEqual(['to-grpc', 'upgrade']);
    const c00 = await admin.get({ apiVersion: MC, kind: 'ManagedCluster', name: 'c-00' });
    expect(c00?.metadata.labels?.env).toBe('prod');
  });
});

describe('CORS', () => {
  it('answers a listed origin, with Vary: Origin and the preflight headers', async () => {
    const pre = await call(port, 'OPTIONS', PATHS.clusters, {
      origin: ORIGIN,
      headers: { 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(pre.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
    expect(pre.headers.vary).toContain('Origin');
    const get = await call(port, 'GET', PATHS.clusters, { origin: ORIGIN, token: tokens.all });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(ORIGIN);
    // The handling time, readable by the console's origin (browser tools, the benchmark).
    expect(get.headers['access-control-expose-headers']).toBe('Content-Type, Server-Timing');
    expect(get.headers['server-timing']).toMatch(/^app;dur=\d+\.\d$/);
  });

  it('gives an unlisted origin no CORS headers: 403 on preflight and on the API', async () => {
    const evil = 'https://evil.example.com';
    const pre = await call(port, 'OPTIONS', PATHS.clusters, {
      origin: evil,
      headers: { 'Access-Control-Request-Method': 'GET' },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const get = await call(port, 'GET', PATHS.clusters, { origin: evil, token: tokens.all });
    expect(get.status).toBe(403);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    expect(get.text).not.toContain('c-00');
  });
});

describe('paging under concurrent changes', () => {
  it('never duplicates nor skips a cluster that exists throughout', async () => {
    // Churn: clusters sorting before, between and after the stable ones come and go while pages are read.
    let stop = false;
    const churn = (async () => {
      for (let round = 0; !stop; round++) {
        const names = [`a-${round}`, `c-05x${round}`, `c-17x${round}`, `z-${round}`];
        await Promise.all(names.map((n) => admin.create(managedCluster(n, 'green'))));
        await Promise.all(
          names.map((n) => admin.delete({ apiVersion: MC, kind: 'ManagedCluster', name: n })),
        );
      }
    })();
    try {
      for (let pass = 0; pass < 3; pass++) {
        const seen: string[] = [];
        let cont: string | undefined;
        do {
          const q: string = `?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
          const page = clusterListSchema.parse(
            (await call(port, 'GET', PATHS.clusters + q, { token: tokens.all })).json,
          );
          seen.push(...clusterNames(page));
          cont = page.continue;
          await new Promise((r) => setTimeout(r, 20));
        } while (cont);
        expect(new Set(seen).size).toBe(seen.length);
        const stable = seen.filter((n) => /^c-\d\d$/.test(n));
        expect(stable).toEqual(Array.from({ length: 30 }, (_, i) => `c-${String(i).padStart(2, '0')}`));
        expect([...seen].sort()).toEqual(seen);
      }
    } finally {
      stop = true;
      await churn;
    }
  }, 60_000);
});

describe('live changes', () => {
  it('delivers a label change over Server-Sent Events, only to users who may see the cluster', async () => {
    const all = await openEvents(port, tokens.all);
    const blue = await openEvents(port, tokens.blue);
    try {
      expect(all.status).toBe(200);
      await eventually(() => all.events.some((e) => e.event === 'snapshot-done'));
      await admin.patch(
        { apiVersion: MC, kind: 'ManagedCluster', name: 'c-12' },
        { metadata: { labels: { live: 'yes' } } },
        'merge',
      );
      await eventually(
        () =>
          all.events.some((e) => {
            if (e.event !== 'change') return false;
            const c = changeEventSchema.parse(e.data);
            return c.type === 'cluster' && c.name === 'c-12' && c.cluster?.labels.live === 'yes';
          }),
        { message: 'the label change on the stream' },
      );
      // c-12 is in green: the blue-only user is told nothing about it.
      await admin.patch(
        { apiVersion: MC, kind: 'ManagedCluster', name: 'c-03' },
        { metadata: { labels: { live: 'yes' } } },
        'merge',
      );
      await eventually(() =>
        blue.events.some((e) => e.event === 'change' && (e.data as { name?: string }).name === 'c-03'),
      );
      expect(blue.events.some((e) => (e.data as { name?: string }).name === 'c-12')).toBe(false);
    } finally {
      all.close();
      blue.close();
    }
  });

  it('refuses a stream without a token', async () => {
    const res = await call(port, 'GET', PATHS.events);
    expect(res.status).toBe(401);
  });
});
