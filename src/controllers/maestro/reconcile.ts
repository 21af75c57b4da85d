/**
 * The Maestro reconcile. One key (the singleton); everything it reads comes from the caches,
 * everything it writes is skipped when the cache already shows it.
 *
 *  1. Load the world from the caches (wait while an optional cache is still deciding).
 *  2. Run the steps (`steps/index.ts`), in order, until one stops:
 *     gate     mce-api, coexistence, settings (nothing changes before these pass);
 *     enabled  operand-secrets, hub-validation, material, desired-state, apply-operands,
 *              wire-cluster-manager, set-transport, prune-unwanted, operand-readiness;
 *     disabled operand-secrets, drain-to-kube, release-cluster-manager, remove-installation.
 *  3. Publish status, whatever happened: the Maestro status and the MCE component entry are
 *     written once, at the end, and only if they changed (`publish-status.ts`). A reconcile that
 *     wrote objects leaves status to the one its own watch events trigger (at most once in a row,
 *     and within a second): that one computes it from caches that show the writes, instead of
 *     publishing a snapshot from before them that is about to change.
 *
 * The Maestro singleton is never created by us: `spec.namespace` is immutable, and creating the
 * object with defaults would pin the namespace before the admin had a say (it matters on hubs where
 * the legacy maestro-addon occupies `maestro`). Without it, status goes to the MCE entry and logs.
 */
import { maestroToggle } from '../../api/upstream/mce.js';
import type { ReconcileContext, ReconcileResult } from '../../runtime/index.js';
import { ObjectWriteError } from './apply-objects.js';
import { CACHE_WAIT_MS, NOT_SERVED_POLL_MS, STATUS_FOLLOW_UP_MS } from './constants.js';
import { loadWorld } from './load-world.js';
import { writeContext, type MaestroRuntime } from './maestro-runtime.js';
import type { Report } from './outcome.js';
import { publishStatus } from './publish-status.js';
import { formatFieldError } from './render/index.js';
import { runSteps } from './steps/index.js';

/** Reconciles the Maestro singleton. Throws to retry with backoff (after status was written). */
export async function reconcileMaestro(rt: MaestroRuntime, rc: ReconcileContext): Promise<ReconcileResult> {
  const ctx = writeContext(rt, rc.log, rc.signal);

  // 1. Load the world from the caches.
  const loaded = await loadWorld(rt.caches, rt.probe, rc.signal);
  if (!loaded.ready) {
    rc.log.debug({ waitingFor: loaded.waitingFor }, 'caches not settled yet');
    return { requeueAfter: CACHE_WAIT_MS };
  }
  const world = loaded.world;
  const maestro = world.maestro;

  // 2. The steps; 3. status is written once, at the end, whatever happens in between.
  const report: Report = {};
  let result: ReconcileResult = {};
  let statusError: unknown;
  let deferStatus = false;
  try {
    result = await runSteps({ world, rt, ctx, report });
    deferStatus = (ctx.writes.count > 0 && !rt.statusDeferred) || drainJustStarted(rt, report);
  } catch (err) {
    report.failure =
      err instanceof ObjectWriteError ? err.message : `reconcile failed: ${(err as Error).message}`;
    // A failure before the outcome was known still has to show (the retry may be minutes away
    // once backoff has grown): say it as Blocked, which keeps Available as it was.
    report.outcome ??= {
      kind: 'Blocked',
      enabled: world.mce.kind === 'Present' && maestroToggle(world.mce.mce).enabled,
      message: report.failure,
    };
    throw err;
  } finally {
    rt.statusDeferred = deferStatus;
    if (!deferStatus) statusError = await publishStatus(world, maestro, report, rt, ctx);
    sayOnce(rt, rc, report);
  }
  if (statusError) throw statusError;
  if (deferStatus) {
    return { requeueAfter: Math.min(result.requeueAfter ?? STATUS_FOLLOW_UP_MS, STATUS_FOLLOW_UP_MS) };
  }
  // A CRD installed later is only seen by looking again.
  if (rt.caches.optional().some((i) => !i.served())) {
    return { requeueAfter: Math.min(result.requeueAfter ?? NOT_SERVED_POLL_MS, NOT_SERVED_POLL_MS) };
  }
  return result;
}

/**
 * Agents are moving back to kube after a rollout we wrote less than STATUS_FOLLOW_UP_MS ago: a
 * fleet with nothing on gRPC is done before a "draining" status would be read, so it waits (at most
 * that long; a longer drain shows).
 */
export function drainJustStarted(rt: MaestroRuntime, report: Report): boolean {
  const o = report.outcome;
  if (o?.kind !== 'Disabled' || o.drain.kind !== 'Waiting' || rt.drainWrittenAt === undefined) return false;
  return rt.clock.now() - rt.drainWrittenAt < STATUS_FOLLOW_UP_MS;
}

/** Logs a waiting or invalid state once when it starts, not on every reconcile. */
function sayOnce(rt: MaestroRuntime, rc: ReconcileContext, report: Report): void {
  const o = report.outcome;
  let problem: string | undefined;
  if (o?.kind === 'WaitingForMceApi')
    problem = 'waiting for the MultiClusterEngine API (multicluster.openshift.io/v1)';
  else if (o?.kind === 'InvalidSpec') problem = o.errors.map(formatFieldError).join('; ');
  else if (o?.kind === 'Blocked') problem = o.message;
  if (problem === rt.lastProblem) return;
  rt.lastProblem = problem;
  if (o?.kind === 'WaitingForMceApi') rc.log.info('waiting for the MultiClusterEngine API to be served');
  else if (problem) rc.log.warn({ problem }, 'Maestro settings can not be used');
}
