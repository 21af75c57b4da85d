/** What every reconcile step gets: clients, caches (which show our own writes at once), and settings. */
import type { Planes } from '../../kube/index.js';
import type { Clock, EventRecorder, Logger } from '../../runtime/index.js';
import type { WriteContext } from './apply-objects.js';
import type { MaestroCaches } from './caches.js';
import type { CapabilityProbe } from './capabilities.js';
import type { GeneratedMemo } from './generated-material.js';
import type { OperandImages } from './render/index.js';

/** Long-lived state shared by reconciles of the one key. */
export interface MaestroRuntime {
  planes: Planes;
  caches: MaestroCaches;
  probe: CapabilityProbe;
  memo: GeneratedMemo;
  recorder: EventRecorder;
  /** Operand images from the operator environment (`OPERAND_IMAGE_*`). */
  images: OperandImages;
  /** See `RenderInput.operatorNamespace`. */
  operatorNamespace?: string;
  clock: Clock;
  /** The last problem logged, so a waiting operator says it once, not every reconcile. */
  lastProblem?: string;
  /** The previous reconcile left its status to the next one (see `reconcile.ts`). */
  statusDeferred?: boolean;
  /** When `steps/drain-to-kube.ts` last wrote the transport rollout that moves agents back to kube. */
  drainWrittenAt?: number;
}

/** Builds the per-reconcile write context. */
export function writeContext(rt: MaestroRuntime, log: Logger, signal: AbortSignal): WriteContext {
  return {
    planes: rt.planes,
    caches: rt.caches,
    log,
    signal,
    writes: { count: 0 },
  };
}
