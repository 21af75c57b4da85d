/**
 * Our entry in the MultiClusterEngine's `status.components`, in backplane-operator's shape
 * (`pkg/status`: name, kind, type, status, reason, message, lastTransitionTime). A disabled
 * component reads like backplane's `ToggledOffStatus`: `NotPresent`/`ComponentDisabled` once
 * nothing is left, `Uninstalled`/`ResourcesPresent` while something is.
 *
 * The list is atomic in the MCE CRD and backplane-operator owns the rest of it, writing the whole
 * status with Update. So we never server-side apply it: we replace or insert only our entry and
 * send the whole list back in a merge patch that carries `metadata.resourceVersion` (optimistic
 * lock; a 409 means someone wrote in between, so we read again and retry), and only when our
 * entry changed.
 */
import { z } from 'zod';
import { MCE_API_VERSION, MCE_KIND } from '../../api/upstream/mce.js';
import { isConflict, toMetaTime, type ConditionInput, type KubeObject } from '../../runtime/index.js';
import { ObjectWriteError, type WriteContext } from './apply-objects.js';
import { MCE_COMPONENT_ENTRY } from './constants.js';
import type { FinishedReport } from './outcome.js';

/** One `status.components` entry as backplane-operator writes it. */
export interface ComponentEntry {
  name: string;
  kind: string;
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

const componentsSchema = z.object({
  components: z.array(z.looseObject({ name: z.string().optional() })).optional(),
});

/** The `status.components` list of an MCE status (unknown JSON), or []. */
export function componentsOf(status: unknown): Record<string, unknown>[] {
  const parsed = componentsSchema.safeParse(status ?? {});
  return parsed.success ? (parsed.data.components ?? []) : [];
}

/** Our entry in a components list, if present. */
export function findEntry(
  components: readonly Record<string, unknown>[],
): Record<string, unknown> | undefined {
  return components.find((c) => c.name === MCE_COMPONENT_ENTRY);
}

/**
 * The entry a report calls for; undefined when there is no MCE to write to. `available` is the
 * Available condition just computed (enabled cases mirror it); `existing` keeps its
 * lastTransitionTime while type and status stay the same.
 */
export function componentEntry(
  report: FinishedReport,
  available: ConditionInput | undefined,
  existing: Record<string, unknown> | undefined,
  now: Date,
): ComponentEntry | undefined {
  const o = report.outcome;
  let entry: Omit<ComponentEntry, 'lastTransitionTime'>;
  const base = { name: MCE_COMPONENT_ENTRY };
  if (o.kind === 'WaitingForMceApi') return undefined;
  if (o.kind === 'Disabled') {
    if (o.reason === 'MultiClusterEngineNotFound') return undefined;
    const left = [...o.remaining.map((r) => `<${r}>`)];
    if (o.drain.kind === 'Waiting')
      left.push(`<ClusterManager cluster-manager gRPC fields: ${o.drain.message}>`);
    entry =
      left.length === 0
        ? {
            ...base,
            kind: 'Component',
            type: 'NotPresent',
            status: 'True',
            reason: 'ComponentDisabled',
            message: 'No resources present',
          }
        : {
            ...base,
            kind: 'Component',
            type: 'Uninstalled',
            status: 'False',
            reason: 'ResourcesPresent',
            message: `The following resources remain: ${left.join(' ')}`,
          };
  } else if (o.kind === 'Enabled' && available) {
    // One message per state: details change as operands come up, and each change here would be
    // another write to a status backplane-operator owns. The Maestro status has the details.
    const message =
      available.status === 'True'
        ? `Maestro is available (transport ${o.rendered.transport})`
        : 'Maestro is being installed or updated: see the status of Maestro cluster';
    entry = {
      ...base,
      kind: 'Deployment',
      type: 'Available',
      status: available.status,
      reason: available.reason,
      message,
    };
  } else {
    const enabled = o.kind === 'Enabled' || ((o.kind === 'InvalidSpec' || o.kind === 'Blocked') && o.enabled);
    const reason = o.kind === 'InvalidSpec' ? 'InvalidSpec' : 'ApplyFailed';
    const message =
      o.kind === 'InvalidSpec'
        ? 'the Maestro settings are invalid: see Maestro cluster status'
        : (report.failure ?? 'blocked: see Maestro cluster status');
    entry = enabled
      ? { ...base, kind: 'Deployment', type: 'Available', status: 'False', reason, message }
      : { ...base, kind: 'Component', type: 'Uninstalled', status: 'False', reason, message };
  }
  const keep = existing && existing.type === entry.type && existing.status === entry.status;
  const ltt =
    keep && typeof existing.lastTransitionTime === 'string' ? existing.lastTransitionTime : toMetaTime(now);
  return { ...entry, lastTransitionTime: ltt };
}

/** True when `existing` already says what `entry` says (lastTransitionTime aside). */
export function sameEntry(existing: Record<string, unknown> | undefined, entry: ComponentEntry): boolean {
  if (!existing) return false;
  return (['name', 'kind', 'type', 'status', 'reason', 'message'] as const).every(
    (k) => existing[k] === entry[k],
  );
}

/** The list with our entry replaced in place, or appended; every other entry untouched. */
export function withEntry(
  components: readonly Record<string, unknown>[],
  entry: ComponentEntry,
): Record<string, unknown>[] {
  const i = components.findIndex((c) => c.name === MCE_COMPONENT_ENTRY);
  if (i < 0) return [...components, { ...entry }];
  return components.map((c, j) => (j === i ? { ...entry } : c));
}

const MAX_CONFLICT_RETRIES = 5;

/** An MCE's resourceVersion and status, as cached (our last write included). */
export interface McStatusSnapshot {
  resourceVersion?: string;
  status: unknown;
}

/**
 * Writes our entry into the MCE named `name` unless its cached status already has it. On a 409
 * the MCE is read again and the list rebuilt from the fresh copy. Returns whether it wrote.
 */
export async function writeComponentEntry(
  name: string,
  cached: McStatusSnapshot,
  entry: ComponentEntry,
  ctx: WriteContext,
): Promise<boolean> {
  let current = cached;
  if (sameEntry(findEntry(componentsOf(current.status)), entry)) return false;
  const ref = { apiVersion: MCE_API_VERSION, kind: MCE_KIND, name };
  const client = ctx.planes.clientFor(ref);
  for (let attempt = 0; ; attempt++) {
    const components = withEntry(componentsOf(current.status), entry);
    try {
      const written = await client.patch<KubeObject & { status?: unknown }>(
        ref,
        { metadata: { resourceVersion: current.resourceVersion }, status: { components } },
        'merge',
        { subresource: 'status', signal: ctx.signal },
      );
      ctx.caches.mce.recordWrite(written);
      return true;
    } catch (err) {
      if (!isConflict(err) || attempt >= MAX_CONFLICT_RETRIES) {
        throw new ObjectWriteError('apply', `${MCE_KIND}/${name} status.components`, err);
      }
      ctx.log.debug({ mce: name, attempt }, 'status.components conflict, reading again');
      const fresh = await client.get<KubeObject & { status?: unknown }>(ref, { signal: ctx.signal });
      if (!fresh) return false;
      if (sameEntry(findEntry(componentsOf(fresh.status)), entry)) return false;
      current = { resourceVersion: fresh.metadata.resourceVersion, status: fresh.status };
    }
  }
}
