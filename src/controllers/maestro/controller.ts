/**
 * The Maestro controller factory: its caches, one Controller with one key (the singleton Maestro),
 * and watches that map every change of anything it reads or owns to that key. Our own writes are
 * recorded in the caches by the write sites (`MaestroCaches.recordWrite`).
 */
import { setMaxListeners } from 'node:events';
import type { ControllerDeps, ControllerFactory } from '../../runtime/run-operator.js';
import {
  Controller,
  realClock,
  type Clock,
  type ReconcileResult,
  type Registration,
} from '../../runtime/index.js';
import { MaestroCaches } from './caches.js';
import { CapabilityProbe } from './capabilities.js';
import { CONTROLLER_NAME, MAESTRO_KEY } from './constants.js';
import { GeneratedMemo } from './generated-material.js';
import type { MaestroRuntime } from './maestro-runtime.js';
import { reconcileMaestro } from './reconcile.js';
import { operandImagesFromEnv } from './render/index.js';

export interface MaestroControllerOptions {
  /** Where operand images come from (`OPERAND_IMAGE_*`); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  /** Called after every reconcile with its result or error (benchmarks and tests count them). */
  onReconciled?: (outcome: ReconcileResult | Error) => void;
}

/** The registration plus handles tests and benchmarks use. */
export interface MaestroController extends Registration {
  controller: Controller;
  caches: MaestroCaches;
}

/** Builds the Maestro controller and its informers. */
export function createMaestroController(
  deps: ControllerDeps,
  opts: MaestroControllerOptions = {},
): MaestroController {
  const clock = opts.clock ?? realClock;
  const toKey = () => [MAESTRO_KEY];
  const enqueueLater: { fn: () => void } = { fn: () => undefined };
  const caches = new MaestroCaches(deps.planes, deps.logger, () => enqueueLater.fn());
  const rt: MaestroRuntime = {
    planes: deps.planes,
    caches,
    probe: new CapabilityProbe(
      deps.planes,
      caches,
      clock,
      deps.logger.child({ controller: CONTROLLER_NAME }),
    ),
    memo: new GeneratedMemo(),
    recorder: deps.recorder,
    images: operandImagesFromEnv(opts.env ?? process.env),
    operatorNamespace: (opts.env ?? process.env).POD_NAMESPACE || undefined,
    clock,
  };
  const controller = new Controller({
    name: CONTROLLER_NAME,
    logger: deps.logger,
    clock,
    reconcile: async (_req, ctx) => {
      // Every request of a reconcile listens on its signal (AbortSignal.any); dozens is normal here.
      setMaxListeners(0, ctx.signal);
      try {
        const result = await reconcileMaestro(rt, ctx);
        opts.onReconciled?.(result);
        return result;
      } catch (err) {
        opts.onReconciled?.(err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
    },
  });
  enqueueLater.fn = () => controller.enqueue(MAESTRO_KEY);

  // Always-served kinds gate the first reconcile; optional ones just trigger one.
  for (const informer of caches.required()) controller.watch(informer, toKey);
  for (const informer of caches.optional()) {
    const enqueue = () => controller.enqueue(MAESTRO_KEY);
    informer.addHandler({ add: enqueue, update: enqueue, delete: enqueue });
  }
  controller.enqueue(MAESTRO_KEY);

  return { informers: caches.forManager(), controllers: [controller], controller, caches };
}

/** The factory `src/controllers/index.ts` registers. */
export const maestroControllerFactory: ControllerFactory = (deps) => createMaestroController(deps);
