/**
 * Every object `renderMaestro` produces is accepted by a real kube-apiserver (server-side apply,
 * dry-run, with our field manager), across the settings matrix; Route and ServiceMonitor are
 * served by their upstream CRDs (`hack/upstream-crds.sh capabilities`). Every rendered pod
 * template is admitted by PodSecurity admission at `restricted`. Our Maestro CRD accepts valid
 * Maestro objects and rejects invalid ones.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1PodSpec } from '@kubernetes/client-node';
import { stringify as stringifyYaml } from 'yaml';
import { maestroCrd } from '../../../src/api/maestro-crd.js';
import type { MaestroSpecInput } from '../../../src/api/maestro.js';
import { type ControlPlane, REPO_ROOT, startControlPlane } from '../../harness/control-plane.js';
import type { PlainObject } from '../../harness/maestro-process.js';
import { type InputOptions, render } from './inputs.js';
import { dryRunApply, kubectlRaw } from './kubectl.js';

const run = promisify(execFile);

const HUB_NS = 'open-cluster-management-hub';
const PSA_NS = 'psa-restricted';

let cp: ControlPlane;
const scratch = mkdtempSync(join(tmpdir(), 'mmo-dry-run-'));

beforeAll(async () => {
  const caps = await run('bash', [join(REPO_ROOT, 'hack/upstream-crds.sh'), 'capabilities'], {
    maxBuffer: 16 << 20,
  });
  const capabilityCrds = caps.stdout.trim().split('\n').pop() ?? '';
  const crdFile = join(scratch, 'maestro-crd.yaml');
  writeFileSync(crdFile, stringifyYaml(maestroCrd()));
  cp = await startControlPlane({ name: 'maestro-render', extraCrds: [capabilityCrds, crdFile] });
  await kubectlRaw(cp, ['create', 'namespace', HUB_NS]);
  await kubectlRaw(cp, ['create', 'namespace', PSA_NS]);
  await kubectlRaw(cp, [
    'label',
    'namespace',
    PSA_NS,
    'pod-security.kubernetes.io/enforce=restricted',
    'pod-security.kubernetes.io/enforce-version=latest',
  ]);
}, 300_000);

afterAll(async () => {
  await cp?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Case extends InputOptions {
  name: string;
  /** A Route must be among the objects (the exposed endpoint resolves to one). */
  expectRoute?: boolean;
}

const EXTERNAL_DB = {
  'db.host': 'pg.example.com',
  'db.port': '5432',
  'db.user': 'maestro',
  'db.password': 'ext-password',
  'db.name': 'maestro',
  'db.rootcert': '-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n',
};
const EXTERNAL_BROKER = {
  'config.yaml': [
    'brokerHost: mqtt.example.com:8883',
    'topics:',
    '  sourceEvents: sources/maestro/consumers/+/sourceevents',
    '  agentEvents: sources/maestro/consumers/+/agentevents',
    '',
  ].join('\n'),
};

/** The full matrix: transport × database × broker (mqtt) × replicas × each capability on and off. */
function matrix(): Case[] {
  const cases: Case[] = [];
  for (const transport of ['grpc', 'mqtt'] as const)
    for (const database of ['Embedded', 'External'] as const)
      for (const broker of transport === 'mqtt'
        ? (['Embedded', 'External'] as const)
        : ([undefined] as const))
        for (const availability of ['Basic', 'High'] as const)
          for (const routes of [false, true])
            for (const serviceMonitors of [false, true])
              for (const openshift of [false, true]) {
                const spec: MaestroSpecInput = {
                  transport,
                  ...(database === 'External'
                    ? { database: { type: 'External', external: { secretRef: { name: 'ext-db' } } } }
                    : {}),
                  ...(broker === 'External'
                    ? { broker: { type: 'External', external: { secretRef: { name: 'ext-broker' } } } }
                    : {}),
                };
                cases.push({
                  name: `${transport} db=${database}${broker ? ` broker=${broker}` : ''} replicas=${availability === 'Basic' ? 1 : 2} routes=${routes} serviceMonitors=${serviceMonitors} openshift=${openshift}`,
                  spec,
                  availability,
                  capabilities: { routes, serviceMonitors, openshift },
                  expectRoute: routes && broker !== 'External',
                  external: {
                    ...(database === 'External' ? { database: EXTERNAL_DB } : {}),
                    ...(broker === 'External' ? { broker: EXTERNAL_BROKER } : {}),
                  },
                });
              }
  return cases;
}

/** Settings the matrix doesn't vary: exposures, namespace, sizes, hub NetworkPolicies. */
const extraCases: Case[] = [
  {
    name: 'mqtt broker NodePort with a fixed node port, explicit replicas 3',
    spec: {
      transport: 'mqtt',
      broker: { embedded: { exposure: 'NodePort', hostname: 'mqtt.hub.example.com', nodePort: 30883 } },
      server: { replicas: 3 },
    },
  },
  {
    name: 'mqtt broker ClusterIP with a hostname, namespace maestro-alt, no retention',
    spec: {
      transport: 'mqtt',
      namespace: 'maestro-alt',
      retainDataOnDisable: false,
      broker: { embedded: { exposure: 'ClusterIP', hostname: 'mqtt.example.org' } },
    },
  },
  {
    name: 'mqtt broker explicit Route with a hostname, monitoring on OpenShift',
    spec: {
      transport: 'mqtt',
      broker: { embedded: { exposure: 'Route', hostname: 'mqtt.apps.example.org' } },
    },
    capabilities: { routes: true, serviceMonitors: true, openshift: true },
    expectRoute: true,
  },
  {
    name: 'grpc server LoadBalancer with a hostname, hub NetworkPolicies on, sized database and server',
    spec: {
      transport: 'grpc',
      grpcServer: { exposure: 'LoadBalancer', hostname: 'grpc.hub.example.com' },
      database: {
        embedded: {
          storage: { size: '5Gi', storageClassName: 'fast-ssd' },
          resources: { requests: { cpu: 1, memory: '1Gi' }, limits: { memory: '2Gi' } },
        },
      },
      server: { replicas: 0, logLevel: 6, resources: { limits: { cpu: '2', memory: '1Gi' } } },
    },
    hubNetworkPolicies: true,
  },
  {
    name: 'grpc server explicit LoadBalancer, external database, hub NetworkPolicies on',
    spec: {
      transport: 'grpc',
      grpcServer: { exposure: 'LoadBalancer', hostname: 'grpc.lb.example.com' },
      database: { type: 'External', external: { secretRef: { name: 'ext-db' } } },
    },
    external: { database: EXTERNAL_DB },
    hubNetworkPolicies: true,
  },
];

const cases = [...matrix(), ...extraCases];
/** Pod templates seen by the matrix, for the PodSecurity check (deduplicated by content). */
const podTemplates = new Map<string, { workload: string; spec: V1PodSpec; labels: Record<string, string> }>();

function podOf(workload: PlainObject): { spec: V1PodSpec; labels: Record<string, string> } {
  const spec = workload.spec as {
    template: { metadata?: { labels?: Record<string, string> }; spec: V1PodSpec };
    volumeClaimTemplates?: { metadata: { name: string } }[];
  };
  const pod: V1PodSpec = structuredClone(spec.template.spec);
  // As the StatefulSet controller does: each claim template becomes a PVC volume of the pod.
  for (const t of spec.volumeClaimTemplates ?? []) {
    pod.volumes = [
      ...(pod.volumes ?? []),
      {
        name: t.metadata.name,
        persistentVolumeClaim: { claimName: `${t.metadata.name}-${workload.metadata.name}-0` },
      },
    ];
  }
  return { spec: pod, labels: spec.template.metadata?.labels ?? {} };
}

describe('server-side dry-run apply of every rendered object', () => {
  it('serves the capability kinds (Route, ServiceMonitor) and our Maestro kind', async () => {
    const res = await kubectlRaw(cp, ['api-resources', '-o', 'name']);
    expect(res.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'routes.route.openshift.io',
        'servicemonitors.monitoring.coreos.com',
        'maestros.maestro.multicluster.openshift.io',
      ]),
    );
  });

  it.each(cases)('$name', async (c) => {
    const { result, objects } = await render(c);
    const namespace = objects.find((o) => o.kind === 'Namespace');
    if (!namespace) throw new Error('no Namespace rendered');
    // Namespaced dry-runs need the namespace: create it for real, from the rendered object.
    const created = await kubectlRaw(
      cp,
      ['apply', '--server-side', '--field-manager=mce-maestro-operator', '-f', '-'],
      namespace,
    );
    expect(created).toMatchObject({ code: 0 });

    const items: unknown[] = [...objects, ...(result.clusterManager ? [result.clusterManager] : [])];
    const res = await dryRunApply(cp, items);
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    const applied = res.stdout.trim().split('\n');
    expect(applied).toHaveLength(items.length);
    for (const o of objects) {
      expect(applied.some((line) => line.endsWith(`/${o.metadata.name}`))).toBe(true);
    }
    expect(applied.some((l) => l.startsWith('route.route.openshift.io/'))).toBe(c.expectRoute ?? false);
    if (c.capabilities?.serviceMonitors) {
      expect(applied).toContain('servicemonitor.monitoring.coreos.com/maestro');
    }

    for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
      const pod = podOf(o);
      podTemplates.set(JSON.stringify(pod), { workload: `${o.kind}/${o.metadata.name}`, ...pod });
    }
  });
});

describe('PodSecurity admission at restricted', () => {
  const asPod = (name: string, spec: V1PodSpec, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: PSA_NS, labels },
    spec,
  });

  it('admits a pod from every rendered Deployment and StatefulSet pod template', async () => {
    const templates = [...podTemplates.values()];
    // Deployment maestro and maestro-mqtt, StatefulSet maestro-db, each in several variants.
    expect(new Set(templates.map((t) => t.workload))).toEqual(
      new Set(['Deployment/maestro', 'Deployment/maestro-mqtt', 'StatefulSet/maestro-db']),
    );
    const pods = templates.map((t, i) => asPod(`pod-${i}`, t.spec, t.labels));
    const res = await kubectlRaw(cp, ['create', '--dry-run=server', '-o', 'name', '-f', '-'], {
      apiVersion: 'v1',
      kind: 'List',
      items: pods,
    });
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    expect(res.stdout.trim().split('\n').sort()).toEqual(pods.map((p) => `pod/${p.metadata.name}`).sort());
  });

  it('rejects a pod template without runAsNonRoot (the check is live)', async () => {
    const template = [...podTemplates.values()].find((t) => t.workload === 'Deployment/maestro');
    if (!template) throw new Error('no maestro pod template collected');
    const spec = structuredClone(template.spec);
    delete spec.securityContext?.runAsNonRoot;
    delete spec.securityContext?.runAsUser;
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])])
      delete c.securityContext?.runAsNonRoot;
    const res = await kubectlRaw(
      cp,
      ['create', '--dry-run=server', '-f', '-'],
      asPod('no-run-as-non-root', spec, template.labels),
    );
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('Error from server (Forbidden)');
    expect(res.stderr).toContain('violates PodSecurity "restricted:latest"');
    expect(res.stderr).toContain('runAsNonRoot != true');
  });
});

describe('the Maestro CRD', () => {
  const maestro = (spec: unknown, name = 'cluster') => ({
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'Maestro',
    metadata: { name },
    spec,
  });

  it.each([
    ['defaults', {}],
    [
      'mqtt with an external broker and database',
      {
        transport: 'mqtt',
        database: { type: 'External', external: { secretRef: { name: 'ext-db' } } },
        broker: { type: 'External', external: { secretRef: { name: 'ext-broker' } } },
      },
    ],
    [
      'grpc LoadBalancer with a hostname, pinned images, sizes',
      {
        transport: 'grpc',
        grpcServer: { exposure: 'LoadBalancer', hostname: 'grpc.hub.example.com' },
        images: {
          maestro: 'quay.io/redhat-user-workloads/maestro-rhtap-tenant/maestro/maestro:a6f773d',
          postgresql: `registry.redhat.io/rhel9/postgresql-16@sha256:${'a'.repeat(64)}`,
          mosquitto: 'localhost:5000/eclipse-mosquitto:2.0.18',
        },
        server: { replicas: 3, resources: { requests: { cpu: 1, memory: '512Mi' } } },
        database: { embedded: { storage: { size: '10Gi' } } },
      },
    ],
  ])('accepts %s', async (_name, spec) => {
    const res = await dryRunApply(cp, [maestro(spec)]);
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    expect(res.stdout.trim()).toBe('maestro.maestro.multicluster.openshift.io/cluster');
  });

  it.each([
    ['an unknown transport', maestro({ transport: 'kafka' }), 'spec.transport: Unsupported value: "kafka"'],
    [
      'negative replicas',
      maestro({ server: { replicas: -1 } }),
      'spec.server.replicas: Invalid value: -1: spec.server.replicas in body should be greater than or equal to 0',
    ],
    [
      'a name other than cluster',
      maestro({}, 'maestro'),
      'Maestro is a singleton: the object must be named cluster',
    ],
    [
      'a bad image reference',
      maestro({ images: { maestro: 'Quay.io/Maestro Image' } }),
      'spec.images.maestro: Invalid value',
    ],
    [
      'external settings on an embedded database',
      maestro({ database: { external: { secretRef: { name: 'ext-db' } } } }),
      'external is only valid when type is External',
    ],
    [
      'a node port without NodePort exposure',
      maestro({ transport: 'mqtt', broker: { embedded: { exposure: 'Route', nodePort: 31090 } } }),
      'nodePort is only valid when exposure is NodePort',
    ],
    [
      'a gRPC server NodePort exposure (the import controller cannot use it)',
      maestro({ grpcServer: { exposure: 'NodePort', hostname: 'grpc.hub.example.com' } }),
      'spec.grpcServer.exposure: Unsupported value: "NodePort"',
    ],
    [
      'a gRPC server ClusterIP exposure (the import controller cannot use it)',
      maestro({ grpcServer: { exposure: 'ClusterIP' } }),
      'spec.grpcServer.exposure: Unsupported value: "ClusterIP"',
    ],
  ])('rejects %s', async (_name, obj, message) => {
    const res = await dryRunApply(cp, [obj]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('is invalid');
    expect(res.stderr).toContain(message);
  });

  it('rejects changing the namespace of an existing Maestro', async () => {
    const created = await kubectlRaw(
      cp,
      ['apply', '--server-side', '--field-manager=mce-maestro-operator', '-f', '-'],
      maestro({ namespace: 'maestro' }),
    );
    expect(created.code).toBe(0);
    const res = await dryRunApply(cp, [maestro({ namespace: 'maestro-other' })]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('namespace is immutable');
  });
});
