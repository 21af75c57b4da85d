/**
 * The simulated work agents: for every ManifestWork in a cluster namespace (whoever created it),
 * after the agent delay, apply its manifests to the simulated spoke and report status at the
 * work's generation (see `work-status.ts`); refresh the status of the cluster's other works when
 * spoke objects change (ReadOnly observers see new feedback). Failure modes, for changes after
 * setup: `degraded` applies but reports Available False / Degraded True, `stuck` never reports the
 * new generation, `unreachable` applies and then the cluster stops answering. An unreachable
 * cluster's works are left alone until it is reachable again.
 */
import type { Controller } from '../../../src/runtime/controller.js';
import type { ReconcileResult } from '../../../src/runtime/reconcile.js';
import { nsKey, patchIfChanged, simController, type FleetContext } from './context.js';
import { goJson } from './gojson.js';
import { klusterletWorkName } from './import-controller.js';
import type { FailureTarget, SimWork } from './types.js';
import { workStatus, workStatusFingerprint } from './work-status.js';

export const ADDON_NAME_LABEL = 'open-cluster-management.io/addon-name';

interface WorkState {
  /** The generation applied to the spoke (and reported, unless the cluster went unreachable). */
  applied?: number;
  degraded?: boolean;
  due?: { generation: number; at: number };
  stuck?: number;
  /** The manifests at setup: changing back to them (a rollback) never fails. */
  initial?: string;
  orphan?: boolean;
}

/** Which failure target a work belongs to. */
export function workTarget(work: SimWork): Exclude<FailureTarget, 'any'> {
  const cluster = work.metadata.namespace ?? '';
  if (work.metadata.name === klusterletWorkName(cluster)) return 'klusterlet';
  if (work.metadata.labels?.[ADDON_NAME_LABEL]) return 'addon';
  return 'work';
}

export interface WorkAgent {
  controller: Controller;
  /** Records every work's current manifests as its setup content. */
  markSetup(): void;
  /** The generation a work's agent last applied. */
  appliedGeneration(cluster: string, name: string): number | undefined;
}

/** The simulated work agents of every cluster (see the file comment). */
export function workAgent(ctx: FleetContext): WorkAgent {
  const { works, clusters } = ctx.informers;
  const states = new Map<string, WorkState>();
  const controller = simController(ctx, 'work-agent', 16, (req) => reconcile(req.key));
  controller.watch(works);
  const resyncCluster = (cluster: string, except?: string, delay = ctx.policy.minDelay()) => {
    for (const w of works.list(cluster)) {
      const key = nsKey(cluster, w.metadata.name ?? '');
      if (key !== except) controller.queue.addAfter(key, delay);
    }
  };
  ctx.policy.onReachability((cluster, reachable) => {
    if (reachable) resyncCluster(cluster, undefined, 0);
  });

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const [cluster = '', name = ''] = key.split('/');
    const work = works.get(cluster, name);
    const st = states.get(key) ?? {};
    if (!work) {
      states.delete(key);
      ctx.written.forget(`work-status/${key}`);
      if (ctx.spokes.get(cluster).release(name, st.orphan ?? false)) resyncCluster(cluster, key);
      return;
    }
    states.set(key, st);
    st.orphan = work.spec?.deleteOption?.propagationPolicy === 'Orphan';
    if (!clusters.get(undefined, cluster) || !ctx.policy.reachable(cluster)) return;
    const generation = work.metadata.generation ?? 1;
    if (st.applied !== generation) {
      if (st.stuck === generation) return;
      const now = Date.now();
      if (st.due?.generation !== generation)
        st.due = { generation, at: now + ctx.policy.delay(key, generation) };
      if (now < st.due.at) return { requeueAfter: st.due.at - now };
      const manifests = work.spec?.workload?.manifests ?? [];
      const rollback = st.initial !== undefined && goJson(manifests) === st.initial;
      const mode = rollback ? undefined : ctx.policy.failure(cluster, workTarget(work));
      if (mode === 'stuck') {
        st.stuck = generation;
        return;
      }
      const spoke = ctx.spokes.get(cluster);
      if (spoke.apply(name, manifests, work.spec?.manifestConfigs, mode === 'degraded'))
        resyncCluster(cluster, key);
      st.applied = generation;
      st.degraded = mode === 'degraded';
      if (mode === 'unreachable') {
        ctx.policy.setReachable(cluster, false);
        return;
      }
    }
    const status = workStatus(
      work,
      ctx.spokes.get(cluster),
      st.applied ?? generation,
      st.degraded ?? false,
      new Date(),
    );
    await patchIfChanged(ctx, {
      what: 'work-agent:status',
      ref: { apiVersion: work.apiVersion, kind: 'ManifestWork', namespace: cluster, name },
      body: { status },
      subresource: 'status',
      key: `work-status/${key}`,
      cached: work,
      desired: workStatusFingerprint(status),
      actual: () => workStatusFingerprint(work.status),
    });
  }

  return {
    controller,
    markSetup() {
      for (const w of works.list()) {
        const key = nsKey(w.metadata.namespace ?? '', w.metadata.name ?? '');
        const st = states.get(key) ?? {};
        st.initial = goJson(w.spec?.workload?.manifests ?? []);
        states.set(key, st);
      }
    },
    appliedGeneration: (cluster, name) => states.get(nsKey(cluster, name))?.applied,
  };
}
