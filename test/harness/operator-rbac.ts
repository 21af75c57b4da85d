/**
 * The operator as it runs in a cluster: a ServiceAccount bound only to the generated RBAC of
 * `config/rbac/` (the committed files, through kubectl's kustomize), never an administrator, so a
 * permission missing from the controllers' tables fails the test that needs it.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { DEFAULT_OPERAND_NAMESPACE } from '../../src/controllers/maestro/rbac.js';
import { OPERATOR_NAME, OPERATOR_NAMESPACE } from '../../hack/manifests.js';
import { REPO_ROOT, type ControlPlane } from './control-plane.js';

export interface OperatorRbacOptions {
  /**
   * More operand namespaces (Maestro `spec.namespace`): each is created with a copy of the Role
   * and RoleBinding of `maestro`, the way docs/maestro.md tells an admin to.
   */
  operandNamespaces?: string[];
  /**
   * Create the hub namespaces the Roles live in (open-cluster-management-hub, multicluster-engine)
   * when missing, as on an MCE hub (default true). With false, Roles of missing namespaces are
   * left out, as when the operator was installed before MCE.
   */
  createHubNamespaces?: boolean;
}

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** The objects of `config/rbac`, as `kubectl apply -k config/rbac` would create them. */
export async function generatedRbacObjects(cp: ControlPlane): Promise<Obj[]> {
  const yaml = await cp.kubectl(['kustomize', `${REPO_ROOT}/config/rbac`]);
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null && typeof o.kind === 'string');
}

/**
 * Applies the generated RBAC (and the namespaces it needs) to `cp`, and returns a kubeconfig for
 * the operator's ServiceAccount `mce-maestro-operator/mce-maestro-operator`. Idempotent.
 */
export async function operatorKubeconfig(cp: ControlPlane, opts: OperatorRbacOptions = {}): Promise<string> {
  const objects = await generatedRbacObjects(cp);
  const existing = new Set(
    (await cp.kubectl(['get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}']))
      .split(/\s+/)
      .filter(Boolean),
  );
  const created = new Set([
    OPERATOR_NAMESPACE,
    ...objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name),
    ...(opts.operandNamespaces ?? []),
  ]);
  const roleNamespaces = objects.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : []));
  if (opts.createHubNamespaces ?? true) for (const ns of roleNamespaces) created.add(ns);
  const usable = new Set([...existing, ...created]);

  const operand = objects.filter(
    (o) =>
      (o.kind === 'Role' || o.kind === 'RoleBinding') && o.metadata.namespace === DEFAULT_OPERAND_NAMESPACE,
  );
  const copies = (opts.operandNamespaces ?? []).flatMap((ns) =>
    operand.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } })),
  );
  const namespaces = [...created]
    .sort()
    .map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  const rbac = [...objects.filter((o) => o.kind !== 'Namespace'), ...copies].filter(
    (o) => !o.metadata.namespace || usable.has(o.metadata.namespace),
  );
  const apply = (docs: object[]) =>
    cp.kubectl(['apply', '--server-side', '--field-manager=test-harness', '-f', '-'], {
      input: docs.map((d) => stringify(d)).join('---\n'),
    });
  await apply(namespaces);
  await apply(rbac);
  return cp.serviceAccountKubeconfig(OPERATOR_NAMESPACE, OPERATOR_NAME);
}
