/**
 * Installing the way the README says, on the local control plane: `kubectl apply -k
 * config/default --server-side` (kubectl's built-in kustomize) on a hub that has MCE's namespaces
 * and the monitoring CRDs, then the samples and the MultiClusterEngine patch. Then what the
 * installed ServiceAccount may do, asked of the API server itself: Secrets only in the operand
 * namespace.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';

const run = promisify(execFile);
const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';
const SA = 'system:serviceaccount:mce-maestro-operator:mce-maestro-operator';

/** The PrometheusRule CRD from the pinned prometheus-operator module (hack/versions.env). */
async function prometheusRuleCrd(): Promise<string> {
  const env = readFileSync(join(REPO_ROOT, 'hack/versions.env'), 'utf8');
  const version = /^PROMETHEUS_OPERATOR_VERSION=(\S+)$/m.exec(env)?.[1];
  if (!version) throw new Error('PROMETHEUS_OPERATOR_VERSION is not in hack/versions.env');
  const dir = mkdtempSync(join(tmpdir(), 'mmo-gomod-'));
  try {
    const { stdout } = await run(
      'go',
      ['mod', 'download', '-json', `github.com/prometheus-operator/prometheus-operator@${version}`],
      { cwd: dir, env: { ...process.env, GOFLAGS: '-mod=mod' }, maxBuffer: 16 << 20 },
    );
    const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
    return join(moduleDir, 'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let cp: ControlPlane;
const kubectl = (...args: string[]) => cp.kubectl(args);
const canI = async (...args: string[]) =>
  (
    await cp
      .kubectl(['auth', 'can-i', `--as=${SA}`, ...args])
      .catch((err: { stdout?: string }) => err.stdout ?? '')
  ).trim();

beforeAll(async () => {
  const capabilities = lastLine(
    (await run('bash', [join(REPO_ROOT, 'hack/upstream-crds.sh'), 'capabilities'])).stdout,
  );
  cp = await startControlPlane({
    name: 'ship',
    ownCrds: false,
    extraCrds: [capabilities, await prometheusRuleCrd()],
  });
  // What an MCE hub has before the operator is installed.
  for (const ns of [
    'open-cluster-management-hub',
    'multicluster-engine',
    'open-cluster-management-global-set',
  ])
    await kubectl('create', 'namespace', ns);
  await cp.kubectl(['apply', '--server-side', '-f', '-'], {
    input:
      'apiVersion: multicluster.openshift.io/v1\nkind: MultiClusterEngine\nmetadata:\n  name: multiclusterengine\nspec: {}\n',
  });
}, 300_000);

afterAll(async () => {
  await cp?.stop();
});

describe('install with kubectl apply -k', () => {
  it('applies config/default server-side', async () => {
    const out = await kubectl(
      'apply',
      '-k',
      join(REPO_ROOT, 'config/default'),
      '--server-side',
      '--field-manager=installer',
    );
    expect(out).toContain('deployment.apps/mce-maestro-operator serverside-applied');
    expect(out).toContain('clusterrole.rbac.authorization.k8s.io/mce-maestro-operator serverside-applied');
    expect(out).toContain('servicemonitor.monitoring.coreos.com/mce-maestro-operator serverside-applied');
    expect(out).toContain('prometheusrule.monitoring.coreos.com/mce-maestro-operator serverside-applied');
    expect(out).toContain('networkpolicy.networking.k8s.io/mce-maestro-operator serverside-applied');
    await kubectl(
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/maestros.maestro.multicluster.openshift.io',
      'crd/agentrollouts.maestro.multicluster.openshift.io',
    );
    const deployment = JSON.parse(
      await kubectl('get', 'deployment', '-n', 'mce-maestro-operator', 'mce-maestro-operator', '-o', 'json'),
    ) as {
      spec: {
        template: {
          spec: { serviceAccountName: string; containers: { args: string[]; env: { name: string }[] }[] };
        };
      };
    };
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('mce-maestro-operator');
    expect(pod.containers[0]?.args).toContain('--leader-elect');
    expect(pod.containers[0]?.env.map((e) => e.name)).toEqual(
      expect.arrayContaining([
        'OPERAND_IMAGE_MAESTRO',
        'OPERAND_IMAGE_POSTGRESQL',
        'OPERAND_IMAGE_MOSQUITTO',
        'OPERAND_IMAGE_CLOUDEVENTS_CONDUCTOR',
        'OPERAND_IMAGE_KUBE_RBAC_PROXY',
      ]),
    );
    // Applying again changes nothing and conflicts with nobody.
    await kubectl(
      'apply',
      '-k',
      join(REPO_ROOT, 'config/default'),
      '--server-side',
      '--field-manager=installer',
    );
  });

  it('applies every sample, and the MultiClusterEngine patch turns Maestro on', async () => {
    const out = await kubectl(
      'apply',
      '-k',
      join(REPO_ROOT, 'config/samples'),
      '--server-side',
      '--field-manager=admin',
    );
    expect(out).toContain('maestro.maestro.multicluster.openshift.io/cluster serverside-applied');
    for (const name of ['klusterlet-2-17-1', 'managed-serviceaccount-2-17-1', 'transport-grpc'])
      expect(out).toContain(`agentrollout.maestro.multicluster.openshift.io/${name} serverside-applied`);
    await kubectl(
      'patch',
      'mce',
      'multiclusterengine',
      '--type=merge',
      '--patch-file',
      join(REPO_ROOT, 'config/samples/multiclusterengine-enable-maestro.patch.yaml'),
    );
    const components = await kubectl(
      'get',
      'mce',
      'multiclusterengine',
      '-o',
      'jsonpath={.spec.overrides.components}',
    );
    expect(JSON.parse(components)).toEqual([{ name: 'maestro', enabled: true }]);
    // Defaults filled in by the API server from the generated schema.
    expect(await kubectl('get', 'maestro', 'cluster', '-o', 'jsonpath={.spec.namespace}')).toBe('maestro');
  });

  it('lets the operator read Secrets only in the operand namespace', async () => {
    expect(await canI('get', 'secrets', '-n', 'maestro')).toBe('yes');
    expect(await canI('list', 'secrets', '-n', 'maestro')).toBe('yes');
    for (const ns of [
      'mce-maestro-operator',
      'open-cluster-management-hub',
      'multicluster-engine',
      'default',
      'kube-system',
    ])
      expect({ ns, answer: await canI('get', 'secrets', '-n', ns) }).toEqual({ ns, answer: 'no' });
    expect(await canI('list', 'secrets', '--all-namespaces')).toBe('no');
    // And what it needs elsewhere: its Lease, the MCE status, its CRs.
    expect(await canI('update', 'leases/mce-maestro-operator', '-n', 'mce-maestro-operator')).toBe('yes');
    expect(await canI('patch', 'multiclusterengines.multicluster.openshift.io', '--subresource=status')).toBe(
      'yes',
    );
    expect(await canI('list', 'agentrollouts.maestro.multicluster.openshift.io', '--all-namespaces')).toBe(
      'yes',
    );
    expect(await canI('delete', 'namespaces/kube-system')).toBe('no');
  });
});
