import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { maestroCrd } from '../../../src/api/maestro-crd.js';
import {
  crdFor,
  type JsonSchemaProps,
  StructuralSchemaError,
  toStructuralSchema,
} from '../../../src/api/openapi.js';
import { celRules, intOrPercent } from '../../../src/api/schema.js';

/** Walks a schema and returns `path: problem` for everything that breaks structural rules. */
function structuralProblems(node: JsonSchemaProps, path = ''): string[] {
  const problems: string[] = [];
  const raw = node as Record<string, unknown>;
  for (const key of ['$ref', '$schema', '$defs', 'oneOf', 'const', 'propertyNames', 'title']) {
    if (key in raw) problems.push(`${path}: has ${key}`);
  }
  if (raw.additionalProperties === false) problems.push(`${path}: additionalProperties false`);
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (!node.type && !intOrString && !preserve) problems.push(`${path}: no type`);
  if (node.properties && node.additionalProperties)
    problems.push(`${path}: properties and additionalProperties`);
  if (node.anyOf && !intOrString) problems.push(`${path}: anyOf outside int-or-string`);
  if (
    intOrString &&
    JSON.stringify(node.anyOf) !== JSON.stringify([{ type: 'integer' }, { type: 'string' }])
  ) {
    problems.push(`${path}: int-or-string without kubebuilder anyOf`);
  }
  if (
    node.type === 'integer' &&
    (node.maximum === Number.MAX_SAFE_INTEGER || node.minimum === -Number.MAX_SAFE_INTEGER)
  ) {
    problems.push(`${path}: safe-integer bound`);
  }
  for (const [name, child] of Object.entries(node.properties ?? {}))
    problems.push(...structuralProblems(child, `${path}.${name}`));
  if (node.items) problems.push(...structuralProblems(node.items, `${path}[]`));
  if (node.additionalProperties) problems.push(...structuralProblems(node.additionalProperties, `${path}.*`));
  return problems;
}

function undescribed(node: JsonSchemaProps, path = ''): string[] {
  const out: string[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (!child.description) out.push(`${path}.${name}`);
    out.push(...undescribed(child, `${path}.${name}`));
  }
  if (node.items) out.push(...undescribed(node.items, `${path}[]`));
  return out;
}

describe('toStructuralSchema', () => {
  it('turns int-or-string unions into x-kubernetes-int-or-string with kubebuilder anyOf, keeping pattern and default', () => {
    const s = toStructuralSchema(z.object({ n: intOrPercent('how many').default('10%') }));
    expect(s.properties?.n).toEqual({
      description: 'how many',
      default: '10%',
      pattern: '^((100|[1-9]?[0-9])%|[0-9]+)$',
      'x-kubernetes-int-or-string': true,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
    });
  });

  it('drops safe-integer bounds and picks int32 or int64', () => {
    const s = toStructuralSchema(
      z.object({
        small: z.number().int().min(0).max(10),
        big: z.number().int().min(0),
        any: z.number().int(),
      }),
    );
    expect(s.properties?.small).toEqual({ type: 'integer', format: 'int32', minimum: 0, maximum: 10 });
    expect(s.properties?.big).toEqual({ type: 'integer', format: 'int64', minimum: 0 });
    expect(s.properties?.any).toEqual({ type: 'integer', format: 'int64' });
  });

  it('keeps descriptions, defaults, enums, patterns, lengths and required', () => {
    const s = toStructuralSchema(
      z.object({
        mode: z.enum(['a', 'b']).default('a').describe('mode'),
        name: z.string().min(1).max(5).regex(/^x/).describe('name'),
      }),
    );
    expect(s).toEqual({
      type: 'object',
      properties: {
        mode: { type: 'string', description: 'mode', default: 'a', enum: ['a', 'b'] },
        name: { type: 'string', description: 'name', pattern: '^x', minLength: 1, maxLength: 5 },
      },
      required: ['name'],
    });
  });

  it('maps records to additionalProperties and loose objects to preserve-unknown-fields', () => {
    const s = toStructuralSchema(
      z.object({ m: z.record(z.string(), z.string()), l: z.looseObject({ a: z.string() }) }),
    );
    expect(s.properties?.m).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(s.properties?.l).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(s.properties?.l).not.toHaveProperty('additionalProperties');
  });

  it('inlines reused schemas registered with an id', () => {
    const shared = z.object({ a: z.string() }).meta({ id: 'Shared' });
    const s = toStructuralSchema(z.object({ x: shared, y: shared }));
    expect(JSON.stringify(s)).not.toContain('$ref');
    expect(s.properties?.x).toEqual(s.properties?.y);
    expect(s.properties?.x?.type).toBe('object');
  });

  it('carries CEL rules, list-map metadata and preserve-unknown-fields', () => {
    const s = toStructuralSchema(
      celRules(
        z.object({
          items: z
            .array(z.object({ k: z.string() }))
            .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'] }),
          raw: z.unknown().optional(),
        }),
        { rule: 'true', message: 'always' },
      ),
    );
    expect(s['x-kubernetes-validations']).toEqual([{ rule: 'true', message: 'always' }]);
    expect(s.properties?.items).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['k'],
    });
    expect(s.properties?.raw).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('turns nullable and exclusive bounds into the OpenAPI v3 forms', () => {
    const s = toStructuralSchema(z.object({ n: z.string().nullable(), p: z.number().positive() }));
    expect(s.properties?.n).toEqual({ type: 'string', nullable: true });
    expect(s.properties?.p).toEqual({ type: 'number', minimum: 0, exclusiveMinimum: true });
  });

  it('turns literal unions into a string enum', () => {
    const s = toStructuralSchema(z.object({ v: z.union([z.literal('x'), z.literal('y')]) }));
    expect(s.properties?.v).toEqual({ type: 'string', enum: ['x', 'y'] });
  });

  it('rejects unions of object shapes, naming the path', () => {
    const bad = z.object({ u: z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]) });
    expect(() => toStructuralSchema(bad)).toThrow(StructuralSchemaError);
    expect(() => toStructuralSchema(bad)).toThrow(/^\.u: /);
  });

  it('rejects tuples', () => {
    expect(() => toStructuralSchema(z.object({ t: z.tuple([z.string(), z.number()]) }))).toThrow(/no tuples/);
  });
});

describe('crdFor', () => {
  const spec = z
    .object({ a: z.string().default('x').describe('a') })
    .prefault({})
    .describe('spec');
  const status = z.object({ b: z.string().optional().describe('b') }).describe('status');

  it('builds an apiextensions.k8s.io/v1 CRD with the status subresource', () => {
    const crd = crdFor({
      group: 'example.io',
      kind: 'Widget',
      plural: 'widgets',
      singular: 'widget',
      shortNames: ['wd'],
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          schema: spec,
          statusSchema: status,
          served: true,
          storage: true,
          printerColumns: [{ name: 'A', type: 'string', jsonPath: '.spec.a' }],
        },
      ],
    });
    expect(crd.metadata.name).toBe('widgets.example.io');
    expect(crd.spec.names).toEqual({
      kind: 'Widget',
      listKind: 'WidgetList',
      plural: 'widgets',
      singular: 'widget',
      shortNames: ['wd'],
    });
    const version = crd.spec.versions[0];
    expect(version?.subresources).toEqual({ status: {} });
    expect(version?.additionalPrinterColumns).toEqual([{ name: 'A', type: 'string', jsonPath: '.spec.a' }]);
    expect(Object.keys(version?.schema.openAPIV3Schema.properties ?? {})).toEqual([
      'apiVersion',
      'kind',
      'metadata',
      'spec',
      'status',
    ]);
    expect(version?.schema.openAPIV3Schema.properties?.spec?.default).toEqual({});
  });

  it('requires exactly one storage version', () => {
    expect(() =>
      crdFor({
        group: 'g.io',
        kind: 'K',
        plural: 'ks',
        singular: 'k',
        scope: 'Cluster',
        versions: [
          { name: 'v1', schema: spec, served: true, storage: false },
          { name: 'v2', schema: spec, served: true, storage: false },
        ],
      }),
    ).toThrow(/storage version/);
  });
});

describe('the Maestro CRD', () => {
  const crd = maestroCrd();
  const root = crd.spec.versions[0]?.schema.openAPIV3Schema ?? {};

  it('is structural: every node typed, no $ref, no additionalProperties false, int-or-string handled', () => {
    expect(structuralProblems(root)).toEqual([]);
  });

  it('describes every field of spec and status', () => {
    expect(undescribed(root.properties?.spec ?? {}, 'spec')).toEqual([]);
    expect(undescribed(root.properties?.status ?? {}, 'status')).toEqual([]);
  });

  it('is a cluster-scoped singleton named cluster, enforced by CEL on the root', () => {
    expect(crd.metadata.name).toBe('maestros.maestro.multicluster.openshift.io');
    expect(crd.spec.scope).toBe('Cluster');
    expect(root['x-kubernetes-validations']).toEqual([
      {
        rule: "self.metadata.name == 'cluster'",
        message: 'Maestro is a singleton: the object must be named cluster',
      },
    ]);
  });

  it('publishes the defaults the API server applies', () => {
    const spec = root.properties?.spec;
    expect(spec?.default).toEqual({});
    expect(spec?.properties?.transport?.default).toBe('grpc');
    expect(spec?.properties?.namespace?.default).toBe('maestro');
    expect(spec?.properties?.retainDataOnDisable?.default).toBe(true);
    expect(
      spec?.properties?.database?.properties?.embedded?.properties?.storage?.properties?.size?.default,
    ).toBe('1Gi');
    expect(spec?.properties?.transportRollout?.properties?.maxConcurrency?.default).toBe('10%');
    expect(spec?.properties?.server?.properties?.replicas).toMatchObject({ minimum: 0, format: 'int32' });
    expect(spec?.properties?.server?.properties?.replicas).not.toHaveProperty('default');
  });

  it('enforces the API-server-checkable rules with CEL', () => {
    const spec = root.properties?.spec;
    const rules = (n: JsonSchemaProps | undefined) =>
      (n?.['x-kubernetes-validations'] ?? []).map((r) => r.rule);
    expect(rules(spec?.properties?.database)).toContain(
      "!has(self.type) || self.type != 'External' || has(self.external)",
    );
    expect(rules(spec?.properties?.broker)).toContain(
      "!has(self.type) || self.type != 'External' || has(self.external)",
    );
    expect(rules(spec?.properties?.namespace)).toEqual(['self == oldSelf']);
    // The gRPC server is exposed only as the import controller can use it (no NodePort).
    expect(spec?.properties?.grpcServer?.properties?.exposure?.enum).toEqual([
      'Auto',
      'Route',
      'LoadBalancer',
    ]);
    expect(spec?.properties?.images?.properties?.maestro?.pattern).toBeTruthy();
  });

  it('guards CEL field reads with has() where the API server validates a `{}` default', () => {
    // kube-apiserver checks rules against an object's default before nested defaults apply, and
    // rejects the CRD when a rule reads a missing key ("no such key").
    const unguarded: string[] = [];
    const walk = (node: JsonSchemaProps, path: string) => {
      const emptyDefault = JSON.stringify(node.default) === '{}';
      for (const { rule } of node['x-kubernetes-validations'] ?? []) {
        if (!emptyDefault) continue;
        for (const [, field] of rule.matchAll(/self\.(\w+)/g)) {
          if (!rule.includes(`has(self.${field})`)) unguarded.push(`${path}: ${rule}`);
        }
      }
      for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${name}`);
    };
    walk(root.properties?.spec ?? {}, 'spec');
    expect(unguarded).toEqual([]);
  });

  it('keys conditions by type for server-side apply', () => {
    expect(root.properties?.status?.properties?.conditions).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    });
  });
});
