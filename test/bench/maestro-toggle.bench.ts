/**
 * Toggling Maestro on a local control plane: from the MCE patch (`spec.overrides.components`) to
 * the last object the operator applied or deleted, median over 20 toggles (enable and disable
 * alternating, each direction reported), and the API writes per toggle until the operator is
 * quiet again (objects, the ClusterManager, the transport rollout, both statuses and events).
 * Also: a reconcile with nothing to change, which must write nothing.
 *
 * The operator runs in this process with its own clients, whose write calls are timed; a stand-in
 * kubelet reports workloads ready and a stand-in rollout controller reports transport rollouts done
 * (no managed clusters), as in the integration tests.
 */
import type { KubeClient, KubeObject } from '../../src/runtime/index.js';
import { eventually } from '../harness/eventually.js';
import { startControlPlaneWithOwnCrds } from '../harness/own-crds.js';
import { startKubelet } from '../harness/kubelet.js';
import {
  adminClient,
  fakeRolloutController,
  maestroCondition,
  seedHub,
  startOperator,
  toggleMaestro,
} from '../integration/maestro/fixtures.js';
import { figure, median, type BenchOptions, type BenchResult } from './types.js';

const TOGGLES = 20;
const QUIET_MS = 300;

interface Sample {
  direction: 'enable' | 'disable';
  /** MCE patch to the last object write, ms. */
  latencyMs: number;
  writes: number;
  objectWrites: number;
  /** Distinct objects written (the ClusterManager and rollout objects included). */
  objects: number;
  statusWrites: number;
  events: number;
}

/** Times and classifies every write a client makes. */
class WriteLog {
  objectWrites: { key: string; at: number }[] = [];
  statusWrites = 0;
  events = 0;

  reset(): void {
    this.objectWrites = [];
    this.statusWrites = 0;
    this.events = 0;
  }

  instrument(client: KubeClient): void {
    const key = (o: { kind: string; namespace?: string; name?: string }) =>
      `${o.kind}/${o.namespace ?? ''}/${o.name ?? ''}`;
    const meta = (o: KubeObject) => ({
      kind: o.kind,
      namespace: o.metadata.namespace,
      name: o.metadata.name,
    });
    const apply = client.apply.bind(client);
    const applyStatus = client.applyStatus.bind(client);
    const create = client.create.bind(client);
    const patch = client.patch.bind(client);
    const del = client.delete.bind(client);
    client.apply = async (obj, opts) => {
      const r = await apply(obj, opts);
      this.objectWrites.push({ key: key(meta(obj)), at: performance.now() });
      return r;
    };
    client.applyStatus = async (obj, opts) => {
      const r = await applyStatus(obj, opts);
      this.statusWrites++;
      return r;
    };
    client.create = async (obj, opts) => {
      const r = await create(obj, opts);
      if (obj.kind === 'Event') this.events++;
      else this.objectWrites.push({ key: key(meta(obj)), at: performance.now() });
      return r;
    };
    client.patch = (async (
      ref: Parameters<KubeClient['patch']>[0],
      body: unknown,
      type: Parameters<KubeClient['patch']>[2],
      opts?: Parameters<KubeClient['patch']>[3],
    ) => {
      const r = await patch(ref, body, type, opts);
      if (opts?.subresource === 'status') this.statusWrites++;
      else if (ref.kind === 'Event') this.events++;
      else this.objectWrites.push({ key: key(ref), at: performance.now() });
      return r;
    }) as KubeClient['patch'];
    client.delete = async (ref, opts) => {
      const r = await del(ref, opts);
      this.objectWrites.push({ key: key(ref), at: performance.now() });
      return r;
    };
  }
}

export async function run({ log }: BenchOptions): Promise<BenchResult[]> {
  const cp = await startControlPlaneWithOwnCrds({ name: 'bench-maestro-toggle' });
  const admin = adminClient(cp, 500);
  const opClient = adminClient(cp, 100);
  const writeLog = new WriteLog();
  writeLog.instrument(opClient);
  await seedHub(admin);
  const kubelet = await startKubelet({ client: admin });
  const rollouts = await fakeRolloutController(admin);
  const operator = await startOperator(opClient);
  const stats = opClient.stats;

  const condition = async (type: string) => maestroCondition(admin, type);
  const settled = async (direction: 'enable' | 'disable') => {
    const [available, progressing] = [await condition('Available'), await condition('Progressing')];
    const want = direction === 'enable' ? 'True/Available' : 'False/ComponentDisabled';
    return `${available?.status}/${available?.reason}` === want && progressing?.status === 'False';
  };
  /** Waits for the target state, then for no write for QUIET_MS. */
  const quiet = async (direction: 'enable' | 'disable') => {
    await eventually(() => settled(direction), {
      timeout: 60_000,
      interval: 20,
      message: `${direction} settled`,
    });
    let last = stats.totalWrites;
    for (;;) {
      await new Promise((r) => setTimeout(r, QUIET_MS));
      if (stats.totalWrites === last) return;
      last = stats.totalWrites;
    }
  };

  const samples: Sample[] = [];
  let steadyWrites = Number.NaN;
  try {
    await quiet('disable');
    for (let i = 0; i < TOGGLES; i++) {
      const direction = i % 2 === 0 ? 'enable' : 'disable';
      stats.reset();
      writeLog.reset();
      const started = performance.now();
      await toggleMaestro(admin, direction === 'enable');
      await quiet(direction);
      const last = Math.max(...writeLog.objectWrites.map((w) => w.at));
      const sample: Sample = {
        direction,
        latencyMs: last - started,
        writes: stats.totalWrites,
        objectWrites: writeLog.objectWrites.length,
        objects: new Set(writeLog.objectWrites.map((w) => w.key)).size,
        statusWrites: writeLog.statusWrites,
        events: writeLog.events,
      };
      samples.push(sample);
      log(
        `${direction} #${Math.floor(i / 2) + 1}: ${sample.latencyMs.toFixed(0)} ms, ${sample.writes} writes ` +
          `(${sample.objectWrites} to ${sample.objects} objects, ${sample.statusWrites} status, ${sample.events} events)`,
      );
      if (direction === 'enable' && i === TOGGLES - 2) {
        // Nothing to change: three reconciles, zero writes.
        stats.reset();
        for (let r = 0; r < 3; r++) {
          operator.maestro.controller.enqueue('cluster');
          await operator.nextReconciles(1);
        }
        steadyWrites = stats.totalWrites;
        log(`steady state: ${steadyWrites} writes in 3 reconciles`);
      }
    }
  } finally {
    await operator.stop();
    await rollouts.stop();
    await kubelet.stop();
    admin.close();
    opClient.close();
    await cp.stop();
  }

  const results: BenchResult[] = [];
  for (const direction of ['enable', 'disable'] as const) {
    const s = samples.filter((x) => x.direction === direction);
    const objects = median(s.map((x) => x.objects));
    results.push(
      figure(
        `maestro-toggle.${direction}.latency.median`,
        median(s.map((x) => x.latencyMs)),
        'ms',
        { op: '<=', value: 1000 },
        {
          samples: s.map((x) => Math.round(x.latencyMs)),
        },
      ),
      figure(
        `maestro-toggle.${direction}.writes.median`,
        median(s.map((x) => x.writes)),
        ' writes',
        { op: '<=', value: objects + 3 },
        {
          objects,
          objectWrites: median(s.map((x) => x.objectWrites)),
          statusWrites: median(s.map((x) => x.statusWrites)),
          events: median(s.map((x) => x.events)),
          samples: s.map((x) => x.writes),
        },
      ),
      figure(
        `maestro-toggle.${direction}.writes-without-events.median`,
        median(s.map((x) => x.writes - x.events)),
        ' writes',
        {
          op: '<=',
          value: objects + 3,
        },
      ),
    );
  }
  results.push(
    figure('maestro-toggle.steady-reconcile.writes', steadyWrites, ' writes', { op: '<=', value: 0 }),
  );
  return results;
}
