/**
 * A simulated OCM fleet on a local control plane: `startFleet` creates the hub objects and N
 * ManagedClusters, then plays the hub controllers and agents the control plane lacks (placement
 * controller, import controller, registration and work agents with their spokes, addon-manager)
 * until `stop`. It resolves once the fleet is steady: every cluster joined and Available, its
 * `<cluster>-klusterlet` work applied at its generation, its add-ons Completed. From then on
 * changes take the agent delay, failure rules apply, and the audit records operator writes.
 */
import { KubeClient } from '../../../src/runtime/client/kube-client.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import type { Controller } from '../../../src/runtime/controller.js';
import { sleep } from '../../../src/runtime/clock.js';
import { addOnManager } from './addon-manager.js';
import { AgentPolicy } from './agents.js';
import { Audit } from './audit.js';
import {
  allInformers,
  CLUSTERSET_LABEL,
  createInformers,
  createOrGet,
  IMPORT_CONTROLLER_NAME,
  mergePatch,
  type FleetContext,
} from './context.js';
import { importController, klusterletWorkName } from './import-controller.js';
import { placementController } from './placement.js';
import { WritePool, WrittenCache } from './pool.js';
import { AVAILABLE, bindingController, leaseRenewer, registrationController } from './registration.js';
import {
  clusterNames,
  createCluster,
  createHubObjects,
  importControllerDeployment,
  setHubVersion,
} from './setup.js';
import { SpokeFleet, type Spoke } from './spoke.js';
import type { FailureRule, FleetOptions, FleetStats, HubImages } from './types.js';
import { workAgent } from './work-agent.js';

export interface Fleet {
  /** Cluster names, in creation order. */
  readonly names: readonly string[];
  readonly audit: Audit;
  /** The simulator's own client (its request counters are the simulator's, not the operator's). */
  readonly client: KubeClient;
  /** A cluster that stops (false) or resumes (true) answering: Available → Unknown after the lease grace, its works and add-ons freeze. */
  setReachable(name: string, reachable: boolean): void;
  reachable(name: string): boolean;
  /** Replaces the failure rules; they apply to changes from now on. */
  setFailures(rules: FailureRule[]): void;
  /** Creates `namespace` (if needed) and ManagedClusterSetBindings to `sets`, and waits until they are Bound. */
  bindNamespace(namespace: string, sets?: string[]): Promise<void>;
  /** An MCE upgrade: new images in the import controller env (every cluster re-renders) and, if given, a new current version. */
  setHubImages(images: HubImages, version?: string): Promise<void>;
  /** The simulated managed cluster, for inspection. */
  spoke(name: string): Spoke;
  stats(): FleetStats;
  stop(): Promise<void>;
}

/**
 * Creates the fleet and starts playing the hub controllers and agents; resolves once the fleet is
 * steady (rejects after `setupTimeoutMs`). Call `stop` when done. With `realHub`, only the
 * managed clusters' agents are played (see `FleetOptions.realHub`).
 */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const started = Date.now();
  const log = opts.logger ?? silentLogger;
  const client = new KubeClient({
    kubeConfig: opts.kubeConfig,
    qps: opts.qps ?? 2000,
    burst: opts.burst ?? 4000,
    userAgent: 'fleet-simulator',
  });
  const hubNamespace = opts.hub.importControllerNamespace ?? 'multicluster-engine';
  const audit = new Audit();
  const ctx: FleetContext = {
    client,
    pool: new WritePool(opts.writeConcurrency ?? 96),
    written: new WrittenCache(),
    informers: createInformers(client, hubNamespace, log),
    policy: new AgentPolicy(opts.agents),
    spokes: new SpokeFleet(),
    audit,
    log,
    hubNamespace,
  };
  audit.watch(ctx.informers);
  if (opts.realHub && (opts.addOns ?? []).length > 0)
    throw new Error(
      'fleet: under the real hub the real add-on manager installs add-ons (addOns must be empty)',
    );
  const works = workAgent(ctx);
  const addOns = opts.realHub ? undefined : addOnManager(ctx);
  const controllers: Controller[] = opts.realHub
    ? [registrationController(ctx, 0, true), works.controller]
    : [
        registrationController(ctx, opts.leaseGraceMs ?? 0),
        bindingController(ctx),
        placementController(ctx),
        importController(ctx),
        works.controller,
        ...(addOns ? [addOns.controller] : []),
      ];
  let leases: { stop(): void } | undefined;
  const informers = allInformers(ctx.informers);
  const stop = async () => {
    leases?.stop();
    await Promise.all(controllers.map((c) => c.stop({ drain: false, timeoutMs: 2_000 })));
    await Promise.all(informers.map((i) => i.stop()));
    client.close();
  };

  const names = clusterNames(opts.clusters, opts.namePrefix ?? 'cluster-');
  try {
    informers.forEach((i) => i.start());
    await Promise.all(informers.map((i) => i.waitForSync()));
    for (const c of controllers) void c.start();
    const sets = names.map((n, i) => opts.labels?.(i, n)[CLUSTERSET_LABEL]).filter((s): s is string => !!s);
    await createHubObjects(ctx, opts, [...new Set(sets)]);
    const cmaUids = new Map<string, string>();
    for (const a of opts.addOns ?? []) {
      const cma = await waitFor(
        () => ctx.informers.clusterManagementAddOns.get(undefined, a.name),
        30_000,
        `CMA ${a.name}`,
      );
      cmaUids.set(a.name, cma.metadata.uid ?? '');
    }
    await ctx.pool.each(names.entries(), ([i, name]) => createCluster(ctx, opts, name, i, cmaUids));
    if (opts.realHub) leases = leaseRenewer(ctx, () => names, opts.realHub.leaseDurationSeconds);
    const pending = new Set(names);
    let lastLog = Date.now();
    await waitFor(
      () => {
        for (const n of pending) if (steady(ctx, n, opts)) pending.delete(n);
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          log.info(
            { pending: pending.size, clusters: names.length, writes: ctx.pool.writes() },
            'fleet setup progressing',
          );
        }
        return pending.size === 0;
      },
      opts.setupTimeoutMs ?? 600_000,
      'a steady fleet',
      250,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  works.markSetup();
  addOns?.markSetup();
  ctx.policy.settled = true;
  audit.recording = true;
  const setupMs = Date.now() - started;
  const cpuAtSetup = process.cpuUsage();

  return {
    names,
    audit,
    client,
    setReachable: (name, reachable) => ctx.policy.setReachable(name, reachable),
    reachable: (name) => ctx.policy.reachable(name),
    setFailures: (rules) => ctx.policy.setFailures(rules),
    async bindNamespace(namespace, sets = ['default']) {
      await createOrGet(ctx, 'test:namespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      });
      for (const set of sets)
        await createOrGet(ctx, 'test:binding', {
          apiVersion: 'cluster.open-cluster-management.io/v1beta2',
          kind: 'ManagedClusterSetBinding',
          metadata: { name: set, namespace },
          spec: { clusterSet: set },
        });
      await waitFor(
        () =>
          sets.every((s) =>
            ctx.informers.bindings
              .get(namespace, s)
              ?.status?.conditions?.some((c) => c.type === 'Bound' && c.status === 'True'),
          ),
        30_000,
        `bindings in ${namespace}`,
      );
    },
    async setHubImages(images, version) {
      const deployment = importControllerDeployment(hubNamespace, images);
      await mergePatch(
        ctx,
        'test:import-controller-env',
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: hubNamespace, name: IMPORT_CONTROLLER_NAME },
        { spec: deployment.spec },
      );
      if (version) await setHubVersion(ctx, version);
    },
    spoke: (name) => ctx.spokes.get(name),
    stats(): FleetStats {
      const cpu = process.cpuUsage(cpuAtSetup);
      const s = client.stats;
      return {
        clusters: names.length,
        unreachable: ctx.policy.unreachableCount(),
        setupMs,
        writes: ctx.pool.writes(),
        requests: { ...s.writes, reads: s.reads, watches: s.watches },
        queues: Object.fromEntries(
          controllers.map((c) => [c.name, c.queue.len() + c.queue.delayedLen() + c.queue.inFlight()]),
        ),
        cpuMsSinceSetup: Math.round((cpu.user + cpu.system) / 1000),
        auditEntries: audit.entries.length,
      };
    },
    stop,
  };
}

/**
 * True once the cluster is Available with its klusterlet work applied and its add-ons Completed
 * (under the real hub, where no import controller renders klusterlet works: once it is Available).
 */
function steady(ctx: FleetContext, n: string, opts: FleetOptions): boolean {
  const { clusters, works, addOns } = ctx.informers;
  const mc = clusters.get(undefined, n);
  if (mc?.status?.conditions?.find((c) => c.type === AVAILABLE)?.status !== 'True') return false;
  if (opts.realHub) return true;
  const w = works.get(n, klusterletWorkName(n));
  const applied = w?.status?.conditions?.find((c) => c.type === 'Applied');
  if (!w || applied?.status !== 'True' || applied.observedGeneration !== w.metadata.generation) return false;
  return (opts.addOns ?? []).every((a) => {
    const p = addOns.get(n, a.name)?.status?.conditions?.find((c) => c.type === 'Progressing');
    return p?.reason === 'Completed';
  });
}

async function waitFor<T>(
  fn: () => T | undefined | false,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`fleet: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
