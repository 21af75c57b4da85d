/**
 * Maestro's REST and gRPC listeners serve only TLS, gRPC requires client certificates from the
 * operator's API CA, and NetworkPolicies admit only the flows Maestro needs (security findings).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { renderMaestro } from '../../../../../src/controllers/maestro/render/index.js';
import { FAKE_API_TLS, find, IMAGES, type PodTemplateOwner, renderInput } from './fixtures.js';

type Policy = {
  spec: {
    podSelector: Record<string, unknown>;
    policyTypes: string[];
    ingress?: { from?: Record<string, unknown>[]; ports?: { port: number }[] }[];
  };
};
type Service = { metadata: { annotations?: Record<string, string> }; spec: { ports: { port: number }[] } };

const serverCommand = (openshift: boolean) => {
  const result = renderMaestro(renderInput({ openshift, routes: openshift }));
  const deployment = find<PodTemplateOwner>(result, 'Deployment', 'maestro', 'maestro');
  return {
    result,
    pod: deployment.spec.template.spec,
    command: deployment.spec.template.spec.containers[0]?.command ?? [],
  };
};

describe('Maestro API TLS', () => {
  it.each([true, false])(
    'serves REST and gRPC only with TLS, gRPC with mutual TLS (openshift %s)',
    (openshift) => {
      const { command } = serverCommand(openshift);
      expect(command).toEqual(
        expect.arrayContaining([
          '--enable-https=true',
          '--https-cert-file=/secrets/rest-tls/tls.crt',
          '--https-key-file=/secrets/rest-tls/tls.key',
          '--grpc-tls-cert-file=/secrets/grpc-tls/tls.crt',
          '--grpc-tls-key-file=/secrets/grpc-tls/tls.key',
          '--grpc-authn-type=mtls',
          '--grpc-client-ca-file=/secrets/grpc-client-ca/ca.crt',
        ]),
      );
      expect(command.filter((a) => a.startsWith('--grpc-authn-type'))).toEqual(['--grpc-authn-type=mtls']);
    },
  );

  it('takes the certificates clients see from the OpenShift service CA there', () => {
    const { result, pod } = serverCommand(true);
    const rest = find<Service>(result, 'Service', 'maestro', 'maestro');
    const grpc = find<Service>(result, 'Service', 'maestro-grpc', 'maestro');
    expect(rest.metadata.annotations).toEqual({
      'service.beta.openshift.io/serving-cert-secret-name': 'maestro-rest-serving-cert',
    });
    expect(grpc.metadata.annotations).toEqual({
      'service.beta.openshift.io/serving-cert-secret-name': 'maestro-grpc-serving-cert',
    });
    const secretOf = (name: string) => pod.volumes.find((v) => v.name === name)?.secret?.secretName;
    // The proxy and gRPC serve the service CA's; Maestro's own REST, which only the proxy calls
    // over loopback, the operator's (the service CA's names no localhost).
    expect([secretOf('rest-proxy-tls'), secretOf('grpc-tls'), secretOf('rest-tls')]).toEqual([
      'maestro-rest-serving-cert',
      'maestro-grpc-serving-cert',
      'maestro-api-tls',
    ]);
    expect(result.objects.some((o) => o.object.metadata.name === 'maestro-api-tls')).toBe(true);
  });

  it('issues the serving certificate from its own CA elsewhere, and mounts the CA certificate but never its key', () => {
    const { result, pod } = serverCommand(false);
    expect(find<Service>(result, 'Service', 'maestro', 'maestro').metadata.annotations).toBeUndefined();
    const tls = find<{ data: Record<string, string> }>(result, 'Secret', 'maestro-api-tls', 'maestro');
    expect(Buffer.from(tls.data['tls.crt'] ?? '', 'base64').toString()).toBe(FAKE_API_TLS.server.cert);
    const secretOf = (name: string) => pod.volumes.find((v) => v.name === name)?.secret;
    expect(['rest-tls', 'rest-proxy-tls', 'grpc-tls'].map((volume) => secretOf(volume)?.secretName)).toEqual([
      'maestro-api-tls',
      'maestro-api-tls',
      'maestro-api-tls',
    ]);
    expect(secretOf('grpc-client-ca')).toMatchObject({
      secretName: 'maestro-api-ca',
      items: [{ key: 'ca.crt', path: 'ca.crt' }],
    });
  });

  it('reports an https REST endpoint', () => {
    expect(serverCommand(false).result.status.endpoints.rest).toBe('https://maestro.maestro.svc:8000');
  });
});

describe('Maestro REST proxy', () => {
  it.each([true, false])(
    "puts kube-rbac-proxy on 8000 in front of Maestro's own REST on 8001, authorising on maestros/rest of cluster (openshift %s)",
    (openshift) => {
      const { result, pod } = serverCommand(openshift);
      const proxy = pod.containers.find((c) => c.name === 'rest-proxy');
      expect(proxy?.image).toBe(IMAGES.restProxy);
      expect(proxy?.command).toEqual([
        '/usr/bin/kube-rbac-proxy',
        '--secure-listen-address=:8000',
        '--upstream=https://localhost:8001/',
        '--upstream-ca-file=/secrets/rest-upstream-ca/ca.crt',
        '--tls-cert-file=/secrets/rest-proxy-tls/tls.crt',
        '--tls-private-key-file=/secrets/rest-proxy-tls/tls.key',
        '--tls-min-version=VersionTLS12',
        '--config-file=/etc/kube-rbac-proxy/config.yaml',
      ]);
      expect(proxy?.ports).toEqual([{ name: 'https', containerPort: 8000, protocol: 'TCP' }]);
      // The Service keeps port 8000, now the proxy's.
      expect(find<Service>(result, 'Service', 'maestro', 'maestro').spec.ports.map((p) => p.port)).toEqual([
        8000,
      ]);
      const config = find<{ data: Record<string, string> }>(
        result,
        'ConfigMap',
        'maestro-rest-proxy',
        'maestro',
      );
      expect(parseYaml(config.data['config.yaml'] ?? '')).toEqual({
        authorization: {
          resourceAttributes: {
            apiGroup: 'maestro.multicluster.openshift.io',
            resource: 'maestros',
            subresource: 'rest',
            name: 'cluster',
          },
        },
      });
      // The upstream CA is maestro-api-ca's certificate; the CA key is mounted nowhere.
      const mounted = new Set(proxy?.volumeMounts?.map((m) => m.name));
      expect([...mounted].sort()).toEqual(['grpc-client-ca', 'rest-proxy-config', 'rest-proxy-tls']);
      expect(pod.volumes.find((v) => v.name === 'rest-proxy-config')?.configMap?.name).toBe(
        'maestro-rest-proxy',
      );
    },
  );

  it('reports a missing proxy image on the spec field, as for every operand image', () => {
    const input = renderInput({});
    expect(() => renderMaestro({ ...input, images: { ...input.images, restProxy: undefined } })).toThrow(
      /spec\.images\.restProxy: no image: set spec\.images\.restProxy or the operator env OPERAND_IMAGE_KUBE_RBAC_PROXY/,
    );
  });
});

describe('Maestro NetworkPolicies', () => {
  const policies = (transport: 'grpc' | 'mqtt', openshift: boolean) => {
    const result = renderMaestro(renderInput({ openshift, routes: openshift, spec: { transport } }));
    return { result, get: (name: string) => find<Policy>(result, 'NetworkPolicy', name, 'maestro') };
  };

  it('denies all ingress in the namespace by default', () => {
    expect(policies('grpc', true).get('maestro-default-deny').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
  });

  it.each([true, false])(
    "admits gRPC and REST (the proxy) from client namespaces, metrics from monitoring, and nobody to Maestro's own REST (openshift %s)",
    (openshift) => {
      const server = policies('grpc', openshift).get('maestro-server');
      const ports = (server.spec.ingress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
      expect(ports.sort()).toEqual([8000, 8080, 8090]);
      const clients = server.spec.ingress?.find((r) => r.ports?.[0]?.port === 8090);
      expect(clients?.ports?.map((p) => p.port)).toEqual([8090, 8000]);
      expect(clients?.from).toEqual([
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': 'open-cluster-management-hub' },
          },
        },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'maestro' } } },
        { namespaceSelector: { matchLabels: { 'maestro.multicluster.openshift.io/grpc-client': 'true' } } },
      ]);
      const metrics = server.spec.ingress?.find((r) => r.ports?.[0]?.port === 8080);
      expect(metrics?.from).toEqual([
        openshift
          ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-monitoring' } } }
          : { namespaceSelector: {} },
      ]);
      expect(ports).not.toContain(8001);
    },
  );

  it("admits the operator's own pods to REST (the proxy), where it registers consumers", () => {
    const input = { ...renderInput({ spec: { transport: 'mqtt' } }), operatorNamespace: 'mce-operators' };
    const server = find<Policy>(renderMaestro(input), 'NetworkPolicy', 'maestro-server', 'maestro');
    const rest = (server.spec.ingress ?? []).filter(
      (r) => r.ports?.length === 1 && r.ports[0]?.port === 8000,
    );
    // The pod labels of the operator's Deployment, as shipped.
    const manager = parseYaml(readFileSync('config/manager/manager.yaml', 'utf8')) as {
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    const name = manager.spec.template.metadata.labels['app.kubernetes.io/name'];
    expect(rest).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mce-operators' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8000 }],
      },
    ]);
  });

  it('admits agents to the embedded broker on 8883 only, and renders no broker policy without it', () => {
    const broker = policies('mqtt', false).get('maestro-mqtt');
    expect(broker.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8883 }] }]);
    expect(
      policies('grpc', false).result.objects.some(
        (o) => o.object.kind === 'NetworkPolicy' && o.object.metadata.name === 'maestro-mqtt',
      ),
    ).toBe(false);
  });
});
