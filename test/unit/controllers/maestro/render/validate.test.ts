import { describe, expect, it } from '@jest/globals';
import {
  formatFieldError,
  InvalidMaestroSettingsError,
  parseMaestroSpec,
  renderMaestro,
  validateMaestroSettings,
} from '../../../../../src/controllers/maestro/render/index.js';
import { clusterManager, EXTERNAL_BROKER_YAML, EXTERNAL_DB, renderInput } from './fixtures.js';

const externalDb = { database: { type: 'External', external: { secretRef: { name: 'x' } } } } as const;
const externalBroker = {
  transport: 'mqtt',
  broker: { type: 'External', external: { secretRef: { name: 'm' } } },
} as const;

const { 'db.rootcert': _rootCert, ...withoutRootCert } = EXTERNAL_DB;

function messages(input: ReturnType<typeof renderInput>): string[] {
  return validateMaestroSettings(input).map(formatFieldError);
}

describe('validateMaestroSettings', () => {
  it('accepts the defaults', () => {
    expect(messages(renderInput())).toEqual([]);
  });

  it.each([
    {
      name: 'external DB Secret missing',
      input: renderInput({ spec: externalDb, external: { database: null } }),
      expected: 'spec.database.external.secretRef.name: secret "x" not found',
    },
    {
      name: 'external DB Secret lacking a key',
      input: renderInput({ spec: externalDb, external: { database: { ...EXTERNAL_DB, 'db.password': '' } } }),
      expected: 'spec.database.external.secretRef.name: secret "x" lacks key db.password',
    },
    {
      name: 'external DB password with a quote (Maestro would break its LISTEN connection)',
      input: renderInput({
        spec: externalDb,
        external: { database: { ...EXTERNAL_DB, 'db.password': "ext'pa ss" } },
      }),
      expected:
        'spec.database.external.secretRef.name: secret "x" key db.password must not contain \' or \\ (Maestro does not escape them in its connection string)',
    },
    {
      name: 'external DB port not a number',
      input: renderInput({ spec: externalDb, external: { database: { ...EXTERNAL_DB, 'db.port': 'five' } } }),
      expected: 'spec.database.external.secretRef.name: secret "x" key db.port must be a port number',
    },
    {
      name: 'external DB TLS without a root certificate',
      input: renderInput({
        spec: externalDb,
        external: { database: { ...withoutRootCert, 'db.sslmode': 'verify-full' } },
      }),
      expected:
        'spec.database.external.secretRef.name: secret "x" sets db.sslmode=verify-full but lacks key db.rootcert; ' +
        'add key db.rootcert (the PEM CA certificate of the database server) or set db.sslmode=disable explicitly',
    },
    {
      name: 'external DB without db.sslmode is verify-full, so it needs db.rootcert',
      input: renderInput({ spec: externalDb, external: { database: withoutRootCert } }),
      expected:
        'spec.database.external.secretRef.name: secret "x" lacks key db.rootcert, needed for the default ' +
        'db.sslmode=verify-full; add key db.rootcert (the PEM CA certificate of the database server) or set ' +
        'db.sslmode=disable explicitly to connect without TLS',
    },
    {
      name: 'external DB unknown sslmode',
      input: renderInput({
        spec: externalDb,
        external: { database: { ...EXTERNAL_DB, 'db.sslmode': 'prefer' } },
      }),
      expected:
        'spec.database.external.secretRef.name: secret "x" key db.sslmode must be one of disable, require, verify-ca, verify-full',
    },
    {
      name: 'external broker Secret without config.yaml',
      input: renderInput({ spec: externalBroker, external: { broker: {} } }),
      expected: 'spec.broker.external.secretRef.name: secret "m" lacks key config.yaml',
    },
    {
      name: 'external broker config without brokerHost',
      input: renderInput({
        spec: externalBroker,
        external: {
          broker: { 'config.yaml': EXTERNAL_BROKER_YAML.replace('brokerHost: mqtt.example.com:8883\n', '') },
        },
      }),
      expected: 'spec.broker.external.secretRef.name: secret "m" config.yaml lacks brokerHost',
    },
    {
      name: 'external broker topic for one consumer',
      input: renderInput({
        spec: externalBroker,
        external: {
          broker: {
            'config.yaml': EXTERNAL_BROKER_YAML.replace(
              'consumers/+/sourceevents',
              'consumers/c1/sourceevents',
            ),
          },
        },
      }),
      expected:
        'spec.broker.external.secretRef.name: secret "m" config.yaml topics.sourceEvents must use + for the consumer',
    },
    {
      name: 'no Maestro image anywhere',
      input: renderInput({ images: { postgresql: 'quay.io/p/pg:16', conductor: 'quay.io/c/c:1' } }),
      expected:
        'spec.images.maestro: no image: set spec.images.maestro or the operator env OPERAND_IMAGE_MAESTRO',
    },
    {
      name: 'operator env image that is not a reference',
      input: renderInput({
        images: { maestro: 'not an image', postgresql: 'quay.io/p/pg:16', conductor: 'quay.io/c/c:1' },
      }),
      expected:
        'spec.images.maestro: operator env OPERAND_IMAGE_MAESTRO="not an image" is not a valid image reference',
    },
    {
      name: 'grpc without a conductor image anywhere',
      input: renderInput({ images: { maestro: 'quay.io/m/m:1', postgresql: 'quay.io/p/pg:16' } }),
      expected:
        'spec.images.conductor: no image: set spec.images.conductor or the operator env OPERAND_IMAGE_CLOUDEVENTS_CONDUCTOR',
    },
    {
      name: 'grpc without a ClusterManager',
      input: renderInput({ clusterManager: undefined }),
      expected:
        'spec.transport: grpc needs ClusterManager cluster-manager (the MCE cluster-manager component), which does not exist',
    },
    {
      name: 'Route exposure on a cluster without Routes',
      input: renderInput({ routes: false, spec: { grpcServer: { exposure: 'Route' } } }),
      expected:
        'spec.grpcServer.exposure: Route needs the route.openshift.io API, which this cluster does not serve',
    },
    {
      name: 'Route exposure with no way to derive the host',
      input: renderInput({ clusterIngressDomain: undefined }),
      expected:
        'spec.grpcServer.hostname: required: the cluster ingress domain is unknown, so the Route host cannot be derived',
    },
    {
      name: 'NodePort without hostname (CEL repeated)',
      input: renderInput({
        routes: false,
        spec: { transport: 'mqtt', broker: { embedded: { exposure: 'NodePort' } } },
      }),
      expected: 'spec.broker.embedded.hostname: required when exposure is NodePort',
    },
    {
      name: 'External database without its block (CEL repeated)',
      input: renderInput({ spec: { database: { type: 'External' } }, external: {} }),
      expected: 'spec.database.external: required when type is External',
    },
  ])('names the field: $name', ({ input, expected }) => {
    expect(messages(input)).toContain(expected);
  });

  it('connects to an external database with verify-full unless db.sslmode says otherwise', () => {
    const flags = (database: Record<string, string>) => {
      const result = renderMaestro(renderInput({ spec: externalDb, external: { database } }));
      const deployment = result.objects.find((o) => o.object.kind === 'Deployment')?.object as unknown as {
        spec: { template: { spec: { containers: { args?: string[]; command?: string[] }[] } } };
      };
      const c = deployment.spec.template.spec.containers[0];
      return [...(c?.command ?? []), ...(c?.args ?? [])].filter(
        (a) => a.startsWith('--db-sslmode') || a.startsWith('--db-rootcert'),
      );
    };
    expect(flags(EXTERNAL_DB)).toEqual([
      '--db-rootcert=/secrets/rds/db.rootcert',
      '--db-sslmode=verify-full',
    ]);
    expect(flags({ ...withoutRootCert, 'db.sslmode': 'disable' })).toEqual(['--db-sslmode=disable']);
    expect(
      messages(
        renderInput({
          spec: externalDb,
          external: { database: { ...withoutRootCert, 'db.sslmode': 'disable' } },
        }),
      ),
    ).toEqual([]);
  });

  it('does not ask for broker settings or images the transport does not use', () => {
    const grpc = renderInput({
      images: {
        maestro: 'quay.io/m/m:1',
        restProxy: 'quay.io/k/krp:1',
        postgresql: 'quay.io/p/pg:16',
        conductor: 'quay.io/c/c:1',
      },
    });
    expect(messages(grpc)).toEqual([]);
    const mqttExternal = renderInput({
      spec: { ...externalBroker, ...externalDb },
      images: { maestro: 'quay.io/m/m:1', restProxy: 'quay.io/k/krp:1' },
      external: { database: EXTERNAL_DB, broker: { 'config.yaml': EXTERNAL_BROKER_YAML } },
      clusterManager: undefined,
    });
    expect(messages(mqttExternal)).toEqual([]);
  });

  it('accepts a conductor image already on the ClusterManager', () => {
    const input = renderInput({
      images: { maestro: 'quay.io/m/m:1', restProxy: 'quay.io/k/krp:1', postgresql: 'quay.io/p/pg:16' },
      clusterManager: clusterManager({ serverConfiguration: { imagePullSpec: 'quay.io/c/c:1' } }),
    });
    expect(messages(input)).toEqual([]);
  });

  it('makes render throw with the same errors', () => {
    const input = renderInput({ spec: externalDb, external: { database: null } });
    expect(() => renderMaestro(input)).toThrow(InvalidMaestroSettingsError);
    try {
      renderMaestro(input);
    } catch (err) {
      expect((err as InvalidMaestroSettingsError).errors).toEqual(validateMaestroSettings(input));
    }
  });
});

describe('parseMaestroSpec', () => {
  it('defaults an absent spec', () => {
    const parsed = parseMaestroSpec(undefined);
    expect(parsed.ok && parsed.spec.transport).toBe('grpc');
  });

  it.each([
    { raw: { server: { replicas: -1 } }, field: 'spec.server.replicas' },
    { raw: { transport: 'kafka' }, field: 'spec.transport' },
    { raw: { images: { maestro: 'UPPER CASE:tag' } }, field: 'spec.images.maestro' },
    {
      raw: { database: { embedded: { storage: { size: 'lots' } } } },
      field: 'spec.database.embedded.storage.size',
    },
    { raw: { transportRollout: { maxConcurrency: '150%' } }, field: 'spec.transportRollout.maxConcurrency' },
  ])('rejects $field', ({ raw, field }) => {
    const parsed = parseMaestroSpec(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.map((e) => e.field)).toContain(field);
  });
});
