/**
 * The Maestro controller factory: its caches, one Controller with one key (the singleton Maestro),
 * and watches that map every change of anything it reads or owns to that key. Informer handlers
 * also settle the expectations of our own writes as the caches catch up with them.
 */
import { setMaxListeners } from 'node:events';
import type { ControllerDeps, ControllerFactory } from '../../runtime/run-operator.js';
import {
  Controller,
  realClock,
  type Clock,
  type Informer,
  type KubeObject,
  type ReconcileResult,
  type Registration,
} from '../../runtime/index.js';
import { objectKeyOf } from './apply-objects.js';
import { MaestroCaches } from './caches.js';
import { CapabilityProbe } from './capabilities.js';
import { CLUSTER_MANAGER_KEY } from './cluster-manager.js';
import { CONTROLLER_NAME, MAESTRO_KEY } from './constants.js';
import { Expectations } from './expectations.js';
import { GeneratedMemo } from './generated-material.js';
import type { MaestroRuntime } from './maestro-runtime.js';
import { MAESTRO_STATUS_KEY } from './maestro-status.js';
import { mceStatusKey } from './mce-status.js';
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

function settleOn(informer: Informer, expectations: Expectations, key: (o: KubeObject) => string): void {
  const seen = (o: KubeObject, gone: boolean) =>
    expectations.observed(key(o), { resourceVersion: o.metadata.resourceVersion, uid: o.metadata.uid, gone });
  informer.addHandler({
    add: (o) => seen(o, false),
    update: (_old, o) => seen(o, false),
    delete: (o) => seen(o, true),
  });
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
  const expectations = new Expectations(clock);
  const rt: MaestroRuntime = {
    planes: deps.planes,
    caches,
    probe: new CapabilityProbe(
      deps.planes,
      caches,
      clock,
      deps.logger.child({ controller: CONTROLLER_NAME }),
    ),
    expectations,
    memo: new GeneratedMemo(),
    recorder: deps.recorder,
    images: operandImagesFromEnv(opts.env ?? process.env),
    operatorNamespace: (opts.env ?? process.env).POD_NAMESPACE || undefined,
    clock,
    mceStatusWritten: new Map(),
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

  for (const c of caches.owned) settleOn(c.informer, expectations, (o) => `${c.plane}|${objectKeyOf(o)}`);
  const secretSeen = (o: KubeObject, gone: boolean) =>
    expectations.observed(`${caches.cachePlane('control')}|${objectKeyOf(o)}`, {
      resourceVersion: o.metadata.resourceVersion,
      uid: o.metadata.uid,
      gone,
    });
  caches.secrets.addHandler({
    add: (o) => secretSeen(o, false),
    update: (_old, o) => secretSeen(o, false),
    delete: (o) => secretSeen(o, true),
  });
  settleOn(caches.clusterManager, expectations, () => CLUSTER_MANAGER_KEY);
  settleOn(caches.maestro, expectations, () => MAESTRO_STATUS_KEY);
  settleOn(caches.mce, expectations, (o) => mceStatusKey(o.metadata.name ?? ''));

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
