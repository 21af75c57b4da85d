/**
 * The controller registry: `main.ts` builds every factory listed here. A controller package
 * exports a `ControllerFactory` (deps → its informers and controllers) and adds it below.
 */
import type { ControllerFactory } from '../runtime/run-operator.js';
import { consoleControllerFactory } from './console/index.js';
import { maestroControllerFactory } from './maestro/index.js';
import { rolloutControllerFactory } from './rollout/controller.js';

export type { ControllerDeps, ControllerFactory } from '../runtime/run-operator.js';

export const controllers: ControllerFactory[] = [
  maestroControllerFactory,
  rolloutControllerFactory,
  consoleControllerFactory,
];
