/**
 * Merging the controllers' RBAC tables into the rules `make manifests` writes: one ClusterRole
 * and one Role per namespace, each as small as the tables allow. Rules are exact: a verb granted
 * on a resource without resourceNames makes the same verb with resourceNames redundant, and a
 * cluster-wide grant makes the same grant in a namespace redundant; what is left is regrouped
 * deterministically (so the generated YAML is stable) and never contains `*`.
 */
import type { RbacTable, Rule, Verb } from './types.js';

/** Stands for the namespace the operator runs in (see `RbacTable.namespaced`). */
export const OPERATOR_NAMESPACE_PLACEHOLDER = '$OPERATOR_NAMESPACE';

/** The order verbs are written in (kubebuilder's). */
export const VERB_ORDER: readonly Verb[] = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
];

/** A merged rule, with the components that asked for it (for comments in the YAML). */
export interface MergedRule extends Rule {
  components: string[];
}

export interface MergedRbac {
  cluster: MergedRule[];
  /** Sorted by namespace; namespaces whose rules are all granted cluster-wide are left out. */
  namespaced: { namespace: string; rules: MergedRule[] }[];
}

/** Thrown for a rule that could never be least privilege (`*`, empty lists). */
export class RbacTableError extends Error {
  override readonly name = 'RbacTableError';
}

interface Atom {
  group: string;
  resource: string;
  /** '' means any name. */
  name: string;
  verb: Verb;
}

const SEP = '\u0000';
const atomKey = (a: Atom) => [a.group, a.resource, a.name, a.verb].join(SEP);

function checkRule(component: string, rule: Rule): void {
  const lists: [string, readonly string[] | undefined][] = [
    ['apiGroups', rule.apiGroups],
    ['resources', rule.resources],
    ['verbs', rule.verbs],
    ['resourceNames', rule.resourceNames],
  ];
  for (const [field, values] of lists) {
    if (values === undefined) continue;
    if (values.length === 0 && field !== 'resourceNames')
      throw new RbacTableError(`${component}: a rule has no ${field}`);
    if (values.some((v) => v.includes('*')))
      throw new RbacTableError(`${component}: ${field} must not use '*' (${values.join(', ')})`);
    if (field === 'resourceNames' && values.some((v) => v === ''))
      throw new RbacTableError(`${component}: empty resource name`);
  }
}

function atomsOf(rule: Rule): Atom[] {
  const names = rule.resourceNames?.length ? rule.resourceNames : [''];
  return rule.apiGroups.flatMap((group) =>
    rule.resources.flatMap((resource) =>
      names.flatMap((name) => rule.verbs.map((verb) => ({ group, resource, name, verb }))),
    ),
  );
}

/** Atoms → their components, with everything already granted by a broader atom removed. */
class AtomSet {
  readonly atoms = new Map<string, { atom: Atom; components: Set<string> }>();

  add(atom: Atom, component: string): void {
    const key = atomKey(atom);
    const entry = this.atoms.get(key) ?? { atom, components: new Set<string>() };
    entry.components.add(component);
    this.atoms.set(key, entry);
  }

  /** True when this set grants `atom` (exactly, or for any name). */
  grants(atom: Atom): boolean {
    return this.atoms.has(atomKey(atom)) || this.atoms.has(atomKey({ ...atom, name: '' }));
  }

  /** Drops named atoms whose verb is granted for any name, and atoms `broader` already grants. */
  prune(broader?: AtomSet): void {
    for (const [key, { atom }] of this.atoms) {
      const anyName = atom.name !== '' && this.atoms.has(atomKey({ ...atom, name: '' }));
      if (anyName || broader?.grants(atom)) this.atoms.delete(key);
    }
  }

  /** Regroups atoms into as few rules as keep them exact, in a stable order. */
  rules(): MergedRule[] {
    // 1. Per (group, resource, name): its verbs.
    const perName = new Map<string, { atom: Atom; verbs: Set<Verb>; components: Set<string> }>();
    for (const { atom, components } of this.atoms.values()) {
      const key = [atom.group, atom.resource, atom.name].join(SEP);
      const e = perName.get(key) ?? { atom, verbs: new Set<Verb>(), components: new Set<string>() };
      e.verbs.add(atom.verb);
      for (const c of components) e.components.add(c);
      perName.set(key, e);
    }
    // 2. Per (group, resource, verbs): its names. 3. Per (group, verbs, names): its resources.
    const perVerbs = new Map<
      string,
      { group: string; resource: string; verbs: Verb[]; names: Set<string>; components: Set<string> }
    >();
    for (const { atom, verbs, components } of perName.values()) {
      const sorted = VERB_ORDER.filter((v) => verbs.has(v));
      const key = [atom.group, atom.resource, sorted.join(',')].join(SEP);
      const e = perVerbs.get(key) ?? {
        group: atom.group,
        resource: atom.resource,
        verbs: sorted,
        names: new Set<string>(),
        components: new Set<string>(),
      };
      e.names.add(atom.name);
      for (const c of components) e.components.add(c);
      perVerbs.set(key, e);
    }
    const perRule = new Map<string, MergedRule>();
    for (const e of perVerbs.values()) {
      const names = [...e.names].sort();
      const key = [e.group, e.verbs.join(','), names.join(',')].join(SEP);
      const rule = perRule.get(key) ?? {
        apiGroups: [e.group],
        resources: [],
        verbs: e.verbs,
        ...(names[0] !== '' ? { resourceNames: names } : {}),
        components: [],
      };
      rule.resources.push(e.resource);
      rule.components = [...new Set([...rule.components, ...e.components])];
      perRule.set(key, rule);
    }
    const rules = [...perRule.values()];
    for (const r of rules) {
      r.resources.sort();
      r.components.sort();
    }
    return rules.sort((a, b) => compareRules(a, b));
  }
}

function compareRules(a: MergedRule, b: MergedRule): number {
  const key = (r: MergedRule) => [
    r.apiGroups.join(','),
    r.resources.join(','),
    r.resourceNames ? `1${r.resourceNames.join(',')}` : '0',
    String(VERB_ORDER.indexOf(r.verbs[0] ?? 'get')).padStart(2, '0'),
    r.verbs.join(','),
  ];
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) {
    const c = (ka[i] ?? '').localeCompare(kb[i] ?? '');
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Merges the tables. `$OPERATOR_NAMESPACE` becomes `operatorNamespace`. Promises: no rule uses
 * `*` (throws `RbacTableError` instead); every grant of every table is kept, exactly once; the
 * output depends only on what is granted, not on the order of tables or rules.
 */
export function mergeRbacTables(tables: readonly RbacTable[], operatorNamespace: string): MergedRbac {
  const cluster = new AtomSet();
  const namespaced = new Map<string, AtomSet>();
  for (const table of tables) {
    for (const rule of table.cluster) {
      checkRule(table.component, rule);
      for (const atom of atomsOf(rule)) cluster.add(atom, table.component);
    }
    for (const [rawNs, rules] of Object.entries(table.namespaced ?? {})) {
      const ns = rawNs === OPERATOR_NAMESPACE_PLACEHOLDER ? operatorNamespace : rawNs;
      if (ns.includes('$')) throw new RbacTableError(`${table.component}: unknown namespace ${rawNs}`);
      const set = namespaced.get(ns) ?? new AtomSet();
      for (const rule of rules) {
        checkRule(table.component, rule);
        for (const atom of atomsOf(rule)) set.add(atom, table.component);
      }
      namespaced.set(ns, set);
    }
  }
  cluster.prune();
  const out: MergedRbac = { cluster: cluster.rules(), namespaced: [] };
  for (const ns of [...namespaced.keys()].sort()) {
    const set = namespaced.get(ns);
    if (!set) continue;
    set.prune(cluster);
    const rules = set.rules();
    if (rules.length > 0) out.namespaced.push({ namespace: ns, rules });
  }
  return out;
}

/** The rule without its bookkeeping, as written into a Role. */
export function plainRule(rule: MergedRule): Rule {
  return {
    apiGroups: [...rule.apiGroups],
    resources: [...rule.resources],
    ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}),
    verbs: [...rule.verbs],
  };
}
