/**
 * Coming from the stolostron maestro-addon (Helm chart `maestro-addon`, Kafka transport,
 * ClusterManagementAddOn `maestro-addon`). We report it and never touch its data: its chart puts
 * a Maestro server and PostgreSQL into namespace `maestro` with the same Secret name we use
 * (`maestro-db-config`), so installing into that namespace would adopt its Secret and, with
 * retainDataOnDisable off, later delete it. We refuse that namespace instead.
 */
import { MaestroConditionReason, MaestroConditionType } from '../../api/maestro-conditions.js';
import type { MaestroSpec } from '../../api/maestro.js';
import type { ConditionInput } from '../../runtime/index.js';
import { HELM_RELEASE_ANNOTATION, LEGACY_ADDON_NAME } from './constants.js';
import type { SecretObject } from './namespace-secrets.js';
import { names, type FieldError } from './render/index.js';

/** The LegacyAddonDetected condition. */
export function legacyAddonCondition(addon: { served: boolean; present: boolean }): ConditionInput {
  const type = MaestroConditionType.LegacyAddonDetected;
  if (!addon.present) {
    return {
      type,
      status: 'False',
      reason: MaestroConditionReason.LegacyAddonDetected.AddonAbsent,
      message: addon.served
        ? `no ClusterManagementAddOn ${LEGACY_ADDON_NAME} found`
        : 'the ClusterManagementAddOn API is not served, so no maestro-addon is installed',
    };
  }
  return {
    type,
    status: 'True',
    reason: MaestroConditionReason.LegacyAddonDetected.AddonPresent,
    message:
      `ClusterManagementAddOn ${LEGACY_ADDON_NAME} exists: the deprecated stolostron maestro-addon (Helm release ` +
      `${LEGACY_ADDON_NAME}, Kafka transport) is installed. This operator leaves it, its Maestro server and its ` +
      'database alone. To move: keep spec.namespace different from the add-on namespace (its chart uses ' +
      '"maestro"), move your ManifestWorks to the new Maestro, then uninstall the add-on with ' +
      `"helm uninstall ${LEGACY_ADDON_NAME}" and delete its namespace once its data is no longer needed.`,
  };
}

/**
 * A field error when the operand namespace holds the add-on's database Secret (made by its Helm
 * release); undefined otherwise. The Secret of MCE's maestro-preview is adopted, not refused.
 */
export function legacyAddonNamespaceConflict(
  spec: MaestroSpec,
  dbSecret: SecretObject | undefined,
): FieldError | undefined {
  if (dbSecret?.metadata.annotations?.[HELM_RELEASE_ANNOTATION] !== LEGACY_ADDON_NAME) return undefined;
  return {
    field: 'spec.namespace',
    message:
      `namespace "${spec.namespace}" holds the legacy maestro-addon's database (Secret ${names.dbSecret} of Helm ` +
      `release ${LEGACY_ADDON_NAME}); choose another namespace or uninstall the add-on first`,
  };
}
