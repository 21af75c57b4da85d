/**
 * Who may create or change an AgentRollout, enforced by the API server: a
 * ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, CEL with `authorizer`) and its
 * binding. A rollout changes what runs on every cluster its Placement selects, so a user may roll
 * out only what they could change by hand:
 *
 *  - an add-on target: `update` on that ClusterManagementAddOn (addon.open-cluster-management.io);
 *  - a klusterlet or transport target: `update` on klusterletconfigs
 *    (config.open-cluster-management.io, every name: the rollout writes derived configs);
 *  - klusterlet images only from the allowed registries (the operator's `--allowed-image-registries`).
 *
 * The checks run on CREATE and on an UPDATE that changes `spec.target` or `spec.placementRef`:
 * pausing, approving, resuming or rolling back keeps what an authorized user set up, and an
 * allow-list narrowed later must not lock existing rollouts. Requests of the operator itself (it
 * creates the `maestro-transport` rollout) are exempt by user name.
 *
 * OLM bundles cannot carry ValidatingAdmissionPolicy objects (operator-registry's
 * pkg/lib/bundle/supported_resources.go), so the operator applies these two objects itself at
 * start with its own allow-list and user name; `hack/manifests.ts` writes the same objects with
 * the defaults into `config/admission/` for kustomize installs. The controller checks the
 * registries again (`disallowedImages`), for rollouts created while the policy was missing.
 */
import type { KlusterletImages, RolloutTarget } from './agentrollout.js';
import { AGENT_ROLLOUT_PLURAL } from './agentrollout.js';
import { MAESTRO_GROUP } from './maestro.js';

/** The registries of the product's images (MCE/ACM downstream and OCM/stolostron upstream). */
export const DEFAULT_ALLOWED_IMAGE_REGISTRIES: readonly string[] = [
  'quay.io/stolostron',
  'registry.redhat.io',
  'quay.io/open-cluster-management',
  'registry.access.redhat.com',
];

/** Name of the policy and of its binding. */
export const AGENT_ROLLOUT_POLICY_NAME = 'mce-maestro-operator-agentrollouts';
/** Name of the second policy and binding: the Placement's cluster sets (Placements as params). */
export const AGENT_ROLLOUT_CLUSTER_SETS_POLICY_NAME = 'mce-maestro-operator-agentrollout-clustersets';
/** Every admission object the operator applies (its RBAC names exactly these). */
export const ADMISSION_OBJECT_NAMES = [AGENT_ROLLOUT_POLICY_NAME, AGENT_ROLLOUT_CLUSTER_SETS_POLICY_NAME];

/** The klusterlet image fields, in the order errors name them. */
const IMAGE_FIELDS: readonly (keyof KlusterletImages)[] = ['registrationOperator', 'registration', 'work'];

/**
 * Where an image comes from, as the allow-list names it: everything before the last `/`
 * (`quay.io/stolostron/registration:2.17` → `quay.io/stolostron`), `docker.io` for a bare name.
 */
export function imageRegistry(image: string): string {
  const slash = image.lastIndexOf('/');
  return slash < 0 ? 'docker.io' : image.slice(0, slash);
}

/** True when `image` lies under one of the allowed registry prefixes (whole path segments). */
export function imageAllowed(image: string, allowed: readonly string[]): boolean {
  return allowed.some((r) => image.startsWith(`${r}/`));
}

/**
 * The images of a target that come from a registry not in `allowed`, each as
 * `spec.target.klusterlet.images.registration: registry "evil.io" is not allowed (allowed: …)`.
 * The same words as the admission policy's message.
 */
export function disallowedImages(target: RolloutTarget, allowed: readonly string[]): string[] {
  const images = target.klusterlet?.images;
  if (!images) return [];
  return IMAGE_FIELDS.filter((f) => !imageAllowed(images[f], allowed)).map(
    (f) =>
      `spec.target.klusterlet.images.${f}: registry ${JSON.stringify(imageRegistry(images[f]))} ` +
      `is not allowed (allowed: ${allowed.join(', ')})`,
  );
}

export interface AdmissionPolicyOptions {
  /** Registry prefixes klusterlet images may come from. */
  allowedRegistries: readonly string[];
  /** User names the policy never checks: the operator's own ServiceAccount. */
  exemptUsers: readonly string[];
}

/** An admissionregistration.k8s.io/v1 object, as applied. */
export interface AdmissionObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

/** A CEL string literal. */
const cel = (s: string) => JSON.stringify(s);
const celList = (items: readonly string[]) => `[${items.map(cel).join(', ')}]`;

/** The ValidatingAdmissionPolicy and its binding, in apply order. */
export function agentRolloutAdmissionObjects(opts: AdmissionPolicyOptions): AdmissionObject[] {
  const target = 'object.spec.target';
  const images = `${target}.klusterlet.images`;
  const klusterletConfigs =
    "authorizer.group('config.open-cluster-management.io').resource('klusterletconfigs').check('update').allowed()";
  const match = {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: [
        {
          apiGroups: [MAESTRO_GROUP],
          apiVersions: ['*'],
          operations: ['CREATE', 'UPDATE'],
          resources: [AGENT_ROLLOUT_PLURAL],
          scope: '*',
        },
      ],
      // The API server's defaults, spelled out: matchConstraints is atomic, so kubectl's copy
      // (config/admission) and the operator's apply co-own it only when both are identical.
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
    },
    matchConditions: [
      {
        name: 'not-the-operator',
        expression: `!(request.userInfo.username in ${celList(opts.exemptUsers)})`,
      },
      {
        // Pause, approve, resume and rollback keep what was authorized when the target was set.
        name: 'target-or-placement-changes',
        expression:
          "request.operation == 'CREATE' || !has(oldObject.spec) || !has(object.spec) || " +
          'oldObject.spec.target != object.spec.target || oldObject.spec.placementRef != object.spec.placementRef',
      },
    ],
  };
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: AGENT_ROLLOUT_POLICY_NAME },
    spec: {
      ...match,
      variables: [
        { name: 'allowedRegistries', expression: celList(opts.allowedRegistries) },
        {
          name: 'images',
          expression:
            `has(object.spec) && has(${target}.klusterlet) ? [` +
            IMAGE_FIELDS.map((f) => `[${cel(f)}, string(${images}.${f})]`).join(', ') +
            '] : []',
        },
        {
          name: 'badImages',
          expression:
            "variables.images.filter(i, !variables.allowedRegistries.exists(r, i[1].startsWith(r + '/')))",
        },
      ],
      // The first failing validation is the answer: an image from elsewhere is refused for anyone.
      validations: [
        {
          expression: 'variables.badImages.size() == 0',
          messageExpression:
            "variables.badImages.map(i, 'spec.target.klusterlet.images.' + i[0] + ': registry \"' + " +
            "(i[1].contains('/') ? i[1].substring(0, i[1].lastIndexOf('/')) : 'docker.io') + " +
            "'\" is not allowed (allowed: ' + variables.allowedRegistries.join(', ') + ')').join('; ')",
          reason: 'Invalid',
        },
        {
          expression: `!has(object.spec) || !has(${target}.klusterlet) || ${klusterletConfigs}`,
          message:
            'a klusterlet rollout needs update on klusterletconfigs.config.open-cluster-management.io ' +
            '(every name), as changing the klusterlet by hand would',
          reason: 'Forbidden',
        },
        {
          expression: `!has(object.spec) || !has(${target}.transport) || ${klusterletConfigs}`,
          message:
            'a transport rollout needs update on klusterletconfigs.config.open-cluster-management.io ' +
            '(every name), as changing the transport by hand would',
          reason: 'Forbidden',
        },
        {
          expression:
            `!has(object.spec) || !has(${target}.addOn) || authorizer.group('addon.open-cluster-management.io')` +
            `.resource('clustermanagementaddons').name(${target}.addOn.name).check('update').allowed()`,
          messageExpression:
            `'rolling out add-on ' + ${target}.addOn.name + ' needs update on ` +
            `clustermanagementaddons.addon.open-cluster-management.io/' + ${target}.addOn.name`,
          reason: 'Forbidden',
        },
      ],
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: AGENT_ROLLOUT_POLICY_NAME },
    spec: { policyName: AGENT_ROLLOUT_POLICY_NAME, validationActions: ['Deny'] },
  };

  // The Placement's cluster sets: a policy cannot read other objects, but it can take every
  // Placement of the request's namespace as a param (evaluated once per Placement, all must
  // pass); only the one the rollout names is checked. Binding a set to a namespace needs
  // `create` on managedclustersets/bind of that set, and rolling onto its clusters needs the same.
  // A Placement without clusterSets selects from every set bound to the namespace: that needs
  // bind on every set. No Placement at all in the namespace: allowed, as params are resolved
  // before matchConditions, and `Deny` would also refuse the operator's own transport rollout
  // while the API server's param cache has not yet seen the Placement it just applied. A
  // Placement created or changed after the rollout is not checked again: its own RBAC and the
  // namespace's ManagedClusterSetBindings govern it (docs/agentrollout.md, "Permissions").
  const bind = (name: string) =>
    "authorizer.group('cluster.open-cluster-management.io').resource('managedclustersets')" +
    `.subresource('bind')${name ? `.name(${name})` : ''}.check('create').allowed()`;
  const clusterSets = 'params.spec.clusterSets';
  const setsPolicy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: AGENT_ROLLOUT_CLUSTER_SETS_POLICY_NAME },
    spec: {
      ...match,
      paramKind: { apiVersion: 'cluster.open-cluster-management.io/v1beta1', kind: 'Placement' },
      variables: [
        {
          name: 'named',
          expression: 'has(object.spec) && params.metadata.name == object.spec.placementRef.name',
        },
        {
          name: 'sets',
          expression: `has(params.spec) && has(${clusterSets}) ? ${clusterSets}.map(s, string(s)) : []`,
        },
      ],
      validations: [
        {
          expression: `!variables.named || variables.sets.size() > 0 || ${bind('')}`,
          messageExpression:
            "'Placement ' + params.metadata.name + ' selects from every cluster set bound to the namespace: " +
            "a rollout onto it needs create on managedclustersets/bind (cluster.open-cluster-management.io) of every set'",
          reason: 'Forbidden',
        },
        {
          expression: `!variables.named || variables.sets.all(s, ${bind('s')})`,
          messageExpression:
            "'Placement ' + params.metadata.name + ' selects from cluster sets ' + variables.sets.join(', ') + " +
            "': a rollout onto them needs create on managedclustersets/bind (cluster.open-cluster-management.io) of each'",
          reason: 'Forbidden',
        },
      ],
    },
  };
  const setsBinding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: AGENT_ROLLOUT_CLUSTER_SETS_POLICY_NAME },
    spec: {
      policyName: AGENT_ROLLOUT_CLUSTER_SETS_POLICY_NAME,
      validationActions: ['Deny'],
      // No namespace: the Placements of the rollout's own namespace.
      paramRef: { selector: {}, parameterNotFoundAction: 'Allow' },
    },
  };
  return [policy, binding, setsPolicy, setsBinding];
}
