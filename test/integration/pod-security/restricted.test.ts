/**
 * Every pod the operator runs or delivers meets the restricted Pod Security profile on any
 * Kubernetes: the operator's own Deployment (config/manager/manager.yaml), each Deployment and
 * StatefulSet the Maestro render produces (grpc, mqtt with the embedded broker; on OpenShift and
 * elsewhere) and the Maestro agent Deployment the mqtt rollout delivers to managed clusters.
 *
 * Two checks per pod template:
 * - PodSecurity admission of a real kube-apiserver, in a namespace that enforces and warns at
 *   `restricted:latest`: the pod is admitted with no warning.
 * - The kubelet's `runAsNonRoot` check, which admission can't make because it needs the image's
 *   user: off OpenShift (where nothing assigns a UID) each container must run as a numeric non-root
 *   UID, either its own `runAsUser` or its image's numeric USER. Only our own image's USER is known
 *   here (the Dockerfile); Maestro's image sets none (root) and eclipse-mosquitto starts as root.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { maestroAgentWork } from '../../../src/controllers/rollout/drivers/maestro-agent.js';
import { type ControlPlane, REPO_ROOT, startControlPlane } from '../../harness/control-plane.js';
import type { PlainObject } from '../../harness/maestro-process.js';
import { type InputOptions, render } from '../maestro-render/inputs.js';
import { kubectlRaw, list } from '../maestro-render/kubectl.js';

const NS = 'psa-restricted';

interface Template {
  name: string;
  /** Whether the pod runs on OpenShift, where the SCC assigns the UID. */
  openshift: boolean;
  spec: V1PodSpec;
  labels: Record<string, string>;
}

/** The pod a workload's template makes (a StatefulSet's claim templates become PVC volumes). */
function podOf(name: string, workload: PlainObject, openshift: boolean): Template {
  const spec = workload.spec as {
    template: { metadata?: { labels?: Record<string, string> }; spec: V1PodSpec };
    volumeClaimTemplates?: { metadata: { name: string } }[];
  };
  const pod = structuredClone(spec.template.spec);
  for (const t of spec.volumeClaimTemplates ?? []) {
    pod.volumes = [
      ...(pod.volumes ?? []),
      { name: t.metadata.name, persistentVolumeClaim: { claimName: `${t.metadata.name}-0` } },
    ];
  }
  return { name, openshift, spec: pod, labels: spec.template.metadata?.labels ?? {} };
}

/** The operator image's USER, from the last USER line of our Dockerfile. */
function operatorImageUser(): string {
  const users = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .map((l) => /^USER\s+(\S+)/.exec(l.trim())?.[1])
    .filter((u): u is string => u !== undefined);
  const user = users.pop();
  if (!user) throw new Error('Dockerfile sets no USER');
  return user;
}

function operatorTemplate(): Template {
  const deployment = parseYaml(
    readFileSync(join(REPO_ROOT, 'config/manager/manager.yaml'), 'utf8'),
  ) as PlainObject;
  // OLM runs the same pod spec on OpenShift and elsewhere; the image's numeric USER covers both.
  return podOf('operator', deployment, false);
}

async function renderedTemplates(): Promise<Template[]> {
  const modes: [string, InputOptions['spec']][] = [
    ['grpc', { transport: 'grpc' }],
    ['mqtt', { transport: 'mqtt', broker: { type: 'Embedded' } }],
  ];
  const out: Template[] = [];
  for (const [mode, spec] of modes)
    for (const openshift of [false, true]) {
      const { objects } = await render({ spec, capabilities: { openshift } });
      for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet'))
        out.push(podOf(`${mode}-${o.metadata.name}-openshift-${openshift}`, o, openshift));
    }
  return out;
}

function agentTemplate(openshift: boolean): Template {
  const work = maestroAgentWork(
    'cluster1',
    {
      image: 'quay.io/redhat-user-workloads/maestro-rhtap-tenant/maestro/maestro:a6f773d',
      brokerHost: 'mqtt.hub.example.com:443',
      caCert: 'ca',
      clientCert: 'cert',
      clientKey: 'key',
      openshift,
    },
    {},
  ) as { spec: { workload: { manifests: PlainObject[] } } };
  const deployment = work.spec.workload.manifests.find((m) => m.kind === 'Deployment');
  if (!deployment) throw new Error('the agent work has no Deployment');
  return podOf(`agent-openshift-${openshift}`, deployment, openshift);
}

/**
 * The kubelet's runAsNonRoot verification (kubernetes pkg/kubelet/kuberuntime
 * `verifyRunAsNonRoot`): with runAsNonRoot, a set runAsUser must be non-zero; otherwise the
 * image's user must be numeric and non-zero. `imageUser` is the image's USER ('' = none = root).
 */
function runAsNonRootError(pod: V1PodSpec, c: V1Container, imageUser: string): string | null {
  const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
  if (!nonRoot) return null;
  const uid = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
  if (uid !== undefined) return uid === 0 ? "container's runAsUser breaks non-root policy" : null;
  if (imageUser === '' || imageUser === '0') return 'container has runAsNonRoot and image will run as root';
  if (!/^\d+$/.test(imageUser))
    return `container has runAsNonRoot and image has non-numeric user (${imageUser}), cannot verify user is non-root`;
  return null;
}

let cp: ControlPlane;
let templates: Template[];

beforeAll(async () => {
  cp = await startControlPlane({ name: 'pod-security', upstreamCrds: false, ownCrds: false });
  const ns = await kubectlRaw(cp, ['create', '-f', '-'], {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: NS,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'latest',
      },
    },
  });
  expect(ns).toMatchObject({ code: 0 });
  templates = [operatorTemplate(), ...(await renderedTemplates()), agentTemplate(false), agentTemplate(true)];
}, 300_000);

afterAll(async () => {
  await cp?.stop();
});

const asPod = (t: Template) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: t.name, namespace: NS, labels: t.labels },
  spec: t.spec,
});

describe('the restricted Pod Security profile', () => {
  it('collects the operator, every rendered workload and the agent', () => {
    expect(templates.map((t) => t.name).sort()).toEqual(
      [
        'operator',
        ...['grpc', 'mqtt'].flatMap((mode) =>
          [false, true].flatMap((o) => [
            `${mode}-maestro-openshift-${o}`,
            `${mode}-maestro-db-openshift-${o}`,
            ...(mode === 'mqtt' ? [`mqtt-maestro-mqtt-openshift-${o}`] : []),
          ]),
        ),
        'agent-openshift-false',
        'agent-openshift-true',
      ].sort(),
    );
  });

  it('admits a pod from every template with no warning', async () => {
    const pods = templates.map(asPod);
    const res = await kubectlRaw(cp, ['create', '--dry-run=server', '-o', 'name', '-f', '-'], list(pods));
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    expect(res.stdout.trim().split('\n').sort()).toEqual(pods.map((p) => `pod/${p.metadata.name}`).sort());
  });

  it('refuses a pod that breaks the profile (admission is live)', async () => {
    const t = structuredClone(agentTemplate(false));
    t.name = 'privileged-escalation';
    for (const c of t.spec.containers)
      c.securityContext = { ...c.securityContext, allowPrivilegeEscalation: true };
    const res = await kubectlRaw(cp, ['create', '--dry-run=server', '-f', '-'], asPod(t));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('violates PodSecurity "restricted:latest"');
    expect(res.stderr).toContain('allowPrivilegeEscalation != false');
  });

  it('runs every container as a numeric non-root UID off OpenShift (the kubelet check)', () => {
    const operatorUser = operatorImageUser();
    const errors = templates
      .filter((t) => !t.openshift)
      .flatMap((t) =>
        [...(t.spec.initContainers ?? []), ...t.spec.containers].map((c) => {
          // Only our own image's USER is known; any other image counts as root (Maestro's is).
          const user = t.name === 'operator' ? operatorUser : '';
          return { pod: t.name, container: c.name, error: runAsNonRootError(t.spec, c, user) };
        }),
      )
      .filter((e) => e.error !== null);
    expect(errors).toEqual([]);
  });

  it('leaves the UID to the SCC on OpenShift', () => {
    for (const t of templates.filter((x) => x.openshift)) {
      expect({ pod: t.name, runAsUser: t.spec.securityContext?.runAsUser }).toEqual({
        pod: t.name,
        runAsUser: undefined,
      });
      expect(t.spec.securityContext?.runAsNonRoot).toBe(true);
    }
  });

  it('the kubelet check refuses a root image without runAsUser (the check is live)', () => {
    const t = agentTemplate(false);
    const spec = structuredClone(t.spec);
    delete spec.securityContext?.runAsUser;
    const [c] = spec.containers;
    if (!c) throw new Error('the agent pod has no container');
    expect(runAsNonRootError(spec, c, '')).toBe('container has runAsNonRoot and image will run as root');
    expect(runAsNonRootError(spec, c, 'maestro')).toContain('non-numeric user (maestro)');
    expect(runAsNonRootError(spec, c, '1001')).toBeNull();
  });
});
