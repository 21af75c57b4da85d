/**
 * The Maestro reconcile, as a numbered story. One key (the singleton); everything it reads comes
 * from the caches, everything it writes is skipped when the cache already shows it.
 *
 *  1. Load the world from the caches (wait while an optional cache is still deciding).
 *  2. Defer status: whatever happens, the Maestro status and the MCE component entry are written
 *     once, at the end, and only if they changed. A reconcile that wrote objects leaves status
 *     to the one its own watch events trigger (at most once in a row, and within a second): that
 *     one computes it from caches that show the writes, instead of publishing a snapshot from
 *     before them that is about to change.
 *  3. Without the MultiClusterEngine API, wait: nothing is installed or removed. Next to an MCE
 *     that reconciles its own maestro-preview (2.17+, not externally managed), wait too.
 *  4. Parse the settings (no Maestro object means the defaults, in the namespace of the install
 *     already there); invalid settings stop here (nothing is pruned or deleted).
 *  5. Enabled: validate against the hub, material, render, apply, ClusterManager, fleet, prune
 *     (`enabled.ts`). Disabled or no MCE: fleet back to kube, then release and remove
 *     (`disabled.ts`).
 *
 * The Maestro singleton is never created by us: `spec.namespace` is immutable, and creating the
 * object with defaults would pin the namespace before the admin had a say (it matters on hubs where
 * the legacy maestro-addon occupies `maestro`). Without it, status goes to the MCE entry and logs.
 */
import { MAESTRO_ENABLED_ANNOTATION, maestroToggle } from '../../api/upstream/mce.js';
import { coexistence } from '../../api/upstream/mce-coexistence.js';
import type { ReconcileContext, ReconcileResult } from '../../runtime/index.js';
import { ObjectWriteError } from './apply-objects.js';
import { CACHE_WAIT_MS, MCE_API_POLL_MS, NOT_SERVED_POLL_MS, STATUS_FOLLOW_UP_MS } from './constants.js';
import { convergeDisabled } from './disabled.js';
import { convergeEnabled } from './enabled.js';
import { loadWorld, type World } from './load-world.js';
import { writeContext, type MaestroRuntime } from './maestro-runtime.js';
import type { Report } from './outcome.js';
import { publishStatus } from './publish-status.js';
import { installedNamespace } from './retained-data.js';
import { formatFieldError, parseMaestroSpec } from './render/index.js';

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

  // 2. Status is written once, at the end, whatever happens in between.
  const report: Report = {};
  let result: ReconcileResult = {};
  let statusError: unknown;
  let deferStatus = false;
  try {
    result = await converge(world, maestro?.spec, rt, ctx, report);
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

async function converge(
  world: World,
  rawSpec: unknown,
  rt: MaestroRuntime,
  ctx: ReturnType<typeof writeContext>,
  report: Report,
): Promise<ReconcileResult> {
  // 3. Without the MultiClusterEngine API there is no toggle to read: wait, change nothing.
  if (world.mce.kind === 'NotServed') {
    report.outcome = { kind: 'WaitingForMceApi' };
    return { requeueAfter: MCE_API_POLL_MS };
  }
  const mce = world.mce.kind === 'Present' ? world.mce.mce : undefined;
  const toggle = mce ? maestroToggle(mce) : { enabled: false as const, decidedBy: 'absent' as const };

  // 3b. An MCE that reconciles its own maestro-preview would delete our namespace and reset the
  //     ClusterManager on every pass: touch nothing until the admin hands the component over.
  const together = mce ? coexistence(mce) : { ok: true as const };
  if (!together.ok) {
    report.outcome = {
      kind: 'Blocked',
      enabled: toggle.enabled,
      message: together.message,
      reason: 'MceManagesMaestro',
    };
    return {};
  }

  // 4. Settings: invalid ones stop everything, nothing is pruned. Without a Maestro object they
  //    are the defaults, in the namespace of the install already there (deleting the object must
  //    not move Maestro away from its data).
  const installed = rawSpec === undefined ? installedNamespace(world.owned) : undefined;
  const parsed = parseMaestroSpec(installed ? { namespace: installed } : rawSpec);
  if (!parsed.ok) {
    report.outcome = { kind: 'InvalidSpec', enabled: toggle.enabled, errors: parsed.errors };
    return {};
  }

  // 5. Converge to the toggle.
  if (mce && toggle.enabled) return convergeEnabled(world, mce, parsed.spec, rt, ctx, report);
  const because = mce
    ? {
        reason: 'ComponentDisabled' as const,
        message:
          toggle.decidedBy === 'absent'
            ? `MultiClusterEngine ${mce.metadata.name} does not enable the maestro component (spec.overrides.components)`
            : toggle.decidedBy === 'annotation'
              ? `MultiClusterEngine ${mce.metadata.name} disables Maestro (annotation ${MAESTRO_ENABLED_ANNOTATION})`
              : `MultiClusterEngine ${mce.metadata.name} disables the ${toggle.decidedBy} component`,
      }
    : {
        reason: 'MultiClusterEngineNotFound' as const,
        message: world.mce.kind === 'Absent' ? world.mce.message : 'no MultiClusterEngine exists',
      };
  return convergeDisabled(world, mce, parsed.spec, because, rt, ctx, report);
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
