/**
 * Reconciles one AgentRollout:
 *
 *  1. load it (gone: forget its in-memory trackers);
 *  2. validate the spec and resolve the planner's policy — an invalid spec stalls with
 *     InvalidSpec naming the field, and nothing is written to any cluster;
 *  3. read the Placement's decisions (a missing Placement is an invalid spec);
 *  4. pick the target's driver and run the rollout-level pre-flight checks (target exists,
 *     version skew, hub transport, no conflicting rollout) — a failure stalls before any start;
 *  5. observe every cluster (state records on the cluster objects + agent feedback);
 *  6. plan one step (pure);
 *  7. freeze new members (AgentRolloutMembership chunks), then start or revert the clusters of the step, one
 *     write each;
 *  8. write status once (skipped when unchanged), metrics and events; requeue at the recheck time.
 */
import {
  AGENT_ROLLOUT_API_VERSION,
  AGENT_ROLLOUT_KIND,
  agentRolloutSpecSchema,
  describeTarget,
  RESUME_ANNOTATION,
  ROLLBACK_ANNOTATION,
  targetKind,
  type TransportTarget,
} from '../../api/agentrollout.js';
import { DEFAULT_ALLOWED_IMAGE_REGISTRIES, disallowedImages } from '../../api/agentrollout-admission.js';
import type { AgentRolloutStatus } from '../../api/agentrollout-status.js';
import { AgentRolloutReason as R } from '../../api/agentrollout-conditions.js';
import type {
  EventRecorder,
  KubeClient,
  KubeObject,
  Logger,
  ReconcileRequest,
  ReconcileResult,
} from '../../runtime/index.js';
import { planRollout, type ApprovalGrant } from '../../rollout/index.js';
import { conflictWith, type RolloutSummaryForConflicts } from './conflicts.js';
import { addOnDriver } from './drivers/addon.js';
import { klusterletDriver } from './drivers/klusterlet.js';
import { InMemoryMatchTracker } from './drivers/match-tracker.js';
import { transportDriver } from './drivers/transport.js';
import type { DriverContext, TargetDriver } from './drivers/types.js';
import { HubImages } from './hub-images.js';
import { rolloutLabels } from './labels.js';
import { chunksOf, MembershipCache, writeMembers } from './membership-store.js';
import {
  recordPlan,
  rolloutClusterDuration,
  rolloutClusterFailures,
  rolloutLastProgress,
  forgetRollout,
} from './metrics.js';
import { observeFleet } from './observe-fleet.js';
import { placementClusters } from './placement-clusters.js';
import { resolvePolicy } from './policy.js';
import { PREVIOUS_REVISION, targetRevision, canonicalJson } from './revision.js';
import type { ClusterIndex } from './cluster-index.js';
import { applyStarts, WRITE_CONCURRENCY, type StartOutcome } from './apply-starts.js';
import { isTerminalPhase, memoFromStatus, stalledStatus, statusForPlan, waitingStatus } from './status.js';
import { transportHubProblems } from './transport-hub.js';
import { resolveMqttDelivery } from './mqtt-delivery.js';
import { BY_ROLLOUT_STATE, type RolloutInformers } from './world.js';
import { rememberingWriter } from './writer.js';

/** How often a rollout stalled on a failed pre-flight check looks again. */
const PREFLIGHT_RETRY_MS = 30_000;

/** Longest sleep between reconciles of a rollout that is waiting on time (windows, soak, deadlines). */
const MAX_RECHECK_MS = 5 * 60_000;

type AgentRolloutObject = KubeObject & { spec?: unknown; status?: AgentRolloutStatus };

interface Memory {
  tracker: InMemoryMatchTracker;
  primed: boolean;
  atTarget: Set<string>;
  failed: Set<string>;
  lastCounts: string;
  lastPhase: string | undefined;
  target: string;
  groups: string[];
}

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

export function rolloutReconciler(deps: RolloutReconcilerDeps) {
  const { world, data } = deps;
  const now = deps.now ?? Date.now;
  const allowedRegistries = deps.allowedRegistries ?? DEFAULT_ALLOWED_IMAGE_REGISTRIES;
  const memories = new Map<string, Memory>();
  const membership = new MembershipCache();
  const hubImages = new HubImages(deps.control);
  const writer = rememberingWriter(data, world);

  return async function reconcile(
    req: ReconcileRequest,
    { log }: { log: Logger },
  ): Promise<ReconcileResult | void> {
    const t = now();
    const namespace = req.namespace ?? '';
    // 1. Load.
    const obj = world.rollouts.get(namespace, req.name) as AgentRolloutObject | undefined;
    if (!obj) {
      const mem = memories.get(req.key);
      if (mem) forgetRollout(namespace, req.name, mem.target, mem.groups);
      memories.delete(req.key);
      deps.clusterIndex.delete(req.key);
      membership.forget(`${namespace}/${req.name}-members-`);
      return;
    }
    const generation = obj.metadata.generation;
    const previous = obj.status;
    let shown = previous;
    const writeStatus = async (status: AgentRolloutStatus) => {
      if (canonicalJson(status) === canonicalJson(shown ?? {})) return;
      await data.applyStatus({
        apiVersion: AGENT_ROLLOUT_API_VERSION,
        kind: AGENT_ROLLOUT_KIND,
        metadata: { name: req.name, namespace },
        status,
      });
      shown = status;
    };
    const stall = async (reason: string, message: string): Promise<ReconcileResult | void> => {
      log.info({ reason, message }, 'rollout stalled');
      if (previous?.message !== message) {
        await deps.recorder.event(obj, { type: 'Warning', reason, action: 'Stall', note: message });
      }
      await writeStatus(stalledStatus(previous, generation, t, reason, message));
      // An invalid spec waits for the next edit; a failed check may clear without one (the hub
      // gets configured, the add-on's config appears), so look again.
      return reason === R.PreflightFailed ? { requeueAfter: PREFLIGHT_RETRY_MS } : undefined;
    };

    // 2. Validate the spec; resolve the policy.
    const parsed = agentRolloutSpecSchema.safeParse(obj.spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return stall(R.InvalidSpec, `spec.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const spec = parsed.data;
    const kind = targetKind(spec.target);
    const revision = targetRevision(spec.target);
    const targetText = describeTarget(spec.target);
    // A finished revision stays finished: later rollouts change the same clusters, and this one
    // must neither fight them nor un-succeed. Only a rollback request (or a new target) wakes it.
    const rollbackAt = timeAnnotation(obj, ROLLBACK_ANNOTATION);
    if (previous?.revision === revision && isTerminalPhase(previous.phase)) {
      const completedAt = previous.completionTime ? Date.parse(previous.completionTime) : 0;
      const rollbackRequested =
        rollbackAt !== null && rollbackAt > completedAt && previous.phase !== 'RolledBack';
      if (!rollbackRequested) {
        if (previous.observedGeneration !== generation)
          await writeStatus({ ...previous, observedGeneration: generation });
        return;
      }
    }
    // The admission policy refuses these too; this catches rollouts written while it was missing
    // or before the allow-list was narrowed (a finished revision is left alone above).
    const badImages = disallowedImages(spec.target, allowedRegistries);
    if (badImages.length > 0) return stall(R.InvalidSpec, badImages.join('; '));
    const cma = spec.target.addOn ? world.clusterManagementAddOn(spec.target.addOn.name) : undefined;
    const policy = resolvePolicy(spec, namespace, cma);
    if (!policy.ok) return stall(R.InvalidSpec, policy.errors.join('; '));

    // 3. The Placement's clusters.
    if (!world.placement(namespace, spec.placementRef.name)) {
      return stall(
        R.InvalidSpec,
        `spec.placementRef.name: Placement ${namespace}/${spec.placementRef.name} not found`,
      );
    }
    const placed = placementClusters(world.decisionsOf(namespace, spec.placementRef.name));
    const clusterNames = [...placed.groups.keys()];
    deps.clusterIndex.set(req.key, clusterNames);
    // The plan of a revision is frozen at its first step, so that step waits until the placement
    // controller has written every decision (a half-written Placement would freeze half a fleet
    // and turn the rest into late joiners).
    const started = previous?.plan?.revision === revision;
    const selected = world.placement(namespace, spec.placementRef.name)?.status?.numberOfSelectedClusters;
    // Decisions are written before the Placement's status counts them: no count yet means not yet.
    if (!started && (clusterNames.length === 0 || selected !== clusterNames.length)) {
      const placementName = `${namespace}/${spec.placementRef.name}`;
      const message =
        selected === undefined
          ? `waiting for the placement controller to schedule Placement ${placementName}`
          : clusterNames.length === 0
            ? `Placement ${placementName} selects no cluster`
            : `waiting for the decisions of Placement ${placementName} (${clusterNames.length} of ${selected})`;
      await writeStatus(
        waitingStatus(previous, generation, t, targetText, revision, message, clusterNames.length),
      );
      return { requeueAfter: PREFLIGHT_RETRY_MS };
    }

    // 4. Driver and rollout-level pre-flight.
    const hub = spec.target.klusterlet
      ? (spec.target.klusterlet.hubImages ?? (await hubImages.get(t)))
      : null;
    const driver: TargetDriver = spec.target.klusterlet
      ? klusterletDriver({ target: spec.target.klusterlet, hubImages: hub, hubVersion: world.hubVersion() })
      : spec.target.addOn
        ? addOnDriver(spec.target.addOn)
        : await transportDriverFor(spec.target.transport?.type ?? 'kube', data, deps.control);
    const ctx: DriverContext = {
      rollout: { namespace, name: req.name, key: req.key, revision, spec },
      world,
      client: writer,
      now: t,
      labels: rolloutLabels(),
      clusters: clusterNames.sort(),
      hubImages: hub,
    };
    const problems = [...(await driver.preflight(ctx))];
    const conflict = conflictWith(
      summaryOf(obj, spec.target, clusterNames, previous),
      otherRollouts(world, deps.clusterIndex, req.key),
    );
    if (conflict) return stall(R.InvalidSpec, `spec.target: ${conflict}`);
    if (problems.length > 0 && !(started && isTerminalPhase(previous?.phase))) {
      return stall(R.PreflightFailed, problems.join('; '));
    }

    // 5. Observe every cluster.
    const mem = memoryFor(memories, req.key, targetText);
    if (!started) mem.tracker.forgetExcept(revision);
    const chunks = chunksOf(world.members.list(namespace), req.name, revision);
    const { members, lines } = membership.read(chunks, revision);
    const carrying =
      kind === 'addOn'
        ? world.addOns.byIndex(BY_ROLLOUT_STATE, `addOn:${req.key}`)
        : world.clusters.byIndex(BY_ROLLOUT_STATE, `${kind}:${req.key}`);
    const fleet = observeFleet(
      driver,
      ctx,
      placed.groups,
      carrying.map((o) => (kind === 'addOn' ? (o.metadata.namespace ?? '') : (o.metadata.name ?? ''))),
      members,
      (c) => world.managedCluster(c)?.metadata.labels,
      mem.tracker,
    );

    // 6. Plan.
    const approvals: ApprovalGrant[] = (spec.approved ?? []).map((a) => ({
      groupName: a.groupName,
      revision: a.revision,
    }));
    let memo = memoFromStatus(previous?.plan, revision);
    if (
      memo &&
      rollbackAt !== null &&
      rollbackAt >= memo.startedAt &&
      (memo.halt === null || memo.halt.since < rollbackAt) &&
      memo.halt?.action !== 'Rollback'
    ) {
      memo = { ...memo, halt: { action: 'Rollback', since: rollbackAt, reason: 'rollback requested' } };
    }
    const plan = planRollout({
      now: t,
      revision,
      lastKnownGoodRevision: PREVIOUS_REVISION,
      policy: policy.policy,
      clusters: fleet.clusters,
      approvals,
      memo,
      resumeRequestedAt: timeAnnotation(obj, RESUME_ANNOTATION),
    });

    // 7. Freeze new members first, then start clusters.
    let chunkCount = chunks.length;
    if (plan.membershipUpdates.length > 0) {
      chunkCount = await writeMembers(
        data,
        { namespace, name: req.name, uid: obj.metadata.uid ?? '' },
        revision,
        lines,
        plan.membershipUpdates.map((m) => ({
          name: m.name,
          membership: { revision, group: m.group, joinedLate: m.joinedLate },
        })),
      );
    }
    const messages = new Map<string, string>();
    for (const [name, f] of fleet.facts) if (f.message) messages.set(name, f.message);
    const clusterChecks = fleet.skipped.length > 0 ? [skippedMessage(fleet.skipped)] : [];
    if (clusterNames.length === 0) {
      clusterChecks.push(
        `placement selects no cluster: Placement ${namespace}/${spec.placementRef.name} has no decisions`,
      );
    }
    const planStatus = (outcome: StartOutcome | null) =>
      statusForPlan({
        previous,
        generation,
        now: t,
        target: targetText,
        revision,
        plan,
        membershipChunks: chunkCount,
        clusterMessages: messages,
        clusterChecks,
        writeProblem:
          outcome && outcome.failures > 0
            ? `${outcome.failures} cluster writes failed: ${outcome.firstError}`
            : null,
      });
    // A large wave takes seconds to write at the client's QPS (2,500 clusters at 200 qps: 12 s):
    // show the decision first. Unless a write fails, the status after the writes is the same one.
    if (plan.start.length > WRITE_CONCURRENCY) await writeStatus(planStatus(null));
    const outcome = await applyStarts(driver, ctx, plan.start, fleet.facts, log);

    // 8. Status, metrics, events, requeue.
    await writeStatus(planStatus(outcome));
    observeTransitions(mem, namespace, req.name, kind, fleet.clusters, plan, t);
    recordPlan(namespace, req.name, targetText, plan);
    mem.groups = plan.summary.groups.map((g) => g.name);
    if (mem.lastPhase !== plan.phase.phase) {
      await deps.recorder.event(obj, {
        type: plan.phase.phase === 'Failed' || plan.phase.phase === 'Aborted' ? 'Warning' : 'Normal',
        reason: plan.phase.phase,
        action: 'Plan',
        note: plan.phase.message,
      });
      mem.lastPhase = plan.phase.phase;
    }
    if (outcome.failures > 0)
      throw new Error(
        `${outcome.failures} of ${plan.start.length} cluster writes failed: ${outcome.firstError}`,
      );
    if (plan.recheckAt === null) return outcome.written > 0 ? { requeueAfter: 1_000 } : undefined;
    return { requeueAfter: Math.min(MAX_RECHECK_MS, Math.max(1_000, plan.recheckAt - t)) };
  };
}

async function transportDriverFor(
  target: TransportTarget,
  data: KubeClient,
  control: KubeClient,
): Promise<TargetDriver> {
  if (target !== 'mqtt')
    return transportDriver({ target, hubProblems: () => transportHubProblems(target, data) });
  const mqtt = await resolveMqttDelivery(data, control, process.env);
  return transportDriver({ target, hubProblems: async () => mqtt.problems, mqtt: mqtt.delivery });
}

function memoryFor(memories: Map<string, Memory>, key: string, target: string): Memory {
  let mem = memories.get(key);
  if (!mem) {
    mem = {
      tracker: new InMemoryMatchTracker(),
      primed: false,
      atTarget: new Set(),
      failed: new Set(),
      lastCounts: '',
      lastPhase: undefined,
      target,
      groups: [],
    };
    memories.set(key, mem);
  }
  mem.target = target;
  return mem;
}

/** Durations, failures and last progress, from changes between steps (primed on the first step). */
function observeTransitions(
  mem: Memory,
  namespace: string,
  rollout: string,
  target: string,
  clusters: readonly {
    name: string;
    applied?: { startedAt: number; direction: string; revision: string } | null;
    observedRevision?: string | null;
  }[],
  plan: ReturnType<typeof planRollout>,
  now: number,
): void {
  for (const c of clusters) {
    const a = c.applied;
    if (!a || c.observedRevision !== a.revision || mem.atTarget.has(c.name)) continue;
    mem.atTarget.add(c.name);
    if (mem.primed)
      rolloutClusterDuration.observe(
        { target, direction: a.direction },
        Math.max(0, (now - a.startedAt) / 1000),
      );
  }
  for (const [list, reason] of [
    [plan.failed, 'Failed'],
    [plan.timedOut, 'TimedOut'],
  ] as const) {
    for (const c of list) {
      if (mem.failed.has(c.name)) continue;
      mem.failed.add(c.name);
      if (mem.primed) rolloutClusterFailures.inc({ namespace, rollout, target, reason });
    }
  }
  const counts = JSON.stringify(plan.summary.counts);
  if (counts !== mem.lastCounts || !mem.primed)
    rolloutLastProgress.set({ namespace, rollout, target }, Math.floor(now / 1000));
  mem.lastCounts = counts;
  mem.primed = true;
}

function summaryOf(
  obj: AgentRolloutObject,
  target: Parameters<typeof conflictWith>[0]['target'],
  clusters: readonly string[],
  status: AgentRolloutStatus | undefined,
): RolloutSummaryForConflicts {
  return {
    key: `${obj.metadata.namespace}/${obj.metadata.name}`,
    createdAt: obj.metadata.creationTimestamp ?? '',
    target,
    active: !isTerminalPhase(status?.phase),
    clusters: new Set(clusters),
  };
}

/** Other rollouts with their clusters as last seen (the index is rebuilt as each reconciles). */
function otherRollouts(
  world: RolloutInformers,
  index: ClusterIndex,
  me: string,
): RolloutSummaryForConflicts[] {
  const out: RolloutSummaryForConflicts[] = [];
  for (const o of world.rollouts.list() as AgentRolloutObject[]) {
    const key = `${o.metadata.namespace}/${o.metadata.name}`;
    const parsed = agentRolloutSpecSchema.safeParse(o.spec);
    if (key === me || !parsed.success) continue;
    out.push(summaryOf(o, parsed.data.target, index.clustersOf(key), o.status));
  }
  return out;
}

function timeAnnotation(obj: KubeObject, key: string): number | null {
  const raw = obj.metadata.annotations?.[key];
  const ms = raw ? Date.parse(raw) : NaN;
  return Number.isFinite(ms) ? ms : null;
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
