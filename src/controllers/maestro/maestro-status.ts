/**
 * `Maestro.status`, written once per reconcile (in its `finally`) by server-side apply on the
 * status subresource with our field manager and only our fields, and only when it changed. Every
 * condition transition is also an Event whose reason is the condition's reason.
 */
import { MaestroConditionReason as R, MaestroConditionType as T } from '../../api/maestro-conditions.js';
import {
  MAESTRO_API_VERSION,
  MAESTRO_KIND,
  maestroStatusSchema,
  type MaestroStatus,
} from '../../api/maestro.js';
import { setCondition, type Condition, type EventInput, type KubeObject } from '../../runtime/index.js';
import type { WriteContext } from './apply-objects.js';
import { maestroConditions } from './conditions.js';
import type { MaestroObject } from './load-world.js';
import { stableHash } from './object-diff.js';
import type { FinishedReport } from './outcome.js';

/** The status as last written (parsed), or an empty one. */
export function currentStatus(maestro: MaestroObject | undefined): MaestroStatus {
  const parsed = maestroStatusSchema.safeParse(maestro?.status ?? {});
  return parsed.success ? parsed.data : {};
}

/** The status a report calls for, starting from `current` (so transition times are kept). */
export function nextStatus(
  current: MaestroStatus,
  report: FinishedReport,
  legacyAddon: { served: boolean; present: boolean },
  generation: number | undefined,
  now: Date,
): MaestroStatus {
  let conditions: Condition[] = [...(current.conditions ?? [])];
  const has = (type: string) => conditions.some((c) => c.type === type);
  for (const input of maestroConditions(report, legacyAddon, has)) {
    conditions = setCondition(conditions, input, { now, observedGeneration: generation });
  }
  const o = report.outcome;
  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    conditions,
    ...(o.kind === 'Enabled'
      ? {
          transport: o.rendered.transport,
          databaseType: o.rendered.databaseType,
          endpoints: o.rendered.endpoints,
        }
      : {}),
  };
}

/** True when two statuses differ in anything we write. */
export function statusChanged(a: MaestroStatus, b: MaestroStatus): boolean {
  return stableHash(a) !== stableHash(b);
}

/** Conditions whose status or reason changed (a new condition counts, unless it says all is well). */
export function transitions(before: readonly Condition[], after: readonly Condition[]): Condition[] {
  const quietWhenNew = new Set<string>([
    R.Degraded.AsExpected,
    R.LegacyAddonDetected.AddonAbsent,
    R.InsecureDatabaseConnection.TlsEnabled,
  ]);
  return after.filter((c) => {
    const old = before.find((b) => b.type === c.type);
    if (!old) return !quietWhenNew.has(c.reason);
    return old.status !== c.status || old.reason !== c.reason;
  });
}

/** The Event for a condition transition: Warning when something needs a human. */
export function eventFor(c: Condition): EventInput {
  const warning =
    (c.type === T.Degraded && c.status === 'True') ||
    (c.type === T.LegacyAddonDetected && c.status === 'True') ||
    (c.type === T.InsecureDatabaseConnection && c.status === 'True');
  return { type: warning ? 'Warning' : 'Normal', reason: c.reason, action: 'Reconcile', note: c.message };
}

/**
 * Writes `next` when it differs from the cached status (our last write included: it is recorded
 * in the cache). Returns whether it wrote.
 */
export async function writeMaestroStatus(
  maestro: MaestroObject,
  current: MaestroStatus,
  next: MaestroStatus,
  ctx: WriteContext,
): Promise<boolean> {
  if (!statusChanged(current, next)) return false;
  const body: KubeObject & { status: MaestroStatus } = {
    apiVersion: MAESTRO_API_VERSION,
    kind: MAESTRO_KIND,
    metadata: { name: maestro.metadata.name },
    status: next,
  };
  const written = await ctx.planes.clientFor(body).applyStatus(body, { signal: ctx.signal });
  ctx.caches.maestro.recordWrite(written);
  return true;
}
