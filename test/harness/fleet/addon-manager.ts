/**
 * The simulated addon-manager and add-on agents, per ManagedClusterAddOn (v1alpha1, the storage
 * version): `status.supportedConfigs` from the CMA; desired configs = the CMA's default configs
 * overridden per group/resource by MCA `spec.configs` (the rollout strategy is treated as `All`:
 * every change is configured at once); `configReferences[].desiredConfig` with the config's spec
 * hash ("" until the object exists, as upstream); after the agent delay `lastAppliedConfig` =
 * `desiredConfig` and Progressing False/Completed "completed with no errors."
 * (ocm `pkg/addon/controllers/addonprogressing`). Until then Progressing True/Progressing.
 * Available True (ProbeAvailable), or Unknown with the cluster's reason while it is unreachable
 * (the hub's addon health check). Failure modes, for changes after setup: `degraded` → Progressing
 * False/Failed and Available False (lastAppliedConfig unchanged), `stuck` → Progressing stays
 * True, `unreachable` → the cluster stops answering. Going back to the setup config never fails.
 */
import type { Controller } from '../../../src/runtime/controller.js';
import { setCondition, type Condition, type ConditionInput } from '../../../src/runtime/conditions.js';
import type { ReconcileResult } from '../../../src/runtime/reconcile.js';
import { configKey, nsKey, patchIfChanged, simController, type FleetContext } from './context.js';
import { configSpecHash, goJson } from './gojson.js';
import { AVAILABLE } from './registration.js';
import type { ConfigRef, ConfigReference, SimAddOn, SimClusterManagementAddOn } from './types.js';

const gr = (c: { group?: string; resource: string }) => `${c.group ?? ''}/${c.resource}`;

/** Desired config references: CMA defaults, replaced per group/resource by the MCA's own. */
export function desiredConfigs(
  cma: SimClusterManagementAddOn,
  mca: SimAddOn,
): { refs: ConfigRef[]; unsupported: string[] } {
  const supported = new Set((cma.spec?.supportedConfigs ?? []).map(gr));
  const byGr = new Map<string, ConfigRef[]>();
  for (const sc of cma.spec?.supportedConfigs ?? [])
    if (sc.defaultConfig)
      byGr.set(gr(sc), [{ group: sc.group ?? '', resource: sc.resource, ...sc.defaultConfig }]);
  const own = new Map<string, ConfigRef[]>();
  for (const c of mca.spec?.configs ?? [])
    own.set(gr(c), [...(own.get(gr(c)) ?? []), { ...c, group: c.group ?? '' }]);
  for (const [k, v] of own) byGr.set(k, v);
  const refs = [...byGr.values()].flat().sort((a, b) => configKey(a).localeCompare(configKey(b)));
  return { refs, unsupported: [...own.keys()].filter((k) => !supported.has(k)) };
}

const refFingerprint = (refs: ConfigReference[] | undefined, field: 'desiredConfig' | 'lastAppliedConfig') =>
  goJson((refs ?? []).map((r) => ({ gr: gr(r), c: r[field] ?? null })));

const statusFingerprint = (s: SimAddOn['status']) =>
  goJson({
    s: s?.supportedConfigs ?? [],
    r: s?.configReferences ?? [],
    c: (s?.conditions ?? []).map(({ type, status, reason, message }) => ({ type, status, reason, message })),
  });

export interface AddOnManager {
  controller: Controller;
  markSetup(): void;
}

/** The simulated addon-manager and add-on agents (see the file comment). */
export function addOnManager(ctx: FleetContext): AddOnManager {
  const { addOns, clusterManagementAddOns: cmas, clusters, configs } = ctx.informers;
  // When each pending change is due; `tripped` once an `unreachable` failure took the cluster down
  // for it (when the cluster answers again, the change has been applied).
  const due = new Map<string, { desired: string; at: number; tripped?: boolean }>();
  const initial = new Map<string, string>();
  const controller = simController(ctx, 'addon-manager', 8, (req) => reconcile(req.key));
  controller.watch(addOns);
  const enqueue = (list: SimAddOn[]) =>
    list.forEach((a) => controller.enqueue(nsKey(a.metadata.namespace ?? '', a.metadata.name ?? '')));
  const ofCma = (cma: SimClusterManagementAddOn) => enqueue(addOns.byIndex('name', cma.metadata.name ?? ''));
  cmas.addHandler({ add: ofCma, update: (_o, c) => ofCma(c), delete: ofCma });
  for (const [resource, informer] of configs) {
    const ofConfig = (o: { apiVersion: string; metadata: { namespace?: string; name?: string } }) => {
      const group = o.apiVersion.split('/')[0] ?? '';
      const ref = { group, resource, namespace: o.metadata.namespace, name: o.metadata.name ?? '' };
      enqueue(addOns.byIndex('config', configKey(ref)));
      for (const cma of cmas.list())
        if (
          (cma.spec?.supportedConfigs ?? []).some(
            (sc) => sc.defaultConfig && configKey({ ...sc, ...sc.defaultConfig }) === configKey(ref),
          )
        )
          ofCma(cma);
    };
    informer.addHandler({ add: ofConfig, update: (_o, c) => ofConfig(c), delete: ofConfig });
  }
  clusters.addHandler({
    update: (old, mc) => {
      const a = old.status?.conditions?.find((c) => c.type === AVAILABLE)?.status;
      const b = mc.status?.conditions?.find((c) => c.type === AVAILABLE)?.status;
      if (a !== b) enqueue(addOns.list(mc.metadata.name ?? ''));
    },
  });
  ctx.policy.onReachability((cluster) => enqueue(addOns.list(cluster)));

  function hashOf(ref: ConfigRef): string {
    const obj = configs.get(ref.resource)?.get(ref.namespace, ref.name);
    return obj ? configSpecHash(obj) : '';
  }

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const [cluster = '', name = ''] = key.split('/');
    const mca = addOns.get(cluster, name);
    const cma = cmas.get(undefined, name);
    if (!mca) due.delete(key);
    if (!mca || !cma) return;
    const { refs, unsupported } = desiredConfigs(cma, mca);
    const previous = mca.status?.configReferences ?? [];
    const configReferences: ConfigReference[] = refs.map((r) => {
      const desiredConfig = {
        ...(r.namespace ? { namespace: r.namespace } : {}),
        name: r.name,
        specHash: hashOf(r),
      };
      const old = previous.find((p) => gr(p) === gr(r) && p.lastAppliedConfig);
      return {
        group: r.group ?? '',
        resource: r.resource,
        ...(r.namespace ? { namespace: r.namespace } : {}),
        name: r.name,
        desiredConfig,
        ...(old?.lastAppliedConfig ? { lastAppliedConfig: old.lastAppliedConfig } : {}),
      };
    });
    const desired = refFingerprint(configReferences, 'desiredConfig');
    const reachable = ctx.policy.reachable(cluster);
    const mcAvailable = clusters
      .get(undefined, cluster)
      ?.status?.conditions?.find((c) => c.type === AVAILABLE);
    let requeueAfter: number | undefined;
    let progressing: ConditionInput;
    let degraded = false;
    const progressingMsg = (m: string): ConditionInput => ({
      type: 'Progressing',
      status: 'True',
      reason: 'Progressing',
      message: `progressing... ${m}`,
    });
    if (unsupported.length > 0) {
      progressing = {
        type: 'Progressing',
        status: 'False',
        reason: 'ConfigurationUnsupported',
        message: `the config resources ${unsupported.join(',')} is not supported`,
      };
    } else if (refFingerprint(configReferences, 'lastAppliedConfig') === desired) {
      progressing = {
        type: 'Progressing',
        status: 'False',
        reason: 'Completed',
        message: 'completed with no errors.',
      };
    } else if (configReferences.some((r) => !r.desiredConfig?.specHash) || !reachable) {
      progressing = progressingMsg(reachable ? 'mca and work configs mismatch' : 'work is not ready');
    } else {
      const now = Date.now();
      let d = due.get(key);
      if (d?.desired !== desired) due.set(key, (d = { desired, at: now + ctx.policy.delay(key, desired) }));
      const failure = initial.get(key) === desired ? undefined : ctx.policy.failure(cluster, 'addon');
      const mode = failure === 'unreachable' && d.tripped ? undefined : failure;
      if (now < d.at) {
        progressing = progressingMsg('mca and work configs mismatch');
        requeueAfter = d.at - now;
      } else if (mode === 'stuck' || mode === 'unreachable') {
        if (mode === 'unreachable') {
          d.tripped = true;
          ctx.policy.setReachable(cluster, false);
        }
        progressing = progressingMsg('work is not ready');
      } else if (mode === 'degraded') {
        degraded = true;
        progressing = {
          type: 'Progressing',
          status: 'False',
          reason: 'Failed',
          message: 'the add-on agent is crash looping (simulated failure)',
        };
      } else {
        for (const r of configReferences) r.lastAppliedConfig = r.desiredConfig;
        progressing = {
          type: 'Progressing',
          status: 'False',
          reason: 'Completed',
          message: 'completed with no errors.',
        };
      }
    }
    const available: ConditionInput =
      mcAvailable?.status === 'Unknown'
        ? { type: 'Available', status: 'Unknown', reason: mcAvailable.reason, message: mcAvailable.message }
        : degraded
          ? {
              type: 'Available',
              status: 'False',
              reason: 'ProbeUnavailable',
              message: 'Probe addon unavailable with err: simulated failure',
            }
          : {
              type: 'Available',
              status: 'True',
              reason: 'ProbeAvailable',
              message: `${name} add-on is available.`,
            };
    const now = new Date();
    let conditions = (mca.status?.conditions ?? []) as Condition[];
    for (const c of [
      {
        type: 'Configured',
        status: 'True',
        reason: 'ConfigurationsConfigured',
        message: 'Configurations configured',
      } as const,
      {
        type: 'ManifestApplied',
        status: 'True',
        reason: 'AddonManifestApplied',
        message: 'manifests of addon are applied successfully',
      } as const,
      progressing,
      available,
    ])
      conditions = setCondition(conditions, c, { now });
    const status = {
      supportedConfigs: (cma.spec?.supportedConfigs ?? []).map((s) => ({
        group: s.group ?? '',
        resource: s.resource,
      })),
      configReferences,
      conditions,
    };
    await patchIfChanged(ctx, {
      what: 'addon-manager:status',
      ref: { apiVersion: mca.apiVersion, kind: 'ManagedClusterAddOn', namespace: cluster, name },
      body: { status },
      subresource: 'status',
      key: `mca-status/${key}`,
      cached: mca,
      desired: statusFingerprint(status),
      actual: () => statusFingerprint(mca.status),
    });
    return requeueAfter !== undefined ? { requeueAfter } : undefined;
  }

  return {
    controller,
    markSetup() {
      for (const mca of addOns.list())
        initial.set(
          nsKey(mca.metadata.namespace ?? '', mca.metadata.name ?? ''),
          refFingerprint(mca.status?.configReferences, 'desiredConfig'),
        );
    },
  };
}
