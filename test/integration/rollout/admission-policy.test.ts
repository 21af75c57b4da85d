/**
 * The AgentRollout admission policy on a real kube-apiserver: the operator applies it with only
 * its generated RBAC, and two users who may both create AgentRollouts in a namespace get
 * different answers: the one who may also update the ClusterManagementAddOn and klusterletconfigs
 * is allowed, the other is refused with the policy's message; an image from a registry not
 * allowed is refused for both; the operator's own ServiceAccount passes.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_ALLOWED_IMAGE_REGISTRIES } from '../../../src/api/agentrollout-admission.js';
import { AGENT_ROLLOUT_API_VERSION, type AgentRolloutSpecInput } from '../../../src/api/agentrollout.js';
import { applyAdmissionPolicy } from '../../../src/controllers/rollout/admission.js';
import { TRANSPORT_ROLLOUT_NAME } from '../../../src/controllers/maestro/constants.js';
import { KubeClient, silentLogger, type KubeObject } from '../../../src/runtime/index.js';
import { REPO_ROOT, type ControlPlane } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { operatorKubeconfig } from '../../harness/operator-rbac.js';
import { startControlPlaneWithOwnCrds } from '../../harness/own-crds.js';

const NS = 'team-a';
const ADDON = 'managed-serviceaccount';
const IMAGES = {
  registrationOperator: 'quay.io/stolostron/registration-operator:2.17.0',
  registration: 'quay.io/stolostron/registration:2.17.0',
  work: 'quay.io/stolostron/work:2.17.0',
};
const addOnTarget = { addOn: { name: ADDON, version: '2.17.0', config: { name: `${ADDON}-2.17.0` } } };
const klusterletTarget = { klusterlet: { version: '2.17.0', images: IMAGES } };
const evilTarget = {
  klusterlet: { version: '2.17.0', images: { ...IMAGES, registration: 'evil.io/registration:2.17.0' } },
};
const EVIL_MESSAGE =
  'spec.target.klusterlet.images.registration: registry "evil.io" is not allowed (allowed: ' +
  `${DEFAULT_ALLOWED_IMAGE_REGISTRIES.join(', ')})`;

function clientFor(path: string): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return new KubeClient({ kubeConfig: kc });
}

function rollout(
  name: string,
  target: AgentRolloutSpecInput['target'],
  namespace = NS,
  placement = 'team-a',
): KubeObject {
  return {
    apiVersion: AGENT_ROLLOUT_API_VERSION,
    kind: 'AgentRollout',
    metadata: { name, namespace },
    spec: { target, placementRef: { name: placement } },
  } as KubeObject;
}

/** The API server's answer to a create: 'allowed' or the error message. */
async function tryCreate(client: KubeClient, obj: KubeObject): Promise<string> {
  try {
    await client.create(obj);
    return 'allowed';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('AgentRollout admission policy (real API server)', () => {
  let cp: ControlPlane;
  let admin: KubeClient;
  let operator: KubeClient;
  let hubAdmin: KubeClient;
  let author: KubeClient;
  let addOnAdmin: KubeClient;

  beforeAll(async () => {
    cp = await startControlPlaneWithOwnCrds({ name: 'rollout-admission' });
    admin = new KubeClient({ kubeConfig: cp.kubeConfig() });
    operator = clientFor(await operatorKubeconfig(cp));
    const yaml = `
apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: v1
kind: Namespace
metadata: {name: open-cluster-management-global-set}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: hub-admin, namespace: ${NS}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: author, namespace: ${NS}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: addon-admin, namespace: ${NS}}
---
apiVersion: cluster.open-cluster-management.io/v1beta1
kind: Placement
metadata: {name: team-a, namespace: ${NS}}
spec: {clusterSets: [team-a-set]}
---
apiVersion: cluster.open-cluster-management.io/v1beta1
kind: Placement
metadata: {name: everything, namespace: ${NS}}
spec: {}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rollout-author, namespace: ${NS}}
rules:
  - apiGroups: [maestro.multicluster.openshift.io]
    resources: [agentrollouts]
    verbs: [get, list, create, update, patch, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rollout-authors, namespace: ${NS}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: rollout-author}
subjects:
  - {kind: ServiceAccount, name: hub-admin, namespace: ${NS}}
  - {kind: ServiceAccount, name: author, namespace: ${NS}}
  - {kind: ServiceAccount, name: addon-admin, namespace: ${NS}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: hub-agent-admin}
rules:
  - apiGroups: [config.open-cluster-management.io]
    resources: [klusterletconfigs]
    verbs: [update]
  - apiGroups: [addon.open-cluster-management.io]
    resources: [clustermanagementaddons]
    resourceNames: [${ADDON}]
    verbs: [update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: hub-agent-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: hub-agent-admin}
subjects:
  - {kind: ServiceAccount, name: hub-admin, namespace: ${NS}}
  - {kind: ServiceAccount, name: addon-admin, namespace: ${NS}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: team-a-set-binder}
rules:
  - apiGroups: [cluster.open-cluster-management.io]
    resources: [managedclustersets/bind]
    resourceNames: [team-a-set]
    verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: team-a-set-binder}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: team-a-set-binder}
subjects:
  - {kind: ServiceAccount, name: hub-admin, namespace: ${NS}}
  # The author may bind the team's set: the checks below are about the target alone (the API
  # server reports one of several denying policies, in no fixed order).
  - {kind: ServiceAccount, name: author, namespace: ${NS}}
`;
    await cp.kubectl(['apply', '--server-side', '-f', '-'], { input: yaml });
    hubAdmin = clientFor(await cp.serviceAccountKubeconfig(NS, 'hub-admin'));
    author = clientFor(await cp.serviceAccountKubeconfig(NS, 'author'));
    addOnAdmin = clientFor(await cp.serviceAccountKubeconfig(NS, 'addon-admin'));

    // The operator applies the policy with nothing but its generated, name-restricted RBAC.
    expect(await applyAdmissionPolicy(operator, DEFAULT_ALLOWED_IMAGE_REGISTRIES, silentLogger)).toBe(true);
    // The API server loads each new policy, and the Placements the cluster-set policy reads as
    // parameters, asynchronously: wait until both refuse (CI once saw the cluster-set policy
    // allow the first rollout after the other was already in force).
    let probe = 0;
    await eventually(
      async () =>
        expect(await tryCreate(author, rollout(`probe-${probe++}`, addOnTarget))).not.toBe('allowed'),
      { timeout: 30_000, message: 'the permissions policy is in force' },
    );
    await eventually(
      async () =>
        expect(await tryCreate(addOnAdmin, rollout(`probe-${probe++}`, addOnTarget))).toContain(
          'needs create on managedclustersets/bind',
        ),
      { timeout: 30_000, message: 'the cluster-set policy is in force' },
    );
  }, 300_000);

  afterAll(async () => {
    for (const c of [admin, operator, hubAdmin, author, addOnAdmin]) c?.close();
    await cp?.stop();
  });

  it('refuses a user who may create AgentRollouts but not change the add-on or the klusterlet', async () => {
    expect(await tryCreate(author, rollout('a-addon', addOnTarget))).toContain(
      `rolling out add-on ${ADDON} needs update on clustermanagementaddons.addon.open-cluster-management.io/${ADDON}`,
    );
    expect(await tryCreate(author, rollout('a-klusterlet', klusterletTarget))).toContain(
      'a klusterlet rollout needs update on klusterletconfigs.config.open-cluster-management.io',
    );
    expect(await tryCreate(author, rollout('a-transport', { transport: { type: 'grpc' } }))).toContain(
      'a transport rollout needs update on klusterletconfigs.config.open-cluster-management.io',
    );
    // Another add-on than the one hub-admin may update: refused for hub-admin too.
    const other = { addOn: { ...addOnTarget.addOn, name: 'cluster-proxy' } };
    expect(await tryCreate(hubAdmin, rollout('h-other-addon', other))).toContain(
      'rolling out add-on cluster-proxy needs update',
    );
  });

  it('allows a user who could make the same change by hand', async () => {
    expect(await tryCreate(hubAdmin, rollout('h-addon', addOnTarget))).toBe('allowed');
    expect(await tryCreate(hubAdmin, rollout('h-klusterlet', klusterletTarget))).toBe('allowed');
    expect(await tryCreate(hubAdmin, rollout('h-transport', { transport: { type: 'mqtt' } }))).toBe(
      'allowed',
    );
  });

  it("refuses a rollout onto cluster sets the user may not bind, read from the rollout's Placement", async () => {
    expect(await tryCreate(addOnAdmin, rollout('o-addon', addOnTarget))).toContain(
      'Placement team-a selects from cluster sets team-a-set: a rollout onto them needs create on managedclustersets/bind',
    );
    expect(await tryCreate(hubAdmin, rollout('h-everything', addOnTarget, NS, 'everything'))).toContain(
      'Placement everything selects from every cluster set bound to the namespace',
    );
  });

  it('refuses an image from a registry not allowed, for both users', async () => {
    expect(await tryCreate(hubAdmin, rollout('h-evil', evilTarget))).toContain(EVIL_MESSAGE);
    expect(await tryCreate(author, rollout('a-evil', evilTarget))).toContain(EVIL_MESSAGE);
    // A look-alike prefix is not the allowed organization.
    const lookAlike = {
      klusterlet: {
        ...klusterletTarget.klusterlet,
        images: { ...IMAGES, work: 'quay.io/stolostron-evil/work:1' },
      },
    };
    expect(await tryCreate(hubAdmin, rollout('h-look-alike', lookAlike))).toContain(
      'spec.target.klusterlet.images.work: registry "quay.io/stolostron-evil" is not allowed',
    );
  });

  it('lets an author pause an authorized rollout but not retarget it', async () => {
    await hubAdmin.create(rollout('shared', addOnTarget));
    const ref = {
      apiVersion: AGENT_ROLLOUT_API_VERSION,
      kind: 'AgentRollout',
      name: 'shared',
      namespace: NS,
    };
    await author.patch(ref, { spec: { paused: true } }, 'merge');
    const retarget = author.patch(ref, { spec: { target: { addOn: { version: '2.18.0' } } } }, 'merge');
    await expect(retarget).rejects.toThrow(/rolling out add-on managed-serviceaccount needs update/);
    await expect(
      author.patch(ref, { spec: { target: { addOn: null, ...klusterletTarget } } }, 'merge'),
    ).rejects.toThrow(/needs update on klusterletconfigs/);
  });

  it("passes the operator's own ServiceAccount (the maestro-transport rollout)", async () => {
    const obj = rollout(
      TRANSPORT_ROLLOUT_NAME,
      { transport: { type: 'grpc' } },
      'open-cluster-management-global-set',
    );
    // It writes with server-side apply, its RBAC allowing this one name.
    const applied = operator.apply(obj).then(
      () => 'allowed',
      (err: Error) => err.message,
    );
    expect(await applied).toBe('allowed');
  });

  it('ships the same policy for kustomize installs (config/admission), valid on the API server', async () => {
    const out = await cp.kubectl([
      'apply',
      '--server-side',
      '--dry-run=server',
      '--field-manager=kubectl-test',
      '-k',
      `${REPO_ROOT}/config/admission`,
    ]);
    expect(out).toContain(
      'validatingadmissionpolicy.admissionregistration.k8s.io/mce-maestro-operator-agentrollouts',
    );
    expect(out).toContain(
      'validatingadmissionpolicybinding.admissionregistration.k8s.io/mce-maestro-operator-agentrollout-clustersets',
    );
  });

  it('carries the allow-list the operator was started with', async () => {
    expect(await applyAdmissionPolicy(operator, ['registry.example.com/mirror'], silentLogger)).toBe(true);
    const mirrored = {
      klusterlet: {
        version: '2.17.0',
        images: {
          registrationOperator: 'registry.example.com/mirror/registration-operator:2.17.0',
          registration: 'registry.example.com/mirror/registration:2.17.0',
          work: 'registry.example.com/mirror/work:2.17.0',
        },
      },
    };
    let n = 0;
    await eventually(
      async () => expect(await tryCreate(hubAdmin, rollout(`mirror-${n++}`, mirrored))).toBe('allowed'),
      { timeout: 30_000, message: 'the new allow-list is in force' },
    );
    expect(await tryCreate(hubAdmin, rollout('h-stolostron', klusterletTarget))).toContain(
      'registry "quay.io/stolostron" is not allowed (allowed: registry.example.com/mirror)',
    );
  });
});
