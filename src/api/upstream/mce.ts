/**
 * The parts of stolostron MultiClusterEngine (`multicluster.openshift.io/v1`, cluster-scoped)
 * that this operator reads. Loose objects: unknown fields pass through untouched, so a newer MCE
 * never fails to parse. Field names follow backplane-operator `api/v1/multiclusterengine_types.go`.
 */
import { z } from 'zod';

export const MCE_API_VERSION = 'multicluster.openshift.io/v1';
export const MCE_KIND = 'MultiClusterEngine';

/** The component name this operator owns. Rejected by MCE's webhook, so only usable without it. */
export const MAESTRO_COMPONENT = 'maestro';
/** MCE 2.17's name for its own Maestro component (backplane-operator `MaestroPreview`). */
export const MAESTRO_PREVIEW_COMPONENT = 'maestro-preview';

const componentSchema = z.looseObject({
  name: z.string(),
  enabled: z.boolean().optional(),
});

const tolerationSchema = z.looseObject({
  key: z.string().optional(),
  operator: z.string().optional(),
  value: z.string().optional(),
  effect: z.string().optional(),
  tolerationSeconds: z.number().int().optional(),
});

export const multiClusterEngineSchema = z.looseObject({
  apiVersion: z.literal(MCE_API_VERSION),
  kind: z.literal(MCE_KIND),
  metadata: z.looseObject({
    name: z.string(),
    uid: z.string().optional(),
    generation: z.number().int().optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    deletionTimestamp: z.string().optional(),
  }),
  spec: z
    .looseObject({
      availabilityConfig: z.string().optional(),
      nodeSelector: z.record(z.string(), z.string()).optional(),
      tolerations: z.array(tolerationSchema).optional(),
      imagePullSecret: z.string().optional(),
      targetNamespace: z.string().optional(),
      overrides: z
        .looseObject({
          imagePullPolicy: z.string().optional(),
          components: z.array(componentSchema).optional(),
        })
        .optional(),
    })
    .optional(),
});

export type MultiClusterEngine = z.infer<typeof multiClusterEngineSchema>;
export type MceToleration = z.infer<typeof tolerationSchema>;

/** Which component entry (or our annotation) turned Maestro on or off. */
export type MaestroToggle =
  | {
      enabled: boolean;
      decidedBy: typeof MAESTRO_COMPONENT | typeof MAESTRO_PREVIEW_COMPONENT | 'annotation';
    }
  | { enabled: false; decidedBy: 'absent' };

/**
 * Our flag where MCE's webhook refuses both component names (before 2.17, and 5.x): `"true"` or
 * `"false"` on the MultiClusterEngine. MCE ignores annotations it does not know.
 */
export const MAESTRO_ENABLED_ANNOTATION = 'maestro.multicluster.openshift.io/enabled';

/**
 * Reads the Maestro toggle: the `maestro` entry of `spec.overrides.components` decides when
 * present; then the annotation `maestro.multicluster.openshift.io/enabled` ("true"/"false"), the
 * only flag MCE 5.x lets through (it refuses and undoes an enabled `maestro-preview`); then the
 * `maestro-preview` entry (the name real MCE 2.17 hubs use); with none, Maestro is off. `enabled`
 * missing counts as false, as in the Go type (`json:"enabled"`).
 */
export function maestroToggle(mce: MultiClusterEngine): MaestroToggle {
  const components = mce.spec?.overrides?.components ?? [];
  const own = components.find((c) => c.name === MAESTRO_COMPONENT);
  if (own) return { enabled: own.enabled === true, decidedBy: MAESTRO_COMPONENT };
  const annotation = mce.metadata.annotations?.[MAESTRO_ENABLED_ANNOTATION];
  if (annotation === 'true' || annotation === 'false')
    return { enabled: annotation === 'true', decidedBy: 'annotation' };
  const preview = components.find((c) => c.name === MAESTRO_PREVIEW_COMPONENT);
  if (preview) return { enabled: preview.enabled === true, decidedBy: MAESTRO_PREVIEW_COMPONENT };
  return { enabled: false, decidedBy: 'absent' };
}

/** True when the MCE enables Maestro (see `maestroToggle` for the precedence rule). */
export function maestroComponentEnabled(mce: MultiClusterEngine): boolean {
  return maestroToggle(mce).enabled;
}

/**
 * Default replica count for MCE operands: 1 for `availabilityConfig: Basic`, otherwise 2. MCE
 * treats an empty or unknown value as High (backplane-operator `setDefaults`,
 * `utils.DefaultReplicaCount`).
 */
export function replicasForAvailability(mce: MultiClusterEngine): 1 | 2 {
  return mce.spec?.availabilityConfig === 'Basic' ? 1 : 2;
}

/**
 * Tolerations MCE gives its operands: `spec.tolerations`, or when that is empty MCE's defaults
 * (`utils.DefaultTolerations`: `node-role.kubernetes.io/infra` and `dedicated`, NoSchedule, Exists).
 */
export function operandTolerations(mce: MultiClusterEngine): MceToleration[] {
  const own = mce.spec?.tolerations ?? [];
  if (own.length > 0) return own;
  return [
    { key: 'node-role.kubernetes.io/infra', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' },
  ];
}
