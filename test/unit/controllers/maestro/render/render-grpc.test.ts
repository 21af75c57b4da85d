import { describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { maestroSpecSchema } from '../../../../../src/api/maestro.js';
import { clusterManagerRelease, renderMaestro } from '../../../../../src/controllers/maestro/render/index.js';
import { clusterManager, DB_PASSWORD, EXTERNAL_DB, FAKE_DB_TLS, find, has, renderInput } from './fixtures.js';

const HUB = 'open-cluster-management-hub';

describe('ClusterManager server-side apply body', () => {
  const drivers = (authTypes: string[]) => authTypes.map((authType) => ({ authType }));

  it.each([
    { current: [], applied: ['csr', 'grpc'], why: 'empty list: csr keeps the implicit default' },
    { current: ['csr'], applied: ['csr', 'grpc'], why: 'csr only: co-own csr, add grpc' },
    { current: ['csr', 'grpc'], applied: ['csr', 'grpc'], why: 'our previous apply: stable' },
    { current: ['awsirsa'], applied: ['grpc'], why: 'admin-chosen drivers: add grpc only' },
    { current: ['awsirsa', 'csr'], applied: ['grpc'], why: 'admin owns csr: add grpc only' },
  ])('$why', ({ current, applied }) => {
    const cm = clusterManager({ registrationConfiguration: { registrationDrivers: drivers(current) } });
    const result = renderMaestro(renderInput({ clusterManager: cm }));
    expect(result.clusterManager?.spec?.registrationConfiguration?.registrationDrivers).toEqual(
      drivers(applied),
    );
  });

  it('holds only our fields', () => {
    const cm = clusterManager({
      registrationConfiguration: { featureGates: [{ feature: 'DefaultClusterSet', mode: 'Enable' }] },
      serverConfiguration: { featureGates: [{ feature: 'X', mode: 'Enable' }] } as never,
    });
    const body = renderMaestro(renderInput({ clusterManager: cm })).clusterManager;
    expect(body).toEqual({
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'ClusterManager',
      metadata: { name: 'cluster-manager' },
      spec: {
        registrationConfiguration: { registrationDrivers: [{ authType: 'csr' }, { authType: 'grpc' }] },
        serverConfiguration: {
          imagePullSpec: 'quay.io/stolostron/cloudevents-conductor:2.17',
          endpointsExposure: [
            {
              protocol: 'grpc',
              grpc: {
                type: 'hostname',
                hostname: { host: 'grpc-server-open-cluster-management-hub.apps.hub.example.com' },
              },
            },
          ],
        },
      },
    });
  });

  it('carries over endpoints of other protocols in the atomic list and replaces the old grpc entry', () => {
    const https = {
      protocol: 'https',
      https: { type: 'hostname' as const, hostname: { host: 'api.example.com' } },
    };
    const oldGrpc = {
      protocol: 'grpc',
      grpc: { type: 'hostname' as const, hostname: { host: 'old.example.com' } },
    };
    const cm = clusterManager({ serverConfiguration: { endpointsExposure: [oldGrpc, https] } });
    const body = renderMaestro(renderInput({ clusterManager: cm })).clusterManager;
    const exposures = body?.spec?.serverConfiguration?.endpointsExposure ?? [];
    expect(exposures).toHaveLength(2);
    expect(exposures[0]).toEqual(https);
    expect(JSON.stringify(exposures)).not.toContain('old.example.com');
  });

  it('leaves imagePullSpec alone when no conductor image is known but the ClusterManager has one', () => {
    const cm = clusterManager({ serverConfiguration: { imagePullSpec: 'quay.io/x/conductor:1' } });
    const { conductor: _conductor, ...images } = {
      maestro: 'quay.io/m/maestro:1',
      restProxy: 'quay.io/k/kube-rbac-proxy:1',
      postgresql: 'quay.io/p/pg:16',
      conductor: '',
    };
    const body = renderMaestro(renderInput({ clusterManager: cm, images })).clusterManager;
    expect(body?.spec?.serverConfiguration).not.toHaveProperty('imagePullSpec');
  });

  it('release keeps foreign endpoints and drops everything else', () => {
    const https = {
      protocol: 'https',
      https: { type: 'hostname' as const, hostname: { host: 'api.example.com' } },
    };
    const cm = clusterManager({
      serverConfiguration: {
        endpointsExposure: [https, { protocol: 'grpc', grpc: { type: 'hostname' as const } }],
      },
    });
    expect(clusterManagerRelease(cm)).toEqual({
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'ClusterManager',
      metadata: { name: 'cluster-manager' },
      spec: { serverConfiguration: { endpointsExposure: [https] } },
    });
    expect(clusterManagerRelease(undefined)).not.toHaveProperty('spec');
  });
});

describe('gRPC endpoint exposure (what ocm does not render itself)', () => {
  it.each([
    {
      name: 'Auto on OpenShift: passthrough Route to ocm ClusterIP Service, hostname endpoint',
      routes: true,
      grpcServer: {},
      endpoint: {
        type: 'hostname',
        hostname: { host: 'grpc-server-open-cluster-management-hub.apps.hub.example.com' },
      },
      objects: ['Route/grpc-server'],
      agents: 'grpc-server-open-cluster-management-hub.apps.hub.example.com:443',
    },
    {
      name: 'Auto elsewhere: LoadBalancer rendered by ocm, nothing by us',
      routes: false,
      grpcServer: {},
      endpoint: { type: 'loadBalancer' },
      objects: [],
      agents: undefined,
    },
    {
      name: 'LoadBalancer with a hostname: the host goes into the serving certificate',
      routes: false,
      grpcServer: { exposure: 'LoadBalancer', hostname: 'grpc.example.com' },
      endpoint: { type: 'loadBalancer', loadBalancer: { host: 'grpc.example.com' } },
      objects: [],
      agents: 'grpc.example.com:443',
    },
  ] as const)('$name', ({ routes, grpcServer, endpoint, objects, agents }) => {
    const result = renderMaestro(renderInput({ routes, spec: { grpcServer } }));
    const exposure = result.clusterManager?.spec?.serverConfiguration?.endpointsExposure;
    expect(exposure).toEqual([{ protocol: 'grpc', grpc: endpoint }]);
    const hubObjects = result.objects
      .filter((o) => o.object.metadata.namespace === HUB && o.object.kind !== 'ConfigMap')
      .map((o) => `${o.object.kind}/${o.object.metadata.name}`);
    expect(hubObjects).toEqual(objects);
    expect(result.status.endpoints.agents).toBe(agents);
  });

  it.each(['NodePort', 'ClusterIP'])(
    'refuses exposure %s, which the import controller cannot turn into a bootstrap address',
    (exposure) => {
      const parsed = maestroSpecSchema.safeParse({ grpcServer: { exposure, hostname: 'node.example.com' } });
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['grpcServer.exposure']);
    },
  );

  it('routes the gRPC Route like MCE: passthrough to cluster-manager-grpc-server:8090', () => {
    const route = find<{ spec: Record<string, unknown> }>(
      renderMaestro(renderInput()),
      'Route',
      'grpc-server',
      HUB,
    );
    expect(route.spec).toEqual({
      host: 'grpc-server-open-cluster-management-hub.apps.hub.example.com',
      to: { kind: 'Service', name: 'cluster-manager-grpc-server', weight: 100 },
      port: { targetPort: 8090 },
      tls: { termination: 'passthrough', insecureEdgeTerminationPolicy: 'None' },
      wildcardPolicy: 'None',
    });
  });
});

describe('grpc-server-config', () => {
  it('points the conductor at the embedded database with MCE format, over TLS checked against our CA', () => {
    const cm = find<{ data: Record<string, string> }>(
      renderMaestro(renderInput()),
      'ConfigMap',
      'grpc-server-config',
      HUB,
    );
    // The conductor mounts only this ConfigMap, so the (public) CA certificate travels in it.
    expect(cm.data['db-rootcert.crt']).toBe(FAKE_DB_TLS.ca.cert);
    expect(parseYaml(cm.data['config.yaml'] ?? '')).toEqual({
      grpc_config: {
        tls_cert_file: '/var/run/secrets/hub/grpc/serving-cert/tls.crt',
        tls_key_file: '/var/run/secrets/hub/grpc/serving-cert/tls.key',
        client_ca_file: '/var/run/secrets/hub/grpc/ca/ca-bundle.crt',
      },
      db_config: {
        host: 'maestro-db.maestro',
        port: 5432,
        name: 'maestro',
        username: 'maestro',
        password: DB_PASSWORD,
        sslmode: 'verify-full',
        rootcertfile: '/var/run/secrets/hub/grpc/config/db-rootcert.crt',
      },
    });
  });

  it('points it at an external database from the user Secret', () => {
    const result = renderMaestro(
      renderInput({
        spec: { database: { type: 'External', external: { secretRef: { name: 'ext-db' } } } },
        external: {
          database: { ...EXTERNAL_DB, 'db.port': '6432', 'db.sslmode': 'require', 'db.rootcert': 'PEM' },
        },
      }),
    );
    const cm = find<{ data: Record<string, string> }>(result, 'ConfigMap', 'grpc-server-config', HUB);
    expect(parseYaml(cm.data['config.yaml'] ?? '').db_config).toEqual({
      host: 'pg.example.com',
      port: 6432,
      name: 'maestro',
      username: 'maestro',
      password: 'ext-password',
      sslmode: 'require',
      rootcertfile: '/var/run/secrets/hub/grpc/config/db-rootcert.crt',
    });
    expect(cm.data['db-rootcert.crt']).toBe('PEM');
  });

  it('gives the conductor no root certificate when the external database Secret disables TLS', () => {
    const { 'db.rootcert': _ca, ...plain } = EXTERNAL_DB;
    const result = renderMaestro(
      renderInput({
        spec: { database: { type: 'External', external: { secretRef: { name: 'ext-db' } } } },
        external: { database: { ...plain, 'db.sslmode': 'disable' } },
      }),
    );
    const cm = find<{ data: Record<string, string> }>(result, 'ConfigMap', 'grpc-server-config', HUB);
    expect(parseYaml(cm.data['config.yaml'] ?? '').db_config).toMatchObject({ sslmode: 'disable' });
    expect(parseYaml(cm.data['config.yaml'] ?? '').db_config.rootcertfile).toBeUndefined();
    expect(Object.keys(cm.data)).toEqual(['config.yaml']);
  });

  it('quotes passwords that YAML would otherwise read as another type', () => {
    const input = renderInput();
    input.generated.database = { user: 'maestro', name: 'maestro', password: '12345' };
    const cm = find<{ data: Record<string, string> }>(
      renderMaestro(input),
      'ConfigMap',
      'grpc-server-config',
      HUB,
    );
    expect(parseYaml(cm.data['config.yaml'] ?? '').db_config.password).toBe('12345');
  });
});

describe('database NetworkPolicy', () => {
  type Policy = { spec: { podSelector: unknown; ingress: { from: unknown[]; ports: unknown[] }[] } };

  it('admits Maestro and, in grpc mode, the conductor, on 5432 only', () => {
    const policy = find<Policy>(renderMaestro(renderInput()), 'NetworkPolicy', 'maestro-db');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { name: 'maestro-db' } });
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          {
            podSelector: {
              matchLabels: { 'app.kubernetes.io/name': 'maestro', 'app.kubernetes.io/component': 'server' },
            },
          },
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': HUB } },
            podSelector: { matchLabels: { app: 'cluster-manager-grpc-server' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
  });

  it('admits only Maestro in mqtt mode', () => {
    const policy = find<Policy>(
      renderMaestro(renderInput({ spec: { transport: 'mqtt' } })),
      'NetworkPolicy',
      'maestro-db',
    );
    expect(policy.spec.ingress[0]?.from).toHaveLength(1);
  });

  it('the server pods carry the labels the policy admits', () => {
    const dep = find<{ spec: { template: { metadata: { labels: Record<string, string> } } } }>(
      renderMaestro(renderInput()),
      'Deployment',
      'maestro',
    );
    expect(dep.spec.template.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'maestro',
      'app.kubernetes.io/component': 'server',
    });
  });

  it('adds conductor egress to the database only when ocm hub NetworkPolicies are on', () => {
    const on = clusterManager({
      registrationConfiguration: { featureGates: [{ feature: 'NetworkPolicies', mode: 'Enable' }] },
    });
    expect(
      has(
        renderMaestro(renderInput({ clusterManager: on })),
        'NetworkPolicy',
        'maestro-grpc-server-db-egress',
      ),
    ).toBe(true);
    expect(has(renderMaestro(renderInput()), 'NetworkPolicy', 'maestro-grpc-server-db-egress')).toBe(false);
  });
});
