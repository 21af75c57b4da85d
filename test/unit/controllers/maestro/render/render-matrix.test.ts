import { describe, expect, it } from '@jest/globals';
import { planeFor } from '../../../../../src/api/planes.js';
import {
  MANAGED_BY,
  PART_OF,
  PRUNABLE_KINDS,
  renderMaestro,
  type KubeObject,
  type RenderResult,
} from '../../../../../src/controllers/maestro/render/index.js';
import { type Container, EXTERNAL_DB, find, has, type PodTemplateOwner, renderInput } from './fixtures.js';

type Case = {
  transport: 'grpc' | 'mqtt';
  database: 'Embedded' | 'External';
  replicas: 1 | 2;
  routes: boolean;
  openshift: boolean;
};

const cases: Case[] = [];
for (const transport of ['grpc', 'mqtt'] as const)
  for (const database of ['Embedded', 'External'] as const)
    for (const replicas of [1, 2] as const)
      for (const routes of [true, false])
        for (const openshift of [true, false])
          cases.push({ transport, database, replicas, routes, openshift });

function render(c: Case): RenderResult {
  return renderMaestro(
    renderInput({
      spec: {
        transport: c.transport,
        database:
          c.database === 'External' ? { type: 'External', external: { secretRef: { name: 'ext-db' } } } : {},
      },
      replicas: c.replicas,
      routes: c.routes,
      openshift: c.openshift,
      external: c.database === 'External' ? { database: EXTERNAL_DB } : {},
    }),
  );
}

function podOwners(result: RenderResult): PodTemplateOwner[] {
  return result.objects
    .filter((o) => o.object.kind === 'Deployment' || o.object.kind === 'StatefulSet')
    .map((o) => o.object as unknown as PodTemplateOwner);
}

function allContainers(result: RenderResult): Container[] {
  return podOwners(result).flatMap((w) => [
    ...w.spec.template.spec.containers,
    ...(w.spec.template.spec.initContainers ?? []),
  ]);
}

describe.each(cases)('render %o', (c) => {
  const result = render(c);
  const server = find<PodTemplateOwner>(result, 'Deployment', 'maestro');
  const service = server.spec.template.spec.containers.find((x) => x.name === 'service');
  const command = service?.command ?? [];

  it('labels every object for pruning and names its piece', () => {
    for (const { object } of result.objects) {
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': MANAGED_BY,
        'app.kubernetes.io/part-of': PART_OF,
        'app.kubernetes.io/name': object.metadata.name,
      });
      expect(object.metadata.labels['app.kubernetes.io/component']).toBeTruthy();
    }
  });

  it('gives every non-retained object one non-controller owner reference to the MCE, retained data none', () => {
    for (const { object, retained } of result.objects) {
      if (retained) {
        expect(object.metadata.ownerReferences).toBeUndefined();
      } else {
        expect(object.metadata.ownerReferences).toEqual([
          {
            apiVersion: 'multicluster.openshift.io/v1',
            kind: 'MultiClusterEngine',
            name: 'multiclusterengine',
            uid: expect.any(String),
            controller: false,
            blockOwnerDeletion: false,
          },
        ]);
      }
    }
    const retained = result.objects
      .filter((o) => o.retained)
      .map((o) => `${o.object.kind}/${o.object.metadata.name}`);
    const expected = ['Namespace/maestro'];
    if (c.database === 'Embedded') expected.push('Secret/maestro-db-config', 'Secret/maestro-db-ca');
    if (c.transport === 'mqtt') expected.push('Secret/maestro-mqtt-ca');
    expect(retained.sort()).toEqual(expected.sort());
  });

  it('passes the flags of the transport', () => {
    if (c.transport === 'grpc') {
      expect(command).toContain('--disable-message-broker=true');
      expect(command.some((f) => f.startsWith('--message-broker-type'))).toBe(false);
    } else {
      expect(command).toContain('--message-broker-type=mqtt');
      expect(command).toContain('--message-broker-config-file=/secrets/mqtt/config.yaml');
      expect(command).not.toContain('--disable-message-broker=true');
    }
    expect(command).toEqual(
      expect.arrayContaining([
        '--http-server-bindport=8001',
        '--grpc-server-bindport=8090',
        '--health-check-server-bindport=8083',
        '--metrics-server-bindport=8080',
        '--enable-grpc-server=true',
        '--client-id=maestro-$(POD_NAME)',
      ]),
    );
  });

  it('reads database files from the right Secret keys', () => {
    const prefix = c.database === 'Embedded' ? '/secrets/rds/' : '/secrets/rds/db.';
    for (const key of ['host', 'port', 'user', 'password', 'name']) {
      expect(command).toContain(`--db-${key}-file=${prefix}${key}`);
    }
    const rds = server.spec.template.spec.volumes.find((v) => v.name === 'rds');
    expect(rds?.secret?.secretName).toBe(c.database === 'Embedded' ? 'maestro-db-config' : 'ext-db');
    const migration = server.spec.template.spec.initContainers?.[0];
    expect(migration?.name).toBe('migration');
    expect(migration?.command?.slice(0, 2)).toEqual(['/usr/local/bin/maestro', 'migration']);
  });

  it('has a PodDisruptionBudget only with more than one replica', () => {
    expect(server.spec.replicas).toBe(c.replicas);
    expect(has(result, 'PodDisruptionBudget', 'maestro')).toBe(c.replicas > 1);
  });

  it('uses a shared subscription only for mqtt with more than one replica', () => {
    const shared = c.transport === 'mqtt' && c.replicas > 1;
    expect(command.includes('--subscription-type=shared')).toBe(shared);
    if (c.transport === 'mqtt') {
      const secret = find<{ data: Record<string, string> }>(result, 'Secret', 'maestro-mqtt');
      const config = Buffer.from(secret.data['config.yaml'] ?? '', 'base64').toString();
      expect(config.includes('$share/statussubscribers/sources/maestro/consumers/+/agentevents')).toBe(
        shared,
      );
    }
  });

  it('exposes the ports and probes upstream defines', () => {
    expect(service?.ports?.map((p) => [p.name, p.containerPort])).toEqual([
      ['rest-upstream', 8001],
      ['grpc', 8090],
      ['health', 8083],
      ['metrics', 8080],
    ]);
    expect(service?.livenessProbe).toMatchObject({ httpGet: { path: '/livez', port: 8083 } });
    expect(service?.readinessProbe).toMatchObject({ httpGet: { path: '/healthcheck', port: 8083 } });
    if (c.database === 'Embedded') {
      const db = find<PodTemplateOwner>(result, 'StatefulSet', 'maestro-db').spec.template.spec.containers[0];
      for (const probe of [db?.readinessProbe, db?.livenessProbe, db?.startupProbe]) {
        expect(JSON.stringify(probe)).toContain('pg_isready');
      }
    }
  });

  it('runs every container under the restricted Pod Security profile', () => {
    for (const container of allContainers(result)) {
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    for (const owner of podOwners(result)) {
      const pod = owner.spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext.runAsUser === undefined).toBe(c.openshift);
      // Only the Maestro server calls the API (SubjectAccessReviews for gRPC mTLS callers).
      expect(pod.automountServiceAccountToken).toBe(
        (owner as unknown as KubeObject).metadata.name === 'maestro',
      );
    }
  });

  it('follows the MCE node selector and tolerations', () => {
    for (const owner of podOwners(result)) {
      expect(owner.spec.template.spec.nodeSelector).toEqual({ 'node-role.kubernetes.io/infra': '' });
      expect(owner.spec.template.spec.tolerations).toHaveLength(1);
    }
  });

  it('wires the ClusterManager only in grpc mode', () => {
    expect(result.clusterManager !== null).toBe(c.transport === 'grpc');
    expect(has(result, 'ConfigMap', 'grpc-server-config')).toBe(c.transport === 'grpc');
  });

  it('renders the embedded database and its NetworkPolicy only when Embedded', () => {
    const embedded = c.database === 'Embedded';
    for (const [kind, name] of [
      ['StatefulSet', 'maestro-db'],
      ['Service', 'maestro-db'],
      ['Secret', 'maestro-db-config'],
      ['NetworkPolicy', 'maestro-db'],
    ] as const) {
      expect(has(result, kind, name)).toBe(embedded);
    }
  });

  it('renders Routes only where route.openshift.io is served', () => {
    const routes = result.objects.filter((o) => o.object.kind === 'Route');
    expect(routes.length > 0).toBe(c.routes);
  });

  it('produces only kinds the pruner lists, on their planes', () => {
    for (const { object } of result.objects) {
      const plane = planeFor(object);
      const kind = PRUNABLE_KINDS.find((k) => k.kind === object.kind && k.apiVersion === object.apiVersion);
      expect(kind?.planes).toContain(plane);
    }
  });

  it('mounts only Secrets and ConfigMaps it renders or the user provides', () => {
    const rendered = new Set(result.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`));
    for (const owner of podOwners(result)) {
      for (const v of owner.spec.template.spec.volumes) {
        // On OpenShift the service CA writes the Secret a Service annotation names.
        const serviceCa = result.objects.some(
          (o) =>
            o.object.kind === 'Service' &&
            o.object.metadata.annotations?.['service.beta.openshift.io/serving-cert-secret-name'] ===
              v.secret?.secretName,
        );
        if (v.secret && v.secret.secretName !== 'ext-db' && !serviceCa)
          expect(rendered).toContain(`Secret/${v.secret.secretName}`);
        if (v.configMap) expect(rendered).toContain(`ConfigMap/${v.configMap.name}`);
      }
    }
  });

  it('reports transport, database kind and in-cluster endpoints', () => {
    expect(result.status).toMatchObject({
      transport: c.transport,
      databaseType: c.database,
      endpoints: { rest: 'https://maestro.maestro.svc:8000', grpc: 'maestro-grpc.maestro.svc:8090' },
    });
  });
});

describe('ownership across API servers', () => {
  it('puts no owner reference on control-plane objects of a split-plane hub, but keeps it on hub objects', () => {
    const result = renderMaestro(renderInput({ sameApiServerAsMce: false }));
    for (const { object } of result.objects) {
      if (planeFor(object) === 'control') expect(object.metadata.ownerReferences).toBeUndefined();
    }
    const configMap = find(result, 'ConfigMap', 'grpc-server-config', 'open-cluster-management-hub');
    expect(configMap.metadata.ownerReferences).toHaveLength(1);
  });

  it('owns retained data too when retainDataOnDisable is false (but the namespace), and deletes the volume with the StatefulSet', () => {
    const result = renderMaestro(renderInput({ spec: { retainDataOnDisable: false, transport: 'mqtt' } }));
    // The namespace holds the operator's own Role: never deleted, never owned.
    expect(result.retained).toEqual([{ apiVersion: 'v1', kind: 'Namespace', name: 'maestro' }]);
    for (const { object, retained } of result.objects) {
      const namespace = object.kind === 'Namespace';
      expect(retained).toBe(namespace);
      expect(object.metadata.ownerReferences?.length ?? 0).toBe(namespace ? 0 : 1);
    }
    const sts = find<PodTemplateOwner>(result, 'StatefulSet', 'maestro-db');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({
      whenDeleted: 'Delete',
      whenScaled: 'Retain',
    });
  });

  it('retains the database volume when retainDataOnDisable is true', () => {
    const sts = find<PodTemplateOwner>(renderMaestro(renderInput()), 'StatefulSet', 'maestro-db');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({
      whenDeleted: 'Retain',
      whenScaled: 'Retain',
    });
  });
});

describe('render is pure', () => {
  it('returns equal output for equal input and does not mutate the input', () => {
    const input = renderInput({ spec: { transport: 'mqtt' } });
    const before = JSON.stringify(input);
    expect(renderMaestro(input)).toEqual(renderMaestro(input));
    expect(JSON.stringify(input)).toBe(before);
  });
});
