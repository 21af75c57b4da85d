export {
  createMaestroController,
  maestroControllerFactory,
  type MaestroController,
  type MaestroControllerOptions,
} from './controller.js';
export {
  MAESTRO_KEY,
  SPEC_HASH_ANNOTATION,
  TRANSPORT_ROLLOUT_NAME,
  GLOBAL_SET_NAMESPACE,
} from './constants.js';
