export { renderMaestro } from './render.js';
export { InvalidMaestroSettingsError, mqttExposure } from './context.js';
export {
  formatFieldError,
  parseMaestroSpec,
  validateMaestroSettings,
  zodIssuesToFieldErrors,
} from './validate.js';
export type { ValidationInput } from './validate.js';
export { mceSettingsFrom, operandImagesFromEnv, OPERAND_IMAGE_ENV } from './settings.js';
export { mqttServerHostnames } from './mqtt-broker.js';
export { apiServerHostnames } from './api-tls.js';
export { databaseServerHostnames } from './database.js';
export { clusterManagerRelease } from './grpc-conductor.js';
export {
  PRUNABLE_KINDS,
  PRUNE_LABEL_SELECTOR,
  refKey,
  renderDisabled,
  isRetainedData,
  retainedObjects,
  selectPrunable,
} from './prune.js';
export type { DisabledPlan, PrunableKind } from './prune.js';
export { ownershipLabels, MANAGED_BY, PART_OF } from './labels.js';
export { containerSecurityContext, podSecurityContext } from './security.js';
export { names, OCM_HUB_NAMESPACE, MQTT_SERVER_IDENTITY } from './names.js';
export type * from './types.js';
