/**
 * What a rollout records on each cluster object it writes, in one annotation per kind of target,
 * written in the same server-side apply as the change itself: which rollout and revision, the
 * direction, when it started, and the value before the change (what a rollback restores). The
 * controller rebuilds every cluster's state from these each reconcile; nothing lives only in memory.
 */
import { z } from 'zod';
import type { TargetKind } from '../../api/agentrollout.js';
import { internString } from './fleet-strings.js';

export const STATE_ANNOTATION_PREFIX = 'rollout.maestro.multicluster.openshift.io/';

/** Annotation key holding the state of one kind of target. */
export function stateAnnotation(kind: TargetKind): string {
  return `${STATE_ANNOTATION_PREFIX}${kind === 'addOn' ? 'addon' : kind}`;
}

/** The user's own KlusterletConfig selection before a rollout first took the cluster's slot. */
export const ORIGINAL_CONFIG_ANNOTATION = `${STATE_ANNOTATION_PREFIX}original-klusterlet-config`;

export const clusterRolloutStateSchema = z.object({
  /** `namespace/name` of the AgentRollout. */
  rollout: z.string(),
  revision: z.string(),
  direction: z.enum(['forward', 'rollback']),
  /** Epoch milliseconds when the planner started it. */
  startedAt: z.number().int(),
  /** The value written for the target (config name, transport, add-on config), for reading back. */
  value: z.string(),
  /** The value before the rollout first changed this cluster ("" = nothing); a rollback restores it. */
  previous: z.string(),
  /** `generation` of the cluster's delivery object (e.g. `<cluster>-klusterlet`) when it started. */
  workGeneration: z.number().int().optional(),
});
export type ClusterRolloutState = z.infer<typeof clusterRolloutStateSchema>;

/**
 * Parsed states by the annotations object they came from, one table per kind of target. Cached
 * objects are replaced, never changed, on update, so every reconcile over 10,000s of clusters reuses
 * the parse of the last.
 */
const parsedStates: Record<
  TargetKind,
  WeakMap<Record<string, string>, Readonly<ClusterRolloutState> | null>
> = { klusterlet: new WeakMap(), transport: new WeakMap(), addOn: new WeakMap() };

/**
 * One entry per distinct state annotation value: the text, which every cluster holding the value
 * shares (the trims intern annotation values through `internStateValue`), and its parse, made
 * once and frozen. The clusters one reconcile started carry the same ~200-byte value (same
 * rollout, revision, start time and values): a wave of 2,500 clusters holds one copy and one
 * parse instead of 2,500. Bounded (values longer than the fleet's string table keeps, so a table
 * of their own): values of past waves that no cached object holds any more fall out.
 */
interface StateValue {
  text: string;
  parsed?: Readonly<ClusterRolloutState> | null;
}
let stateValues = new Map<string, StateValue>();
const STATE_VALUES_BOUND = 1024;

function stateValue(raw: string): StateValue {
  let entry = stateValues.get(raw);
  if (!entry) {
    if (stateValues.size >= STATE_VALUES_BOUND) stateValues = new Map();
    entry = { text: raw };
    stateValues.set(raw, entry);
  }
  return entry;
}

/** A state annotation value through the table above (the one copy of its text). */
export function internStateValue(raw: string): string {
  return stateValue(raw).text;
}

/** Parses a state annotation; `null` when absent or unreadable (then the cluster counts as untouched). */
export function readClusterState(
  annotations: Record<string, string> | undefined,
  kind: TargetKind,
): Readonly<ClusterRolloutState> | null {
  const raw = annotations?.[stateAnnotation(kind)];
  if (!annotations || !raw) return null;
  const byObject = parsedStates[kind];
  const known = byObject.get(annotations);
  if (known !== undefined) return known;
  const entry = stateValue(raw);
  entry.parsed ??= parseState(raw);
  byObject.set(annotations, entry.parsed);
  return entry.parsed;
}

function parseState(raw: string): Readonly<ClusterRolloutState> | null {
  try {
    const parsed = clusterRolloutStateSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return null;
    const s = parsed.data;
    // Shared by every cluster with this value, and its strings with the fleet caches'.
    return Object.freeze({
      ...s,
      rollout: internString(s.rollout),
      revision: internString(s.revision),
      value: internString(s.value),
      previous: internString(s.previous),
    });
  } catch {
    return null;
  }
}

/** The annotation value for a state (compact JSON, stable key order). */
export function writeClusterState(state: ClusterRolloutState): string {
  const { rollout, revision, direction, startedAt, value, previous, workGeneration } = state;
  return JSON.stringify({
    rollout,
    revision,
    direction,
    startedAt,
    value,
    previous,
    ...(workGeneration === undefined ? {} : { workGeneration }),
  });
}
