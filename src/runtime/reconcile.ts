import type { Logger } from './logger.js';

/** What a reconcile asks for next. Returning nothing means "done until something changes". */
export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds (forgets any backoff). */
  requeueAfter?: number;
  /** Reconcile again with the key's rate-limited backoff, without reporting an error. */
  requeue?: boolean;
}

/** The request handed to `reconcile`: one key, split into namespace and name. */
export interface ReconcileRequest {
  /** `namespace/name` or `name`. */
  key: string;
  namespace: string | undefined;
  name: string;
}

/** Per-reconcile context. */
export interface ReconcileContext {
  /** A child logger with `controller`, `namespace`, `name` and `reconcileID`. */
  log: Logger;
  /** Aborted when the controller stops (shutdown or lost leadership): stop promptly. */
  signal: AbortSignal;
  reconcileID: string;
}

/** The reconcile function of a controller. Throw to retry with backoff. */
export type Reconciler = (req: ReconcileRequest, ctx: ReconcileContext) => Promise<ReconcileResult | void>;

/**
 * An error retrying cannot fix (an invalid spec): the controller logs it once and does not
 * requeue; the next change to the object triggers a new reconcile.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True for a `TerminalError`, also when wrapped as the `cause` of another error. */
export function isTerminal(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof TerminalError) return true;
  }
  return false;
}
