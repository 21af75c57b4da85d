/**
 * The operator's RBAC is least privilege by construction: no `*` anywhere, Secrets only in the
 * namespaces it installs Maestro into, and the merge of the controllers' tables keeps every grant
 * exactly once, whatever the order. Checked on the generated files (config/rbac and the CSV), the
 * ones a cluster gets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { kustomizeResources, readRepoFile } from '../../../hack/bundle.js';
import {
  CREATED_NAMESPACES,
  MAESTRO_AUTH_DELEGATOR,
  OPERATOR_NAMESPACE,
  REPO_ROOT,
} from '../../../hack/manifests.js';
import { DEFAULT_OPERAND_NAMESPACE, maestroRbac } from '../../../src/controllers/maestro/rbac.js';
import { PRUNABLE_KINDS } from '../../../src/controllers/maestro/render/index.js';
import { RBAC_TABLES } from '../../../src/controllers/rbac.js';
import {
  mergeRbacTables,
  RbacTableError,
  type RbacTable,
  type Rule,
  type Verb,
} from '../../../src/rbac/index.js';

interface RbacObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
}

const objects = kustomizeResources('config/rbac', readRepoFile) as unknown as RbacObject[];
const csv = parse(
  readFileSync(
    join(REPO_ROOT, 'olm-bundle/manifests/mce-maestro-operator.clusterserviceversion.yaml'),
    'utf8',
  ),
) as {
  spec: { install: { spec: Record<'permissions' | 'clusterPermissions', { rules: Rule[] }[]> } };
};

/** Every rule a cluster gets, with where it applies ('' = cluster-wide). */
function allRules(): { where: string; rule: Rule; source: string }[] {
  const fromConfig = objects.flatMap((o) =>
    (o.rules ?? []).map((rule) => ({
      where: o.kind === 'ClusterRole' ? '' : (o.metadata.namespace ?? ''),
      rule,
      source: `config/rbac ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`,
    })),
  );
  const install = csv.spec.install.spec;
  const fromCsv = [
    ...install.clusterPermissions.flatMap((p) =>
      p.rules.map((rule) => ({ where: '', rule, source: 'CSV clusterPermissions' })),
    ),
    // OLM grants `permissions` in the install namespace (cluster-wide for AllNamespaces).
    ...install.permissions.flatMap((p) =>
      p.rules.map((rule) => ({ where: '', rule, source: 'CSV permissions' })),
    ),
  ];
  return [...fromConfig, ...fromCsv];
}

const grants = (rule: Rule, group: string, resource: string) =>
  rule.apiGroups.includes(group) && rule.resources.includes(resource);

describe('generated RBAC', () => {
  it('uses no * in verbs, resources, API groups or names', () => {
    const starred = allRules().filter(({ rule }) =>
      [...rule.apiGroups, ...rule.resources, ...rule.verbs, ...(rule.resourceNames ?? [])].some((v) =>
        v.includes('*'),
      ),
    );
    expect(starred).toEqual([]);
    expect(allRules().length).toBeGreaterThan(20);
  });

  it('lets the operator read Secrets only in the namespaces it installs into', () => {
    const secretRules = allRules().filter(({ rule }) => grants(rule, '', 'secrets'));
    expect(secretRules.map((r) => r.where).sort()).toEqual([...CREATED_NAMESPACES].sort());
    expect(CREATED_NAMESPACES).toEqual([DEFAULT_OPERAND_NAMESPACE]);
    // Nothing cluster-wide, in the bundle or in the ClusterRole.
    expect(secretRules.filter((r) => r.where === '')).toEqual([]);
  });

  it('binds every role to the operator ServiceAccount only', () => {
    const bindings = objects.filter(
      (o) =>
        (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') &&
        o.metadata.name !== MAESTRO_AUTH_DELEGATOR,
    );
    for (const b of bindings as unknown as { subjects: unknown[]; metadata: { namespace?: string } }[]) {
      expect(b.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'mce-maestro-operator', namespace: OPERATOR_NAMESPACE },
      ]);
    }
    const roles = objects.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace);
    const roleBindings = objects.filter((o) => o.kind === 'RoleBinding').map((o) => o.metadata.namespace);
    expect(roleBindings.sort()).toEqual(roles.sort());
  });

  it("grants the Maestro server's ServiceAccount only the reviews of its callers", () => {
    const delegator = objects.find((o) => o.metadata.name === MAESTRO_AUTH_DELEGATOR) as unknown as {
      kind: string;
      roleRef: unknown;
      subjects: unknown[];
    };
    expect(delegator).toMatchObject({
      kind: 'ClusterRoleBinding',
      roleRef: { kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: 'maestro', namespace: DEFAULT_OPERAND_NAMESPACE }],
    });
    expect(delegator.subjects).toHaveLength(1);
  });

  it('keeps the CSV permissions equal to config/rbac', () => {
    const clusterRole = objects.find((o) => o.kind === 'ClusterRole');
    const operatorRole = objects.find(
      (o) => o.kind === 'Role' && o.metadata.namespace === OPERATOR_NAMESPACE,
    );
    expect(csv.spec.install.spec.clusterPermissions[0]?.rules).toEqual(clusterRole?.rules);
    expect(csv.spec.install.spec.permissions[0]?.rules).toEqual(operatorRole?.rules);
  });

  it('writes every document with a kind (no empty documents)', () => {
    for (const file of ['config/rbac/cluster_role.yaml', 'config/rbac/role_mce-maestro-operator.yaml']) {
      const docs = parseAllDocuments(readRepoFile(file)).map((d) => d.toJS() as { kind?: string } | null);
      expect(docs.every((d) => typeof d?.kind === 'string')).toBe(true);
    }
  });
});

/** Every (group, resource, name, verb) a set of rules grants ('' name = any). */
function grantsOf(rules: readonly Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules)
    for (const g of r.apiGroups)
      for (const res of r.resources)
        for (const n of r.resourceNames?.length ? r.resourceNames : [''])
          for (const v of r.verbs) out.add([g, res, n, v].join('|'));
  return out;
}
/** True when `rules` allow the request: the exact name, or any name. */
function allows(rules: Set<string>, key: string): boolean {
  const [g, res, , v] = key.split('|');
  return rules.has(key) || rules.has([g, res, '', v].join('|'));
}

const VERBS: Verb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const ruleArb = fc.record({
  apiGroups: fc.subarray(['', 'apps', 'x.io'], { minLength: 1 }),
  resources: fc.subarray(['secrets', 'configmaps', 'things'], { minLength: 1 }),
  verbs: fc.subarray(VERBS, { minLength: 1 }),
  resourceNames: fc.option(fc.subarray(['a', 'b'], { minLength: 1 }), { nil: undefined }),
});
const tableArb = fc.record({
  component: fc.constantFrom('one', 'two', 'three'),
  cluster: fc.array(ruleArb, { maxLength: 4 }),
  namespaced: fc.dictionary(
    fc.constantFrom('ns1', 'ns2', '$OPERATOR_NAMESPACE'),
    fc.array(ruleArb, { maxLength: 3 }),
  ),
}) as fc.Arbitrary<RbacTable>;

describe('the Maestro controller table', () => {
  it('covers every kind render produces: watched everywhere, written in the operand namespace', () => {
    const cluster = grantsOf(maestroRbac.cluster);
    const operand = grantsOf(maestroRbac.namespaced?.[DEFAULT_OPERAND_NAMESPACE] ?? []);
    const missing: string[] = [];
    for (const k of PRUNABLE_KINDS) {
      const group = k.apiVersion.includes('/') ? (k.apiVersion.split('/')[0] ?? '') : '';
      const key = (verb: string) => [group, k.plural, '', verb].join('|');
      // Secrets are cached per operand namespace, never cluster-wide; everything else cluster-wide.
      const watchedIn = k.plural === 'secrets' ? operand : cluster;
      for (const verb of ['list', 'watch'])
        if (!allows(watchedIn, key(verb))) missing.push(`${k.plural} ${verb}`);
      for (const verb of ['create', 'patch', 'delete'])
        if (!allows(operand, key(verb)) && !allows(cluster, key(verb))) missing.push(`${k.plural} ${verb}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('mergeRbacTables', () => {
  it('grants exactly what the tables grant, whatever their order', () => {
    fc.assert(
      fc.property(fc.array(tableArb, { maxLength: 4 }), (tables) => {
        const merged = mergeRbacTables(tables, 'op');
        const cluster = grantsOf(merged.cluster);
        const wanted = grantsOf(tables.flatMap((t) => t.cluster));
        for (const k of wanted) expect(allows(cluster, k)).toBe(true);
        for (const k of cluster) expect(wanted.has(k)).toBe(true);
        for (const t of tables) {
          for (const [rawNs, rules] of Object.entries(t.namespaced ?? {})) {
            const ns = rawNs === '$OPERATOR_NAMESPACE' ? 'op' : rawNs;
            const there = grantsOf(merged.namespaced.find((n) => n.namespace === ns)?.rules ?? []);
            for (const k of grantsOf(rules)) expect(allows(there, k) || allows(cluster, k)).toBe(true);
          }
        }
        const reversed = mergeRbacTables(
          [...tables].reverse().map((t) => ({ ...t, cluster: [...t.cluster].reverse() })),
          'op',
        );
        const strip = (m: typeof merged) =>
          JSON.stringify(m, (k, v: unknown) => (k === 'components' ? undefined : v));
        expect(strip(reversed)).toEqual(strip(merged));
      }),
    );
  });

  it('drops grants a broader rule already makes', () => {
    const merged = mergeRbacTables(
      [
        { component: 'a', cluster: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
        {
          component: 'b',
          cluster: [
            { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'patch'], resourceNames: ['x'] },
          ],
          namespaced: { ns: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'delete'] }] },
        },
      ],
      'op',
    );
    expect(merged.cluster.map(({ components: _c, ...r }) => r)).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['patch'], resourceNames: ['x'] },
    ]);
    expect(merged.namespaced).toEqual([
      {
        namespace: 'ns',
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['delete'], components: ['b'] }],
      },
    ]);
  });

  it('refuses * and empty lists', () => {
    const table = (rule: Rule): RbacTable => ({ component: 'c', cluster: [rule] });
    expect(() =>
      mergeRbacTables([table({ apiGroups: ['*'], resources: ['a'], verbs: ['get'] })], 'op'),
    ).toThrow(RbacTableError);
    expect(() =>
      mergeRbacTables([table({ apiGroups: [''], resources: ['*'], verbs: ['get'] })], 'op'),
    ).toThrow(RbacTableError);
    expect(() => mergeRbacTables([table({ apiGroups: [''], resources: ['a'], verbs: [] })], 'op')).toThrow(
      RbacTableError,
    );
  });

  it('merges the real tables without error', () => {
    expect(() => mergeRbacTables(RBAC_TABLES, OPERATOR_NAMESPACE)).not.toThrow();
  });
});

/** `namespace group/resource verb[names]` ('*' namespace = cluster-wide), one per write a rule grants. */
function writeGrants(): string[] {
  const reads = new Set(['get', 'list', 'watch']);
  const out = new Set<string>();
  for (const { where, rule } of allRules())
    for (const g of rule.apiGroups)
      for (const res of rule.resources)
        for (const v of rule.verbs.filter((x) => !reads.has(x)))
          out.add(
            `${where || '*'} ${g || 'core'}/${res} ${v}${rule.resourceNames ? `[${rule.resourceNames.join(',')}]` : ''}`,
          );
  return [...out].sort();
}

/**
 * Every write the operator may make, and why. A new write rule fails this test until it is added
 * here with its reason (and docs/security.md's RBAC table agrees).
 */
const WRITE_ALLOW_LIST: Record<string, string> = {
  // Cluster-wide: objects of OCM kinds that live in each cluster's or each rollout's namespace.
  '* core/namespaces create': 'the operand namespace (spec.namespace) and the global-set namespace',
  '* addon.open-cluster-management.io/managedclusteraddons patch':
    "add-on rollouts: the rollout's record annotation and config reference on each cluster's add-on",
  '* cluster.open-cluster-management.io/managedclusters patch':
    'klusterlet and transport rollouts: the klusterlet-config annotation and the rollout record',
  '* cluster.open-cluster-management.io/managedclustersetbindings create':
    'binds the global set into the transport rollout namespace',
  '* cluster.open-cluster-management.io/managedclustersets/bind create[global]':
    'allowed to bind only the global set (the transport reaches every cluster)',
  '* cluster.open-cluster-management.io/placements create[maestro-transport]': 'the transport Placement',
  '* cluster.open-cluster-management.io/placements patch[maestro-transport]': 'the transport Placement',
  '* cluster.open-cluster-management.io/placements delete[maestro-transport]': 'the transport Placement',
  '* config.open-cluster-management.io/klusterletconfigs create':
    'derived KlusterletConfigs, one per rollout target (users’ configs are only read)',
  '* config.open-cluster-management.io/klusterletconfigs patch': 'keeps derived KlusterletConfigs in step',
  '* admissionregistration.k8s.io/validatingadmissionpolicies create[mce-maestro-operator-agentrollout-clustersets,mce-maestro-operator-agentrollouts]':
    'the AgentRollout admission policies, applied at start (an OLM bundle cannot carry them); these names only',
  '* admissionregistration.k8s.io/validatingadmissionpolicies patch[mce-maestro-operator-agentrollout-clustersets,mce-maestro-operator-agentrollouts]':
    'keeps the AgentRollout admission policies at the allow-list of --allowed-image-registries',
  '* admissionregistration.k8s.io/validatingadmissionpolicybindings create[mce-maestro-operator-agentrollout-clustersets,mce-maestro-operator-agentrollouts]':
    'the bindings of the AgentRollout admission policies, applied at start; these names only',
  '* admissionregistration.k8s.io/validatingadmissionpolicybindings patch[mce-maestro-operator-agentrollout-clustersets,mce-maestro-operator-agentrollouts]':
    'keeps the bindings of the AgentRollout admission policies in step',
  '* events.k8s.io/events create': 'Events on the objects the operator reconciles',
  '* events.k8s.io/events patch': 'Event series counts',
  '* authentication.k8s.io/tokenreviews create':
    'secure metrics: authenticates the bearer token of each /metrics scraper (controller-runtime filters)',
  '* authorization.k8s.io/subjectaccessreviews create':
    'secure metrics: checks that the scraper may get the non-resource URL /metrics',
  '* maestro.multicluster.openshift.io/agentrolloutmemberships create':
    "frozen membership chunks next to each rollout (our own kind: no power over anyone's configuration)",
  '* maestro.multicluster.openshift.io/agentrolloutmemberships patch': 'appends late joiners to a chunk',
  '* maestro.multicluster.openshift.io/agentrollouts create[maestro-transport]': 'the transport rollout',
  '* maestro.multicluster.openshift.io/agentrollouts patch[maestro-transport]': 'the transport rollout',
  '* maestro.multicluster.openshift.io/agentrollouts delete[maestro-transport]': 'the transport rollout',
  '* maestro.multicluster.openshift.io/agentrollouts/status update': 'rollout status',
  '* maestro.multicluster.openshift.io/agentrollouts/status patch': 'rollout status',
  '* maestro.multicluster.openshift.io/maestros/status patch[cluster]': 'the Maestro singleton status',
  '* maestro.multicluster.openshift.io/maestros/rest create[cluster]':
    "registering managed clusters as consumers through Maestro's REST proxy (POST)",
  '* multicluster.openshift.io/multiclusterengines/status patch':
    "the maestro entry of the MCE's status.components (merge by entry name)",
  '* operator.open-cluster-management.io/clustermanagers patch[cluster-manager]':
    'the gRPC registration driver and server settings (our fields only, server-side apply)',
  '* work.open-cluster-management.io/manifestworks create':
    'ReadOnly observer works and Maestro agent works in cluster namespaces',
  '* work.open-cluster-management.io/manifestworks patch': 'keeps observer and agent works in step',
  '* work.open-cluster-management.io/manifestworks delete': 'removes agent works on rollback to kube',
  // The operator's own namespace.
  'mce-maestro-operator coordination.k8s.io/leases create': 'leader election',
  'mce-maestro-operator coordination.k8s.io/leases update[mce-maestro-operator]': 'leader election',
  'mce-maestro-operator networking.k8s.io/networkpolicies create[mce-maestro-operator]':
    "the operator's pods admit only their metrics and console ports (applied at start)",
  'mce-maestro-operator networking.k8s.io/networkpolicies patch[mce-maestro-operator]':
    "the operator's pods admit only their metrics and console ports (applied at start)",
  'mce-maestro-operator route.openshift.io/routes create[mce-maestro-operator-console]':
    "the console's Route with --console-route (an OLM bundle cannot carry one)",
  'mce-maestro-operator route.openshift.io/routes patch[mce-maestro-operator-console]':
    "the console's Route with --console-route (an OLM bundle cannot carry one)",
  // OLM turns the install namespace's Role into a ClusterRole for an AllNamespaces install.
  '* coordination.k8s.io/leases create': 'leader election (AllNamespaces install through OLM)',
  '* coordination.k8s.io/leases update[mce-maestro-operator]':
    'leader election (AllNamespaces install through OLM)',
  '* route.openshift.io/routes create[mce-maestro-operator-console]':
    "the console's Route (AllNamespaces install through OLM)",
  '* route.openshift.io/routes patch[mce-maestro-operator-console]':
    "the console's Route (AllNamespaces install through OLM)",
  '* networking.k8s.io/networkpolicies create[mce-maestro-operator]':
    "the operator's pods' NetworkPolicy (AllNamespaces install through OLM)",
  '* networking.k8s.io/networkpolicies patch[mce-maestro-operator]':
    "the operator's pods' NetworkPolicy (AllNamespaces install through OLM)",
  // The operand namespace, which the operator owns: everything Maestro is made of.
  ...Object.fromEntries(
    [
      'core/configmaps',
      'core/serviceaccounts',
      'core/secrets',
      'core/services',
      'apps/deployments',
      'apps/statefulsets',
      'monitoring.coreos.com/servicemonitors',
      'networking.k8s.io/networkpolicies',
      'policy/poddisruptionbudgets',
      'rbac.authorization.k8s.io/rolebindings',
      'rbac.authorization.k8s.io/roles',
      'route.openshift.io/routes',
    ].flatMap((r) =>
      ['create', 'patch', 'delete'].map((v) => [
        `maestro ${r} ${v}`,
        'Maestro operands in the operand namespace',
      ]),
    ),
  ),
  'maestro core/namespaces patch': 'labels on the operand namespace',
  'maestro core/namespaces delete': 'only with retainDataOnDisable off',
  'maestro core/persistentvolumeclaims delete':
    'database claims, only with retainDataOnDisable off (the StatefulSet controller created them)',
  // MCE's hub namespace: single named objects MCE's cluster-manager reads.
  ...Object.fromEntries(
    [
      ['core/configmaps', 'grpc-server-config', "the cluster-manager gRPC server's settings (MCE's format)"],
      ['networking.k8s.io/networkpolicies', 'maestro-grpc-server-db-egress', 'gRPC server to database'],
      ['route.openshift.io/routes', 'grpc-server', 'Route exposure of the gRPC server'],
    ].flatMap(([r, name, why]) =>
      ['create', 'patch', 'delete'].map((v) => [`open-cluster-management-hub ${r} ${v}[${name}]`, why ?? '']),
    ),
  ),
  'open-cluster-management-hub core/services delete[maestro-grpc-server-nodeport]':
    'prunes the NodePort Service of the removed grpcServer NodePort exposure (never created now)',
};

describe('write permissions', () => {
  it('grants no write that the allow-list does not name with a reason, and the list has no stale entry', () => {
    const granted = writeGrants();
    expect(granted.filter((g) => !(g in WRITE_ALLOW_LIST))).toEqual([]);
    expect(Object.keys(WRITE_ALLOW_LIST).filter((k) => !granted.includes(k))).toEqual([]);
    for (const why of Object.values(WRITE_ALLOW_LIST)) expect(why.length).toBeGreaterThan(10);
  });

  it('never writes ConfigMaps or Secrets cluster-wide, nor outside owned namespaces except one named object', () => {
    const owned = new Set([...CREATED_NAMESPACES, OPERATOR_NAMESPACE]);
    const risky = writeGrants().filter((g) => / core\/(configmaps|secrets) /.test(g));
    expect(risky.filter((g) => g.startsWith('* '))).toEqual([]);
    expect(risky.filter((g) => !owned.has(g.split(' ')[0] ?? '') && !/\[[a-z-]+\]$/.test(g))).toEqual([]);
  });
});
