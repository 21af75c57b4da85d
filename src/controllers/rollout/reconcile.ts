/**
 * Reconciles one AgentRollout, as a story of six steps:
 *
 *  1. load it (gone: forget its in-memory trackers);
 *  2. admit it (pure, `admit.ts`): the spec parses and its policy compiles (once per generation),
 *     a finished revision stays finished, the Placement exists and is scheduled — otherwise the
 *     reconcile ends here with a stall (InvalidSpec naming the field) or a wait;
 *  3. check: the target's driver and the rollout-level pre-flight (target exists, version skew,
 *     hub transport, no conflicting rollout) — a failure stalls before any cluster is touched;
 *  4. observe every cluster (state records on the cluster objects + agent feedback) and plan one
 *     step (pure);
 *  5. act: freeze new members (AgentRolloutMembership chunks), then start or revert the clusters
 *     of the step, one write each;
 *  6. write status once, in one place (server-side apply of the status only, skipped when
 *     unchanged, progress-only changes paced by `status-pacing.ts`), then events and the
 *     requeue; a failed cluster write is returned as an error after the status that reports it.
 */
import {
  AGENT_ROLLOUT_API_VERSION,
  AGENT_ROLLOUT_KIND,
  RESUME_ANNOTATION,
  type TransportTarget,
} from '../../api/agentrollout.js';
import { DEFAULT_ALLOWED_IMAGE_REGISTRIES } from '../../api/agentrollout-admission.js';
import type { AgentRolloutStatus } from '../../api/agentrollout-status.js';
import { AgentRolloutReason as R } from '../../api/agentrollout-conditions.js';
import type { ClusterManagementAddOn } from '../../api/upstream/ocm.js';
import {
  objectKey,
  type EventRecorder,
  type KubeClient,
  type Logger,
  type ReconcileRequest,
  type ReconcileResult,
} from '../../runtime/index.js';
import { planRollout, type ApprovalGrant, type RolloutPlan } from '../../rollout/index.js';
import {
  admit,
  SpecCache,
  stall,
  timeAnnotation,
  type Admitted,
  type AgentRolloutObject,
  type Compiled,
  type Outcome,
} from './admit.js';
import { conflictWith, type RolloutSummaryForConflicts } from './conflicts.js';
import { addOnDriver } from './drivers/addon.js';
import { klusterletDriver } from './drivers/klusterlet.js';
import { transportDriver } from './drivers/transport.js';
import type { DriverContext, TargetDriver } from './drivers/types.js';
import { HubImages } from './hub-images.js';
import { rolloutLabels } from './labels.js';
import { chunksOf, MembershipCache, writeMembers } from './membership-store.js';
import { recordPlan, forgetRollout } from './metrics.js';
import { observeFleet } from './observe-fleet.js';
import { memoryFor, observeTransitions, type ProgressMemory } from './progress-memory.js';
import { PREVIOUS_REVISION } from './revision.js';
import { statusWriteDelay } from './status-pacing.js';
import type { ClusterIndex } from './cluster-index.js';
import { applyStarts } from './apply-starts.js';
import { isTerminalPhase, memoFromStatus, statusForPlan } from './status.js';
import { transportHubProblems } from './transport-hub.js';
import { resolveMqttDelivery } from './mqtt-delivery.js';
import { BY_ROLLOUT_STATE, type RolloutInformers } from './world.js';
import { rememberingWriter } from './writer.js';

/** Longest sleep between reconciles of a rollout that is waiting on time (windows, soak, deadlines). */
const MAX_RECHECK_MS = 5 * 60_000;

export interface RolloutReconcilerDeps {
  world: RolloutInformers;
  data: KubeClient;
  control: KubeClient;
  recorder: EventRecorder;
  /** Clusters each rollout covered at its last reconcile (for mapping cluster events to rollouts). */
  clusterIndex: ClusterIndex;
  /** Registry prefixes klusterlet images may come from (`--allowed-image-registries`). */
  allowedRegistries?: readonly string[];
  now?: () => number;
}

/** What steps 3 to 5 end with: the outcome to write, and what the step did for events and errors. */
interface StepResult {
  outcome: Outcome | null;
  plan?: RolloutPlan;
  mem?: ProgressMemory;
  /** Cluster writes that failed: reported in status first, then returned as the reconcile's error. */
  failure?: string;
}

export function rolloutReconciler(deps: RolloutReconcilerDeps) {
  const { world, data } = deps;
  const now = deps.now ?? Date.now;
  const allowedRegistries = deps.allowedRegistries ?? DEFAULT_ALLOWED_IMAGE_REGISTRIES;
  const memories = new Map<string, ProgressMemory>();
  const membership = new MembershipCache();
  const specs = new SpecCache();
  const hubImages = new HubImages(deps.control);
  const writer = rememberingWriter(data, world);
  const cma = (name: string): ClusterManagementAddOn | undefined => world.clusterManagementAddOn(name);

  return async function reconcile(
    req: ReconcileRequest,
    { log }: { log: Logger },
  ): Promise<ReconcileResult | void> {
    const t = now();
    const namespace = req.namespace ?? '';
    // 1. Load.
    const obj = world.rollouts.get(namespace, req.name) as AgentRolloutObject | undefined;
    if (!obj) return forget(req.key, namespace, req.name);

    // 2. Admit (pure): the spec, a finished revision, the Placement.
    const compiled = specs.compile(obj, cma);
    const admission = admit({
      obj,
      compiled,
      now: t,
      allowedRegistries,
      ...placementFacts(namespace, compiled),
    });
    if (admission.verdict === 'stop' && admission.covered) deps.clusterIndex.set(req.key, admission.covered);

    // 3–5. Check, observe and plan, act.
    const result: StepResult =
      admission.verdict === 'continue'
        ? await step(obj, admission, req.key, t, log)
        : { outcome: admission.outcome };

    // 6. Status once, then events; requeue.
    return finish(obj, result, log);
  };

  function forget(key: string, namespace: string, name: string): void {
    const mem = memories.get(key);
    if (mem) forgetRollout(namespace, name, mem.target, mem.groups);
    memories.delete(key);
    specs.forget(key);
    deps.clusterIndex.delete(key);
    membership.forget(`${namespace}/${name}-members-`);
  }

  function placementFacts(namespace: string, compiled: Compiled) {
    const spec = compiled.ok ? compiled.spec : compiled.spec?.spec;
    const name = spec?.placementRef.name ?? '';
    const placement = spec ? world.placement(namespace, name) : undefined;
    return {
      placementFound: placement !== undefined,
      selectedClusters: placement?.status?.numberOfSelectedClusters,
      decisions: placement ? world.decisionsOf(namespace, name) : [],
    };
  }

  async function step(
    obj: AgentRolloutObject,
    a: Admitted,
    key: string,
    t: number,
    log: Logger,
  ): Promise<StepResult> {
    const namespace = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const previous = obj.status;
    deps.clusterIndex.set(key, a.clusterNames);

    // 3. Check: the target's driver and the rollout-level pre-flight.
    const hub = a.spec.target.klusterlet
      ? (a.spec.target.klusterlet.hubImages ?? (await hubImages.get(t)))
      : null;
    const driver: TargetDriver = a.spec.target.klusterlet
      ? klusterletDriver({ target: a.spec.target.klusterlet, hubImages: hub, hubVersion: world.hubVersion() })
      : a.spec.target.addOn
        ? addOnDriver(a.spec.target.addOn)
        : await transportDriverFor(a.spec.target.transport?.type ?? 'kube', data, deps.control, now);
    const ctx: DriverContext = {
      rollout: { namespace, name, key, revision: a.revision, spec: a.spec },
      world,
      client: writer,
      now: t,
      labels: rolloutLabels(),
      clusters: a.clusterNames,
      hubImages: hub,
    };
    const problems = [...(await driver.preflight(ctx))];
    const conflict = conflictWith(
      summaryOf(obj, a.spec.target, a.clusterNames, previous),
      otherRollouts(key),
    );
    if (conflict) return stall(obj, t, R.InvalidSpec, `spec.target: ${conflict}`);
    if (problems.length > 0 && !(a.started && isTerminalPhase(previous?.phase)))
      return stall(obj, t, R.PreflightFailed, problems.join('; '));

    // 4. Observe every cluster, and plan one step (pure).
    const mem = memoryFor(memories, key, a.targetText);
    if (!a.started) mem.tracker.forgetExcept(a.revision);
    const chunks = chunksOf(world.members.list(namespace), name, a.revision);
    const { members, lines } = membership.read(chunks, a.revision);
    const carrying =
      a.kind === 'addOn'
        ? world.addOns.byIndex(BY_ROLLOUT_STATE, `addOn:${key}`)
        : world.clusters.byIndex(BY_ROLLOUT_STATE, `${a.kind}:${key}`);
    const fleet = observeFleet(
      driver,
      ctx,
      a.groups,
      carrying.map((o) => (a.kind === 'addOn' ? (o.metadata.namespace ?? '') : (o.metadata.name ?? ''))),
      members,
      (c) => world.managedCluster(c)?.metadata.labels,
      mem.tracker,
    );
    const plan = planRollout({
      now: t,
      revision: a.revision,
      lastKnownGoodRevision: PREVIOUS_REVISION,
      policy: a.policy,
      clusters: fleet.clusters,
      approvals: (a.spec.approved ?? []).map((g): ApprovalGrant => ({
        groupName: g.groupName,
        revision: g.revision,
      })),
      memo: withRollbackRequest(memoFromStatus(previous?.plan, a.revision), a.rollbackAt),
      resumeRequestedAt: timeAnnotation(obj, RESUME_ANNOTATION),
    });

    // 5. Act: freeze new members first, then start or revert the step's clusters.
    let chunkCount = chunks.length;
    if (plan.membershipUpdates.length > 0) {
      chunkCount = await writeMembers(
        data,
        { namespace, name, uid: obj.metadata.uid ?? '' },
        a.revision,
        lines,
        plan.membershipUpdates.map((m) => ({
          name: m.name,
          membership: { revision: a.revision, group: m.group, joinedLate: m.joinedLate },
        })),
      );
    }
    const outcome = await applyStarts(driver, ctx, plan.start, fleet.facts, log);
    observeTransitions(mem, namespace, name, a.kind, fleet.clusters, plan, t);
    recordPlan(namespace, name, a.targetText, plan);
    mem.groups = plan.summary.groups.map((g) => g.name);

    const messages = new Map<string, string>();
    const needingAction = new Map<string, string[]>();
    for (const [cluster, f] of fleet.facts) {
      if (f.message) messages.set(cluster, f.message);
      if (f.needsAction) {
        let clusters = needingAction.get(f.needsAction);
        if (!clusters) needingAction.set(f.needsAction, (clusters = []));
        clusters.push(cluster);
      }
    }
    const clusterChecks = fleet.skipped.length > 0 ? [skippedMessage(fleet.skipped)] : [];
    if (a.clusterNames.length === 0) {
      clusterChecks.push(
        `placement selects no cluster: Placement ${namespace}/${a.spec.placementRef.name} has no decisions`,
      );
    }
    const failure =
      outcome.failures > 0 ? `${outcome.failures} cluster writes failed: ${outcome.firstError}` : undefined;
    const status = statusForPlan({
      previous,
      generation: obj.metadata.generation,
      now: t,
      target: a.targetText,
      revision: a.revision,
      plan,
      membershipChunks: chunkCount,
      clusterMessages: messages,
      clusterChecks,
      clustersNeedingAction: needingAction,
      writeProblem: failure ?? null,
    });
    const requeueAfter =
      plan.recheckAt === null
        ? outcome.written > 0
          ? 1_000
          : undefined
        : Math.min(MAX_RECHECK_MS, Math.max(1_000, plan.recheckAt - t));
    return {
      outcome: { status, requeueAfter },
      plan,
      mem,
      failure:
        failure && `${outcome.failures} of ${plan.start.length} cluster writes failed: ${outcome.firstError}`,
    };
  }

  /** Step 6: the one status write, the events it implies, the error or the requeue. */
  async function finish(
    obj: AgentRolloutObject,
    result: StepResult,
    log: Logger,
  ): Promise<ReconcileResult | void> {
    const { outcome, plan, mem } = result;
    const t = now();
    const delay = outcome
      ? statusWriteDelay(obj.status, outcome.status, mem?.lastStatusWriteAt, t)
      : undefined;
    if (outcome && delay === 0) {
      await data.applyStatus({
        apiVersion: AGENT_ROLLOUT_API_VERSION,
        kind: AGENT_ROLLOUT_KIND,
        metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace },
        status: outcome.status,
      });
      if (mem) mem.lastStatusWriteAt = t;
    }
    // A progress-only change waits for its turn: come back for it.
    if (outcome && delay !== undefined && delay > 0)
      outcome.requeueAfter = Math.min(outcome.requeueAfter ?? delay, delay);
    if (outcome?.stall) {
      const { reason, message } = outcome.stall;
      log.info({ reason, message }, 'rollout stalled');
      if (obj.status?.message !== message)
        await deps.recorder.event(obj, { type: 'Warning', reason, action: 'Stall', note: message });
    }
    if (plan && mem && mem.lastPhase !== plan.phase.phase) {
      await deps.recorder.event(obj, {
        type: plan.phase.phase === 'Failed' || plan.phase.phase === 'Aborted' ? 'Warning' : 'Normal',
        reason: plan.phase.phase,
        action: 'Plan',
        note: plan.phase.message,
      });
      mem.lastPhase = plan.phase.phase;
    }
    if (result.failure) throw new Error(result.failure);
    return outcome?.requeueAfter === undefined ? undefined : { requeueAfter: outcome.requeueAfter };
  }

  /** Other rollouts with their clusters as last seen (the index is rebuilt as each reconciles). */
  function otherRollouts(me: string): RolloutSummaryForConflicts[] {
    const out: RolloutSummaryForConflicts[] = [];
    for (const o of world.rollouts.list() as AgentRolloutObject[]) {
      const key = objectKey(o);
      const spec = key === me ? undefined : specs.spec(o, cma);
      if (spec) out.push(summaryOf(o, spec.target, deps.clusterIndex.clustersOf(key), o.status));
    }
    return out;
  }
}

/** A rollback requested after the revision started (and not yet acted on) halts it for rollback. */
function withRollbackRequest(
  memo: ReturnType<typeof memoFromStatus>,
  rollbackAt: number | null,
): ReturnType<typeof memoFromStatus> {
  if (
    memo &&
    rollbackAt !== null &&
    rollbackAt >= memo.startedAt &&
    (memo.halt === null || memo.halt.since < rollbackAt) &&
    memo.halt?.action !== 'Rollback'
  ) {
    return { ...memo, halt: { action: 'Rollback', since: rollbackAt, reason: 'rollback requested' } };
  }
  return memo;
}

/** The transport driver; MQTT agents' first certificates are issued on the controller's clock. */
async function transportDriverFor(
  target: TransportTarget,
  data: KubeClient,
  control: KubeClient,
  now: () => number,
): Promise<TargetDriver> {
  if (target !== 'mqtt')
    return transportDriver({ target, hubProblems: () => transportHubProblems(target, data) });
  const mqtt = await resolveMqttDelivery(data, control, process.env, now);
  return transportDriver({ target, hubProblems: async () => mqtt.problems, mqtt: mqtt.delivery });
}

function summaryOf(
  obj: AgentRolloutObject,
  target: Parameters<typeof conflictWith>[0]['target'],
  clusters: readonly string[],
  status: AgentRolloutStatus | undefined,
): RolloutSummaryForConflicts {
  return {
    key: objectKey(obj),
    createdAt: obj.metadata.creationTimestamp ?? '',
    target,
    active: !isTerminalPhase(status?.phase),
    clusters: new Set(clusters),
  };
}

function skippedMessage(skipped: readonly { name: string; reason: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.name]);
  return [...byReason]
    .map(
      ([reason, names]) =>
        `${reason} on ${names.length} cluster(s): ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`,
    )
    .join('; ');
}
