/**
 * Normalizes the inputs render reads: the MCE's operand settings, operand images from the
 * operator environment, and the effective exposure of each endpoint.
 */
import type { V1ResourceRequirements, V1Toleration } from '@kubernetes/client-node';
import type { ExposureType, ResourceRequirements } from '../../../api/maestro-fields.js';
import type { MaestroSpec } from '../../../api/maestro.js';
import {
  type MultiClusterEngine,
  operandTolerations,
  replicasForAvailability,
} from '../../../api/upstream/mce.js';
import type { Capabilities, MceSettings, OperandImages, RenderInput } from './types.js';

/** Environment variables of the operator that hold operand images (MCE's `OPERAND_IMAGE_<key>`). */
export const OPERAND_IMAGE_ENV = {
  maestro: 'OPERAND_IMAGE_MAESTRO',
  postgresql: 'OPERAND_IMAGE_POSTGRESQL',
  mosquitto: 'OPERAND_IMAGE_MOSQUITTO',
  conductor: 'OPERAND_IMAGE_CLOUDEVENTS_CONDUCTOR',
  restProxy: 'OPERAND_IMAGE_KUBE_RBAC_PROXY',
} as const;

/** Every operand image key. */
export const OPERAND_IMAGE_KEYS = Object.keys(OPERAND_IMAGE_ENV) as (keyof OperandImages)[];

/** Reads operand images from an environment map; empty values count as unset. */
export function operandImagesFromEnv(env: Readonly<Record<string, string | undefined>>): OperandImages {
  const out: OperandImages = {};
  for (const [key, variable] of Object.entries(OPERAND_IMAGE_ENV) as [keyof OperandImages, string][]) {
    const value = env[variable]?.trim();
    if (value) out[key] = value;
  }
  return out;
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;

/**
 * The MCE settings render uses. Throws if the MCE has no uid (it always has one once read from the
 * API server; owner references need it).
 */
export function mceSettingsFrom(mce: MultiClusterEngine): MceSettings {
  const uid = mce.metadata.uid;
  if (!uid) throw new Error(`MultiClusterEngine ${mce.metadata.name} has no uid`);
  const policy = mce.spec?.overrides?.imagePullPolicy;
  return {
    name: mce.metadata.name,
    uid,
    replicas: replicasForAvailability(mce),
    nodeSelector: { ...(mce.spec?.nodeSelector ?? {}) },
    tolerations: operandTolerations(mce).map((t) => ({ ...t }) as V1Toleration),
    imagePullPolicy: PULL_POLICIES.find((p) => p === policy) ?? 'IfNotPresent',
  };
}

/** The exposure in effect after resolving `Auto`, with the host agents dial when known. */
export interface ResolvedExposure {
  type: Exclude<ExposureType, 'Auto'>;
  /** Route host or user-given hostname. */
  host?: string;
  nodePort?: number;
}

interface ExposureFields {
  exposure: ExposureType;
  hostname?: string;
  nodePort?: number;
}

/**
 * Resolves an exposure block: `Auto` is a Route where Routes are served, else a LoadBalancer.
 * A Route's host defaults to OpenShift's `<name>-<namespace>.<ingress domain>` (the host MCE sets
 * for the gRPC server Route), so it can go into certificates before the Route exists.
 */
export function resolveExposure(
  fields: ExposureFields,
  route: { name: string; namespace: string },
  capabilities: Capabilities,
  ingressDomain: string | undefined,
): ResolvedExposure {
  const type =
    fields.exposure === 'Auto' ? (capabilities.routes ? 'Route' : 'LoadBalancer') : fields.exposure;
  const host =
    fields.hostname ??
    (type === 'Route' && ingressDomain ? `${route.name}-${route.namespace}.${ingressDomain}` : undefined);
  return {
    type,
    ...(host ? { host } : {}),
    ...(fields.nodePort !== undefined ? { nodePort: fields.nodePort } : {}),
  };
}

/** Server replicas: the spec's, else the MCE availability default. */
export function serverReplicas(spec: MaestroSpec, mce: MceSettings): number {
  return spec.server.replicas ?? mce.replicas;
}

/** Images in effect: the spec's override, else the operator environment. */
export function effectiveImages(input: Pick<RenderInput, 'spec' | 'images'>): OperandImages {
  const { spec, images } = input;
  const pick = (k: keyof OperandImages) => spec.images[k] ?? images[k];
  const out: OperandImages = {};
  for (const k of OPERAND_IMAGE_KEYS) {
    const v = pick(k);
    if (v) out[k] = v;
  }
  return out;
}

/** core/v1 ResourceRequirements from the spec's int-or-string quantities. */
export function resourceRequirements(r: ResourceRequirements): V1ResourceRequirements {
  const toStrings = (m: Record<string, string | number> | undefined) =>
    m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)])) : undefined;
  const requests = toStrings(r.requests);
  const limits = toStrings(r.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}
