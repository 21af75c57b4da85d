/**
 * Step 2 of an AgentRollout reconcile, pure: may this rollout take a step now? The spec must parse
 * and resolve to a policy, a finished revision stays finished (unless a rollback is requested
 * after it finished), images must come from allowed registries, and the Placement must exist and,
 * before the revision's first step, be fully scheduled. Anything else is a terminal answer for
 * this reconcile: a stall (InvalidSpec naming the field) or a wait, with the status to show.
 *
 * The spec is parsed and its policy compiled once per generation (and ClusterManagementAddOn
 * version, which an add-on's default strategy comes from), not on every reconcile.
 */
import {
  agentRolloutSpecSchema,
  describeTarget,
  ROLLBACK_ANNOTATION,
  targetKind,
  type AgentRolloutSpec,
  type TargetKind,
} from '../../api/agentrollout.js';
import { disallowedImages } from '../../api/agentrollout-admission.js';
import type { AgentRolloutStatus } from '../../api/agentrollout-status.js';
import { AgentRolloutReason as R } from '../../api/agentrollout-conditions.js';
import type { ClusterManagementAddOn, PlacementDecision } from '../../api/upstream/ocm.js';
import { objectKey, type KubeObject } from '../../runtime/index.js';
import type { RolloutPolicy } from '../../rollout/index.js';
import { placementClusters } from './placement-clusters.js';
import { resolvePolicy } from './policy.js';
import { targetRevision } from './revision.js';
import { isTerminalPhase, stalledStatus, waitingStatus } from './status.js';

/** How often a rollout waiting on its Placement (or stalled on a failed check) looks again. */
export const PREFLIGHT_RETRY_MS = 30_000;

export type AgentRolloutObject = KubeObject & { spec?: unknown; status?: AgentRolloutStatus };

/** A spec that parsed, with what every later step derives from it. */
export interface CompiledSpec {
  spec: AgentRolloutSpec;
  kind: TargetKind;
  revision: string;
  targetText: string;
}

export type Compiled =
  ({ ok: true; policy: RolloutPolicy } & CompiledSpec) | { ok: false; message: string; spec?: CompiledSpec };

/** What a reconcile ends with, whichever step decided it; the shell writes it once. */
export interface Outcome {
  /** The status to show (written only when it differs from the current one). */
  status: AgentRolloutStatus;
  requeueAfter?: number;
  /** A stall: a Warning event when its message is new. */
  stall?: { reason: string; message: string };
}

/** Everything the admission reads, already fetched by the shell. */
export interface AdmitInput {
  obj: AgentRolloutObject;
  compiled: Compiled;
  now: number;
  allowedRegistries: readonly string[];
  placementFound: boolean;
  selectedClusters: number | undefined;
  decisions: readonly PlacementDecision[];
}

export interface Admitted extends CompiledSpec {
  policy: RolloutPolicy;
  rollbackAt: number | null;
  groups: ReturnType<typeof placementClusters>['groups'];
  clusterNames: string[];
  /** The revision has taken its first step (its plan is frozen). */
  started: boolean;
}

/** `covered`: the clusters the Placement selects, once it is known to exist (for the cluster index). */
export type Admission =
  { verdict: 'stop'; outcome: Outcome | null; covered?: string[] } | ({ verdict: 'continue' } & Admitted);

export function stall(
  obj: AgentRolloutObject,
  now: number,
  reason: string,
  message: string,
): { verdict: 'stop'; outcome: Outcome } {
  return {
    verdict: 'stop',
    outcome: {
      status: stalledStatus(obj.status, obj.metadata.generation, now, reason, message),
      stall: { reason, message },
      // An invalid spec waits for the next edit; a failed check may clear without one (the hub
      // gets configured, the add-on's config appears), so look again.
      requeueAfter: reason === R.PreflightFailed ? PREFLIGHT_RETRY_MS : undefined,
    },
  };
}

export function admit(input: AdmitInput): Admission {
  const { obj, compiled, now } = input;
  const previous = obj.status;
  const generation = obj.metadata.generation;
  if (!compiled.ok && !compiled.spec) return stall(obj, now, R.InvalidSpec, compiled.message);
  const { spec, revision, targetText } = compiled.ok ? compiled : (compiled.spec as CompiledSpec);

  // A finished revision stays finished: later rollouts change the same clusters, and this one
  // must neither fight them nor un-succeed. Only a rollback request (or a new target) wakes it.
  const rollbackAt = timeAnnotation(obj, ROLLBACK_ANNOTATION);
  if (previous?.revision === revision && isTerminalPhase(previous.phase)) {
    const completedAt = previous.completionTime ? Date.parse(previous.completionTime) : 0;
    const rollbackRequested =
      rollbackAt !== null && rollbackAt > completedAt && previous.phase !== 'RolledBack';
    if (!rollbackRequested) {
      return {
        verdict: 'stop',
        outcome:
          previous.observedGeneration !== generation
            ? { status: { ...previous, observedGeneration: generation } }
            : null,
      };
    }
  }
  // The admission policy refuses these too; this catches rollouts written while it was missing
  // or before the allow-list was narrowed (a finished revision is left alone above).
  const badImages = disallowedImages(spec.target, input.allowedRegistries);
  if (badImages.length > 0) return stall(obj, now, R.InvalidSpec, badImages.join('; '));
  if (!compiled.ok) return stall(obj, now, R.InvalidSpec, compiled.message);

  const namespace = obj.metadata.namespace ?? '';
  const placementName = `${namespace}/${spec.placementRef.name}`;
  if (!input.placementFound)
    return stall(obj, now, R.InvalidSpec, `spec.placementRef.name: Placement ${placementName} not found`);
  const placed = placementClusters([...input.decisions]);
  const clusterNames = [...placed.groups.keys()];
  // The plan of a revision is frozen at its first step, so that step waits until the placement
  // controller has written every decision (a half-written Placement would freeze half a fleet
  // and turn the rest into late joiners). Decisions are written before the Placement's status
  // counts them: no count yet means not yet.
  const started = previous?.plan?.revision === revision;
  const selected = input.selectedClusters;
  if (!started && (clusterNames.length === 0 || selected !== clusterNames.length)) {
    const message =
      selected === undefined
        ? `waiting for the placement controller to schedule Placement ${placementName}`
        : clusterNames.length === 0
          ? `Placement ${placementName} selects no cluster`
          : `waiting for the decisions of Placement ${placementName} (${clusterNames.length} of ${selected})`;
    return {
      verdict: 'stop',
      outcome: {
        status: waitingStatus(previous, generation, now, targetText, revision, message, clusterNames.length),
        requeueAfter: PREFLIGHT_RETRY_MS,
      },
      covered: clusterNames.sort(),
    };
  }
  return {
    verdict: 'continue',
    ...compiled,
    rollbackAt,
    groups: placed.groups,
    clusterNames: clusterNames.sort(),
    started,
  };
}

/**
 * Parsed specs and compiled policies by rollout, recomputed only when the generation (or, for an
 * add-on, its ClusterManagementAddOn) changes. The conflict check reads other rollouts' targets
 * from here too.
 */
export class SpecCache {
  private readonly entries = new Map<string, { version: string; compiled: Compiled }>();

  compile(obj: AgentRolloutObject, cma: (name: string) => ClusterManagementAddOn | undefined): Compiled {
    const key = objectKey(obj);
    const addOn = addOnName(obj.spec);
    const version = `${obj.metadata.generation ?? obj.metadata.resourceVersion}|${addOn ? (cma(addOn)?.metadata.resourceVersion ?? '') : ''}`;
    const hit = this.entries.get(key);
    if (hit?.version === version) return hit.compiled;
    const compiled = compileSpec(obj, addOn ? cma(addOn) : undefined);
    this.entries.set(key, { version, compiled });
    return compiled;
  }

  /** The parsed spec of another rollout (parsed once per generation), or undefined when invalid. */
  spec(
    obj: AgentRolloutObject,
    cma: (name: string) => ClusterManagementAddOn | undefined,
  ): AgentRolloutSpec | undefined {
    const c = this.compile(obj, cma);
    return c.ok ? c.spec : c.spec?.spec;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

function compileSpec(obj: AgentRolloutObject, cma: ClusterManagementAddOn | undefined): Compiled {
  const parsed = agentRolloutSpecSchema.safeParse(obj.spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `spec.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const spec = parsed.data;
  const compiledSpec: CompiledSpec = {
    spec,
    kind: targetKind(spec.target),
    revision: targetRevision(spec.target),
    targetText: describeTarget(spec.target),
  };
  const policy = resolvePolicy(spec, obj.metadata.namespace ?? '', cma);
  return policy.ok
    ? { ok: true, policy: policy.policy, ...compiledSpec }
    : { ok: false, message: policy.errors.join('; '), spec: compiledSpec };
}

function addOnName(spec: unknown): string | undefined {
  const name = (spec as { target?: { addOn?: { name?: unknown } } } | undefined)?.target?.addOn?.name;
  return typeof name === 'string' ? name : undefined;
}

export function timeAnnotation(obj: KubeObject, key: string): number | null {
  const raw = obj.metadata.annotations?.[key];
  const ms = raw ? Date.parse(raw) : NaN;
  return Number.isFinite(ms) ? ms : null;
}
