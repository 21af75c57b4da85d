/**
 * Maestro's REST and gRPC listeners serve only TLS, gRPC requires client certificates from the
 * operator's API CA, and NetworkPolicies admit only the flows Maestro needs (security findings).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { renderMaestro } from '../../../../../src/controllers/maestro/render/index.js';
import { FAKE_API_TLS, find, type PodTemplateOwner, renderInput } from './fixtures.js';

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

  it('takes the serving certificates from the OpenShift service CA there', () => {
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
    expect([secretOf('rest-tls'), secretOf('grpc-tls')]).toEqual([
      'maestro-rest-serving-cert',
      'maestro-grpc-serving-cert',
    ]);
    expect(result.objects.some((o) => o.object.metadata.name === 'maestro-api-tls')).toBe(false);
  });

  it('issues the serving certificate from its own CA elsewhere, and mounts the CA certificate but never its key', () => {
    const { result, pod } = serverCommand(false);
    expect(find<Service>(result, 'Service', 'maestro', 'maestro').metadata.annotations).toBeUndefined();
    const tls = find<{ data: Record<string, string> }>(result, 'Secret', 'maestro-api-tls', 'maestro');
    expect(Buffer.from(tls.data['tls.crt'] ?? '', 'base64').toString()).toBe(FAKE_API_TLS.server.cert);
    const secretOf = (name: string) => pod.volumes.find((v) => v.name === name)?.secret;
    expect([secretOf('rest-tls')?.secretName, secretOf('grpc-tls')?.secretName]).toEqual([
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
    'admits gRPC and metrics to the server, and nobody to REST when the operator runs outside the cluster (openshift %s)',
    (openshift) => {
      const server = policies('grpc', openshift).get('maestro-server');
      const ports = (server.spec.ingress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
      expect(ports.sort()).toEqual([8080, 8090]);
      const grpc = server.spec.ingress?.find((r) => r.ports?.[0]?.port === 8090);
      expect(grpc?.from).toEqual([
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
    },
  );

  it("admits the operator's own pods to REST, where it registers consumers, and nobody else", () => {
    const input = { ...renderInput({ spec: { transport: 'mqtt' } }), operatorNamespace: 'mce-operators' };
    const server = find<Policy>(renderMaestro(input), 'NetworkPolicy', 'maestro-server', 'maestro');
    const rest = (server.spec.ingress ?? []).filter((r) => r.ports?.some((p) => p.port === 8000));
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
