/**
 * The last step of every reconcile, run from its `finally`: the Maestro status (with an Event per
 * condition transition) and our entry in the MultiClusterEngine's `status.components`, each
 * written only when it changed.
 */
import { MaestroConditionType } from '../../api/maestro-conditions.js';
import { MCE_API_VERSION, MCE_KIND } from '../../api/upstream/mce.js';
import { errorSummary, type KubeObject } from '../../runtime/index.js';
import type { WriteContext } from './apply-objects.js';
import type { MaestroObject, World } from './load-world.js';
import type { MaestroRuntime } from './maestro-runtime.js';
import { currentStatus, eventFor, nextStatus, transitions, writeMaestroStatus } from './maestro-status.js';
import { componentEntry, componentsOf, findEntry, writeComponentEntry } from './mce-status.js';
import type { Report } from './outcome.js';
import { recordMaestroHealth } from './metrics.js';

function mceObject(state: Extract<World['mce'], { kind: 'Present' }>): KubeObject {
  const { name, uid } = state.mce.metadata;
  return { apiVersion: MCE_API_VERSION, kind: MCE_KIND, metadata: { name, uid } };
}

/** Writes what changed; returns the first write error (the reconcile then retries), if any. */
export async function publishStatus(
  world: World,
  maestro: MaestroObject | undefined,
  report: Report,
  rt: MaestroRuntime,
  ctx: WriteContext,
): Promise<unknown> {
  if (!report.outcome) return undefined;
  const finished = { outcome: report.outcome, failure: report.failure };
  const now = new Date(rt.clock.now());
  const current = currentStatus(maestro);
  const next = nextStatus(current, finished, world.legacyAddon, maestro?.metadata.generation, now);
  let error: unknown;
  recordMaestroHealth(
    report.outcome,
    next.conditions?.some((c) => c.type === MaestroConditionType.Available && c.status === 'True') ?? false,
  );

  if (maestro) {
    try {
      if (await writeMaestroStatus(maestro, current, next, ctx)) {
        for (const c of transitions(current.conditions ?? [], next.conditions ?? [])) {
          void rt.recorder.event(maestro, eventFor(c));
        }
      }
    } catch (err) {
      error = err;
      ctx.log.warn({ err: errorSummary(err) }, 'could not write Maestro status');
    }
  }

  if (world.mce.kind === 'Present') {
    const { mce, status } = world.mce;
    const available = next.conditions?.find((c) => c.type === MaestroConditionType.Available);
    const entry = componentEntry(finished, available, findEntry(componentsOf(status)), now);
    if (entry) {
      try {
        const resourceVersion = (mce.metadata as { resourceVersion?: string }).resourceVersion;
        const wrote = await writeComponentEntry(mce.metadata.name, { resourceVersion, status }, entry, ctx);
        // Without a Maestro object, the entry is where transitions show: say them on the MCE.
        if (wrote && !maestro) {
          void rt.recorder.event(mceObject(world.mce), {
            type: entry.reason === 'InvalidSpec' || entry.reason === 'ApplyFailed' ? 'Warning' : 'Normal',
            reason: entry.reason,
            action: 'Reconcile',
            note: entry.message,
          });
        }
      } catch (err) {
        error ??= err;
        ctx.log.warn(
          { err: errorSummary(err), mce: mce.metadata.name },
          'could not write MultiClusterEngine status',
        );
      }
    }
  }
  return error;
}
