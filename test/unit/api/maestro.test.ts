import { describe, expect, it } from '@jest/globals';
import { MaestroConditionReason, MaestroConditionType } from '../../../src/api/maestro-conditions.js';
import { IMAGE_REFERENCE_PATTERN } from '../../../src/api/maestro-fields.js';
import {
  defaultMaestroSpec,
  maestroPrinterColumns,
  maestroSchema,
  maestroSpecSchema,
} from '../../../src/api/maestro.js';

describe('Maestro spec', () => {
  it('defaults to grpc, embedded PostgreSQL, namespace maestro, data retained', () => {
    const spec = defaultMaestroSpec();
    expect(spec).toMatchObject({
      transport: 'grpc',
      namespace: 'maestro',
      retainDataOnDisable: true,
      database: { type: 'Embedded', embedded: { storage: { size: '1Gi' } } },
      broker: { type: 'Embedded', embedded: { exposure: 'Auto' } },
      server: { logLevel: 2 },
      grpcServer: { exposure: 'Auto' },
      transportRollout: { maxConcurrency: '10%' },
    });
    expect(spec.server.replicas).toBeUndefined();
  });

  it('fills nested defaults when a parent is given partially', () => {
    const spec = maestroSpecSchema.parse({
      database: { embedded: { storage: { storageClassName: 'fast' } } },
    });
    expect(spec.database.embedded.storage).toEqual({ size: '1Gi', storageClassName: 'fast' });
    expect(spec.database.embedded.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' } });
  });

  it.each([
    [{ transport: 'kafka' }],
    [{ server: { replicas: -1 } }],
    [{ server: { replicas: 1.5 } }],
    [{ namespace: 'Not_A_Label' }],
    [{ images: { mosquitto: 'eclipse mosquitto' } }],
    [{ database: { type: 'Sqlite' } }],
    [{ grpcServer: { exposure: 'Ingress' } }],
    [{ server: { resources: { requests: { cpu: 'lots' } } } }],
  ])('rejects %j', (raw) => {
    expect(maestroSpecSchema.safeParse(raw).success).toBe(false);
  });

  it('accepts int-or-string quantities', () => {
    const spec = maestroSpecSchema.parse({ server: { resources: { requests: { cpu: 1, memory: '1Gi' } } } });
    expect(spec.server.resources.requests).toEqual({ cpu: 1, memory: '1Gi' });
  });
});

describe('image references', () => {
  it.each([
    'postgres',
    'quay.io/maestro/postgres:17.2',
    'registry.example.com:5000/a/b/c:tag-1.0',
    'quay.io/x/y@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'quay.io/x/y:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  ])('accepts %s', (ref) => expect(IMAGE_REFERENCE_PATTERN.test(ref)).toBe(true));

  it.each(['', 'quay.io/Upper/image', 'a b', 'quay.io/x/y:', 'quay.io/x/y@sha256:short', ':tag'])(
    'rejects %j',
    (ref) => expect(IMAGE_REFERENCE_PATTERN.test(ref)).toBe(false),
  );
});

describe('Maestro object', () => {
  it('accepts only the singleton name', () => {
    const obj = { apiVersion: 'maestro.multicluster.openshift.io/v1alpha1', kind: 'Maestro', spec: {} };
    expect(maestroSchema.safeParse({ ...obj, metadata: { name: 'cluster' } }).success).toBe(true);
    expect(maestroSchema.safeParse({ ...obj, metadata: { name: 'other' } }).success).toBe(false);
  });
});

describe('conditions as data', () => {
  it('declares reasons for every condition type, CamelCase and unique per type', () => {
    for (const type of Object.values(MaestroConditionType)) {
      const reasons = Object.values(MaestroConditionReason[type]);
      expect(reasons.length).toBeGreaterThan(0);
      for (const reason of reasons) expect(reason).toMatch(/^[A-Z][A-Za-z]*$/);
      expect(new Set(reasons).size).toBe(reasons.length);
    }
    expect(MaestroConditionReason.Degraded.InvalidSpec).toBe('InvalidSpec');
  });

  it('prints transport, database and availability', () => {
    expect(maestroPrinterColumns.map((c) => c.name)).toEqual([
      'Transport',
      'Database',
      'Available',
      'Reason',
      'REST',
      'Age',
    ]);
  });
});
