/**
 * Validation of everything render consumes. The CRD schema (zod-generated, with CEL) rejects most
 * bad specs at the API server; this catches the rest (Secrets, operator env, cluster capabilities)
 * and repeats the CEL rules, since a spec parsed by zod alone has not been through them. The
 * controller turns a non-empty result into `Degraded=True, reason InvalidSpec` and prunes nothing.
 */
import type { z } from 'zod';
import { IMAGE_REFERENCE_PATTERN } from '../../../api/maestro-fields.js';
import { type MaestroSpec, maestroSpecSchema } from '../../../api/maestro.js';
import { parseExternalBroker, parseExternalDatabase } from './external-secrets.js';
import { names, OCM_HUB_NAMESPACE, GRPC_SERVER_ROUTE } from './names.js';
import { OPERAND_IMAGE_ENV, OPERAND_IMAGE_KEYS, resolveExposure } from './settings.js';
import type { FieldError, OperandImages, RenderInput } from './types.js';

export type ValidationInput = Pick<
  RenderInput,
  'spec' | 'images' | 'external' | 'capabilities' | 'clusterIngressDomain' | 'clusterManager'
>;

/** `field: message`, the form used in conditions and events. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${e.message}`;
}

/** Parses a raw `spec` (unknown JSON) into a defaulted spec, or field-named errors. */
export function parseMaestroSpec(
  raw: unknown,
): { ok: true; spec: MaestroSpec } | { ok: false; errors: FieldError[] } {
  const result = maestroSpecSchema.safeParse(raw ?? {});
  if (result.success) return { ok: true, spec: result.data };
  return { ok: false, errors: zodIssuesToFieldErrors(result.error, 'spec') };
}

/** Maps zod issues to field errors rooted at `prefix` (e.g. `spec.server.replicas`). */
export function zodIssuesToFieldErrors(error: z.ZodError, prefix: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
      .join('.')
      .replace(/\.\[/g, '['),
    message: issue.message,
  }));
}

/**
 * Returns every problem with the settings, each naming its field; empty when render can run.
 * Promises: if this returns `[]`, `renderMaestro` with the same inputs (plus generated material)
 * does not throw.
 */
export function validateMaestroSettings(input: ValidationInput): FieldError[] {
  const { spec } = input;
  const errors: FieldError[] = [...validateStructure(spec), ...validateImages(input)];

  if (spec.database.type === 'External' && spec.database.external) {
    const field = 'spec.database.external.secretRef.name';
    const parsed = parseExternalDatabase(
      field,
      spec.database.external.secretRef.name,
      input.external.database ?? null,
    );
    if (!parsed.ok) errors.push(...parsed.errors);
  }

  if (spec.transport === 'mqtt') {
    if (spec.broker.type === 'External' && spec.broker.external) {
      const field = 'spec.broker.external.secretRef.name';
      const parsed = parseExternalBroker(
        field,
        spec.broker.external.secretRef.name,
        input.external.broker ?? null,
      );
      if (!parsed.ok) errors.push(...parsed.errors);
    } else {
      errors.push(
        ...validateExposure(
          'spec.broker.embedded',
          spec.broker.embedded,
          { name: names.mqttRoute, namespace: spec.namespace },
          input,
        ),
      );
    }
  }

  if (spec.transport === 'grpc') {
    if (!input.clusterManager) {
      errors.push({
        field: 'spec.transport',
        message:
          'grpc needs ClusterManager cluster-manager (the MCE cluster-manager component), which does not exist',
      });
    }
    errors.push(
      ...validateExposure(
        'spec.grpcServer',
        spec.grpcServer,
        { name: GRPC_SERVER_ROUTE, namespace: OCM_HUB_NAMESPACE },
        input,
      ),
    );
  }
  return errors;
}

/** The CEL rules of the CRD, repeated for specs that did not come through the API server. */
function validateStructure(spec: MaestroSpec): FieldError[] {
  const errors: FieldError[] = [];
  for (const [path, block] of [
    ['spec.database', spec.database],
    ['spec.broker', spec.broker],
  ] as const) {
    if (block.type === 'External' && !block.external) {
      errors.push({ field: `${path}.external`, message: 'required when type is External' });
    }
    if (block.type !== 'External' && block.external) {
      errors.push({ field: `${path}.external`, message: 'only valid when type is External' });
    }
  }
  for (const [path, block] of [['spec.broker.embedded', spec.broker.embedded]] as const) {
    if (block.nodePort !== undefined && block.exposure !== 'NodePort') {
      errors.push({ field: `${path}.nodePort`, message: 'only valid when exposure is NodePort' });
    }
    if (block.exposure === 'NodePort' && !block.hostname) {
      errors.push({ field: `${path}.hostname`, message: 'required when exposure is NodePort' });
    }
  }
  return errors;
}

function validateImages(input: ValidationInput): FieldError[] {
  const { spec } = input;
  const needed: (keyof OperandImages)[] = ['maestro', 'restProxy'];
  if (spec.database.type === 'Embedded') needed.push('postgresql');
  if (spec.transport === 'mqtt' && spec.broker.type === 'Embedded') needed.push('mosquitto');
  const cmHasConductorImage = Boolean(input.clusterManager?.spec?.serverConfiguration?.imagePullSpec?.trim());
  if (spec.transport === 'grpc' && !cmHasConductorImage) needed.push('conductor');

  const errors: FieldError[] = [];
  for (const key of OPERAND_IMAGE_KEYS) {
    const field = `spec.images.${key}`;
    const fromEnv = input.images[key];
    if (spec.images[key] === undefined && fromEnv !== undefined && !IMAGE_REFERENCE_PATTERN.test(fromEnv)) {
      errors.push({
        field,
        message: `operator env ${OPERAND_IMAGE_ENV[key]}="${fromEnv}" is not a valid image reference`,
      });
    } else if (needed.includes(key) && !spec.images[key] && !fromEnv) {
      errors.push({ field, message: `no image: set ${field} or the operator env ${OPERAND_IMAGE_ENV[key]}` });
    }
  }
  return errors;
}

function validateExposure(
  path: string,
  fields: { exposure: MaestroSpec['broker']['embedded']['exposure']; hostname?: string; nodePort?: number },
  route: { name: string; namespace: string },
  input: ValidationInput,
): FieldError[] {
  if (fields.exposure === 'Route' && !input.capabilities.routes) {
    return [
      {
        field: `${path}.exposure`,
        message: 'Route needs the route.openshift.io API, which this cluster does not serve',
      },
    ];
  }
  const resolved = resolveExposure(fields, route, input.capabilities, input.clusterIngressDomain);
  if (resolved.type === 'Route' && !resolved.host) {
    return [
      {
        field: `${path}.hostname`,
        message: 'required: the cluster ingress domain is unknown, so the Route host cannot be derived',
      },
    ];
  }
  return [];
}
