/**
 * zod schema -> Kubernetes structural OpenAPI v3 schema -> CustomResourceDefinition.
 *
 * `z.toJSONSchema(schema, { io: 'input' })` gives JSON Schema 2020-12 of what a user may write
 * (fields with defaults are optional, defaults are listed). A CRD needs a *structural* schema
 * (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema):
 * every node has a type (except int-or-string and preserve-unknown-fields nodes), no `$ref`, no
 * `additionalProperties` next to `properties`, and logical junctors carry only value validations.
 * This module rewrites the one into the other and fails loudly on what can't be expressed.
 */
import { z } from 'zod';
import type { CelRule } from './schema.js';

/** The subset of apiextensions.k8s.io/v1 JSONSchemaProps we emit, with wire names. */
export interface JsonSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  properties?: Record<string, JsonSchemaProps>;
  required?: string[];
  items?: JsonSchemaProps;
  additionalProperties?: JsonSchemaProps;
  anyOf?: JsonSchemaProps[];
  allOf?: JsonSchemaProps[];
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

type Json = Record<string, unknown>;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** String formats the API server knows (k8s.io/kube-openapi `pkg/validation/strfmt`). */
const KNOWN_FORMATS = new Set([
  'byte',
  'password',
  'date',
  'date-time',
  'email',
  'uri',
  'uuid',
  'hostname',
  'ipv4',
  'ipv6',
  'cidr',
  'int32',
  'int64',
  'float',
  'double',
]);

/** Keys copied through unchanged when present. */
const VALUE_KEYS = [
  'description',
  'default',
  'pattern',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource',
] as const;

/** Keys allowed inside `allOf`/`anyOf` branches of a structural schema (value validations only). */
const JUNCTOR_KEYS = new Set([
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'enum',
]);

/** Thrown when a zod schema uses something a structural schema can't say. */
export class StructuralSchemaError extends Error {
  constructor(path: string, problem: string) {
    super(`${path || '<root>'}: ${problem}`);
    this.name = 'StructuralSchemaError';
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Converts a zod schema into a structural OpenAPI v3 schema for a CRD. Promises: no `$ref`,
 * `$schema` or `additionalProperties: false` in the result; every object/array/scalar node has a
 * `type`; int-or-string values are `x-kubernetes-int-or-string` with kubebuilder's
 * `anyOf: [{type: integer}, {type: string}]`; descriptions, defaults and CEL rules are kept.
 * Throws `StructuralSchemaError` naming the path for unions of object shapes, tuples, cycles.
 */
export function toStructuralSchema(schema: z.ZodType): JsonSchemaProps {
  const raw = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as Json;
  const defs: Record<string, Json> = {};
  for (const key of ['$defs', 'definitions']) {
    const d = raw[key];
    if (isObject(d)) for (const [name, s] of Object.entries(d)) if (isObject(s)) defs[name] = s;
  }
  return convert(raw, defs, [], '');
}

function resolveRef(node: Json, defs: Record<string, Json>, seen: string[], path: string): [Json, string[]] {
  const ref = node.$ref;
  if (typeof ref !== 'string') return [node, seen];
  const name = ref.replace(/^#\/(\$defs|definitions)\//, '');
  const target = defs[name];
  if (ref === '#' || target === undefined) throw new StructuralSchemaError(path, `unresolvable $ref ${ref}`);
  if (seen.includes(name)) throw new StructuralSchemaError(path, `recursive schema ${name} can't be inlined`);
  const { $ref: _ref, ...siblings } = node;
  return resolveRef({ ...target, ...siblings }, defs, [...seen, name], path);
}

function convert(input: Json, defs: Record<string, Json>, seenRefs: string[], path: string): JsonSchemaProps {
  const [node, seen] = resolveRef(input, defs, seenRefs, path);
  const out: JsonSchemaProps = {};
  for (const key of VALUE_KEYS) {
    if (node[key] !== undefined) (out as Json)[key] = node[key];
  }
  if (node['x-kubernetes-preserve-unknown-fields'] === true)
    out['x-kubernetes-preserve-unknown-fields'] = true;

  let type = node.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    if (nonNull.length !== type.length) out.nullable = true;
    if (nonNull.length !== 1) throw new StructuralSchemaError(path, `several types ${type.join(', ')}`);
    type = nonNull[0];
  }

  const branches = (node.anyOf ?? node.oneOf) as unknown;
  if (Array.isArray(branches)) {
    return convertUnion(node, out, branches as Json[], defs, seen, path);
  }
  if (Array.isArray(node.allOf)) {
    out.allOf = (node.allOf as Json[]).map((b, i) => junctorBranch(b, `${path}.allOf[${i}]`));
  }

  if (node.const !== undefined) {
    out.enum = [node.const];
    type ??= typeof node.const === 'number' ? 'number' : typeof node.const;
  } else if (Array.isArray(node.enum)) {
    out.enum = [...(node.enum as unknown[])];
  }

  if (typeof node.exclusiveMinimum === 'number') {
    out.minimum = node.exclusiveMinimum;
    out.exclusiveMinimum = true;
  }
  if (typeof node.exclusiveMaximum === 'number') {
    out.maximum = node.exclusiveMaximum;
    out.exclusiveMaximum = true;
  }
  if (typeof node.format === 'string' && KNOWN_FORMATS.has(node.format)) out.format = node.format;

  switch (type) {
    case 'object':
      return convertObject(node, out, defs, seen, path);
    case 'array': {
      if (!isObject(node.items))
        throw new StructuralSchemaError(path, 'arrays need a single items schema (no tuples)');
      out.type = 'array';
      out.items = convert(node.items, defs, seen, `${path}[]`);
      return out;
    }
    case 'integer':
      return convertInteger(out);
    case 'string':
    case 'number':
    case 'boolean':
      out.type = type;
      return out;
    case undefined:
      // z.unknown()/z.any(): keep whatever the user writes.
      out['x-kubernetes-preserve-unknown-fields'] = true;
      return out;
    default:
      throw new StructuralSchemaError(path, `unsupported type ${String(type)}`);
  }
}

function convertObject(
  node: Json,
  out: JsonSchemaProps,
  defs: Record<string, Json>,
  seen: string[],
  path: string,
): JsonSchemaProps {
  out.type = 'object';
  const props = isObject(node.properties) ? node.properties : undefined;
  if (props) {
    out.properties = {};
    for (const [name, child] of Object.entries(props)) {
      if (!isObject(child))
        throw new StructuralSchemaError(`${path}.${name}`, 'boolean schemas are not supported');
      out.properties[name] = convert(child, defs, seen, `${path}.${name}`);
    }
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    if (required.length > 0) out.required = required.filter((r) => r in props);
  }
  const extra = node.additionalProperties;
  if (extra === true || (isObject(extra) && Object.keys(extra).length === 0)) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  } else if (isObject(extra)) {
    if (props && Object.keys(props).length > 0) {
      throw new StructuralSchemaError(path, 'properties and additionalProperties are mutually exclusive');
    }
    out.additionalProperties = convert(extra, defs, seen, `${path}.*`);
  }
  return out;
}

function convertInteger(out: JsonSchemaProps): JsonSchemaProps {
  out.type = 'integer';
  if (out.minimum !== undefined && out.minimum <= -MAX_SAFE) delete out.minimum;
  if (out.maximum !== undefined && out.maximum >= MAX_SAFE) delete out.maximum;
  const fitsInt32 =
    out.minimum !== undefined &&
    out.maximum !== undefined &&
    out.minimum >= INT32_MIN &&
    out.maximum <= INT32_MAX;
  out.format = fitsInt32 ? 'int32' : 'int64';
  return out;
}

function convertUnion(
  node: Json,
  out: JsonSchemaProps,
  rawBranches: Json[],
  defs: Record<string, Json>,
  seen: string[],
  path: string,
): JsonSchemaProps {
  const branches = rawBranches.map((b) => resolveRef(b, defs, seen, path)[0]);
  const nonNull = branches.filter((b) => b.type !== 'null');
  if (nonNull.length !== branches.length) out.nullable = true;
  const types = new Set(nonNull.map((b) => b.type));

  const intOrString =
    node['x-kubernetes-int-or-string'] === true ||
    (nonNull.length === 2 && types.has('string') && (types.has('integer') || types.has('number')));
  if (intOrString) {
    out['x-kubernetes-int-or-string'] = true;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
    delete out.nullable;
    return out;
  }
  if (nonNull.length === 1) {
    // `T | null`: the single branch, with the outer description/default on top.
    const inner = convert(nonNull[0] as Json, defs, seen, path);
    return { ...inner, ...out };
  }
  const literals = nonNull.flatMap((b) =>
    b.const !== undefined ? [b.const] : Array.isArray(b.enum) ? b.enum : [undefined],
  );
  if (literals.every((l) => typeof l === 'string')) {
    return { ...out, type: 'string', enum: literals };
  }
  throw new StructuralSchemaError(
    path,
    'unions of differently shaped values are not structural; use optional fields and a CEL rule',
  );
}

function junctorBranch(branch: unknown, path: string): JsonSchemaProps {
  if (!isObject(branch)) throw new StructuralSchemaError(path, 'boolean schemas are not supported');
  const out: Json = {};
  for (const [k, v] of Object.entries(branch)) {
    if (k === 'type' || k === 'format') continue;
    if (!JUNCTOR_KEYS.has(k)) throw new StructuralSchemaError(path, `${k} is not allowed inside allOf/anyOf`);
    out[k] = v;
  }
  return out as JsonSchemaProps;
}

/** One `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/** One served version of a CRD, described by zod schemas. */
export interface CrdVersionParams {
  name: string;
  /** The zod schema of `.spec`. */
  schema: z.ZodType;
  /** The zod schema of `.status`; the status subresource is enabled when given. */
  statusSchema?: z.ZodType;
  printerColumns?: readonly PrinterColumn[];
  served: boolean;
  storage: boolean;
  /** CEL rules on the root of the object (they may read `self.metadata.name`). */
  validations?: readonly CelRule[];
  /** Description of the whole object. */
  description?: string;
}

export interface CrdParams {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  listKind?: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  scope: 'Cluster' | 'Namespaced';
  versions: readonly CrdVersionParams[];
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition as plain JSON. */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Cluster' | 'Namespaced';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JsonSchemaProps };
      subresources?: { status: Record<string, never> };
      additionalPrinterColumns?: PrinterColumn[];
    }[];
  };
}

/**
 * Builds the CustomResourceDefinition of a kind from its zod schemas. Promises: exactly one
 * storage version; each version's schema is structural (see `toStructuralSchema`) with
 * `apiVersion`, `kind`, `metadata`, `spec` and, when a status schema is given, `status` plus the
 * status subresource.
 */
export function crdFor(params: CrdParams): CustomResourceDefinition {
  const storage = params.versions.filter((v) => v.storage);
  if (storage.length !== 1) throw new Error(`${params.kind}: exactly one storage version is required`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${params.plural}.${params.group}` },
    spec: {
      group: params.group,
      names: {
        kind: params.kind,
        listKind: params.listKind ?? `${params.kind}List`,
        plural: params.plural,
        singular: params.singular,
        ...(params.shortNames?.length ? { shortNames: [...params.shortNames] } : {}),
        ...(params.categories?.length ? { categories: [...params.categories] } : {}),
      },
      scope: params.scope,
      versions: params.versions.map((v) => {
        const properties: Record<string, JsonSchemaProps> = {
          apiVersion: {
            type: 'string',
            description:
              'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
          },
          kind: {
            type: 'string',
            description:
              'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to.',
          },
          metadata: { type: 'object' },
          spec: toStructuralSchema(v.schema),
        };
        if (v.statusSchema) properties.status = toStructuralSchema(v.statusSchema);
        const root: JsonSchemaProps = {
          type: 'object',
          ...(v.description ? { description: v.description } : {}),
          properties,
          ...(v.validations?.length ? { 'x-kubernetes-validations': [...v.validations] } : {}),
        };
        return {
          name: v.name,
          served: v.served,
          storage: v.storage,
          schema: { openAPIV3Schema: root },
          ...(v.statusSchema ? { subresources: { status: {} } } : {}),
          ...(v.printerColumns?.length
            ? { additionalPrinterColumns: v.printerColumns.map((c) => ({ ...c })) }
            : {}),
        };
      }),
    },
  };
}
