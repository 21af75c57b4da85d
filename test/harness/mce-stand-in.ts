/**
 * A stand-in for the MCE operator (stolostron backplane-operator) that reproduces, and only
 * reproduces, its code paths that touch what we touch (docs/mce-compatibility.md cites them):
 *
 *  - 5.x: an enabled `maestro-preview` is set back to disabled by an Update of the MCE, even when
 *    externally managed (backplane-5.2 controllers/backplaneconfig_controller.go:207-216).
 *  - On OpenShift, unless `maestro-preview` or `cluster-manager` is externally managed
 *    (backplaneconfig_controller.go:1481-1483 on 5.2, 1422-1424 on 2.17):
 *    - enabled: `enableClusterManagerGRPCServer` (toggle_components.go:2382 on 2.17): GET the
 *      ClusterManager, and when drivers, conductor image or host differ, Update
 *      registrationConfiguration and serverConfiguration to MCE's values;
 *    - disabled: `ensureNoMaestro` (toggle_components.go:1861): delete ConfigMap
 *      open-cluster-management-hub/grpc-server-config, the namespace `maestro`
 *      (`deleteMaestroNamespace`, :2519), and remove registrationConfiguration and
 *      serverConfiguration by GET + Update (`disableClusterManagerGRPCServer`, :2537).
 *  - Each pass requeues (15 s while the MCE is not Available, 5 min after; `requeueMs` here, shorter
 *    so that a fight shows within seconds).
 *
 * Why a stand-in: the real operator's Maestro paths run only on OpenShift (`utils.DeployOnOCP`,
 * which needs the openshift-config namespace, ClusterVersion and the console and route APIs) and
 * it renders every other MCE component on each pass; docs/testing.md says so.
 */
import { isConflict, isNotFound, type KubeClient, type KubeObject } from '../../src/runtime/index.js';

const MCE = { apiVersion: 'multicluster.openshift.io/v1', kind: 'MultiClusterEngine' } as const;
const CLUSTER_MANAGER = {
  apiVersion: 'operator.open-cluster-management.io/v1',
  kind: 'ClusterManager',
  name: 'cluster-manager',
} as const;

type Mce = KubeObject & {
  spec?: { overrides?: { components?: { name: string; enabled?: boolean }[] } };
  status?: { currentVersion?: string };
};
type Spec = Record<string, unknown>;

export interface MceStandIn {
  /** Passes run and writes made so far, by what was written. */
  writes: Map<string, number>;
  passes(): number;
  stop(): Promise<void>;
}

/** MCE's own values for the ClusterManager (`enableClusterManagerGRPCServer`). */
const MCE_DRIVERS = [{ authType: 'csr' }, { authType: 'grpc' }];
const mceServerConfiguration = (domain: string) => ({
  imagePullSpec: 'quay.io/stolostron/cloudevents-conductor:mce-2.17',
  endpointsExposure: [
    {
      protocol: 'grpc',
      grpc: { type: 'hostname', hostname: { host: `grpc-server-open-cluster-management-hub.${domain}` } },
    },
  ],
});

export function startMceStandIn(client: KubeClient, opts: { name: string; requeueMs?: number }): MceStandIn {
  const writes = new Map<string, number>();
  const wrote = (what: string) => writes.set(what, (writes.get(what) ?? 0) + 1);
  let passes = 0;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const externallyManaged = (mce: Mce): string[] => {
    try {
      const list: unknown = JSON.parse(
        mce.metadata.annotations?.['installer.openshift.io/externally-managed'] ?? '[]',
      );
      return Array.isArray(list) ? (list as string[]) : [];
    } catch {
      return [];
    }
  };
  const previewEnabled = (mce: Mce) =>
    mce.spec?.overrides?.components?.some((c) => c.name === 'maestro-preview' && c.enabled === true) ?? false;

  async function updateClusterManager(change: (spec: Spec) => boolean): Promise<void> {
    const cm = await client.get<KubeObject & { spec?: Spec }>(CLUSTER_MANAGER);
    if (!cm) return;
    const spec = { ...(cm.spec ?? {}) };
    if (!change(spec)) return;
    await client.update({ ...cm, spec });
    wrote('ClusterManager');
  }

  async function pass(): Promise<void> {
    passes++;
    const mce = await client.get<Mce>({ ...MCE, name: opts.name });
    if (!mce) return;
    const major = Number(/^(\d+)/.exec(mce.status?.currentVersion ?? '')?.[1] ?? 0);
    if (major >= 5 && previewEnabled(mce)) {
      const components = (mce.spec?.overrides?.components ?? []).map((c) =>
        c.name === 'maestro-preview' ? { ...c, enabled: false } : c,
      );
      await client.update({
        ...mce,
        spec: { ...mce.spec, overrides: { ...mce.spec?.overrides, components } },
      });
      wrote('MultiClusterEngine');
      return;
    }
    const external = externallyManaged(mce);
    if (external.includes('maestro-preview') || external.includes('cluster-manager')) return;
    if (previewEnabled(mce)) {
      await updateClusterManager((spec) => {
        const drivers = (spec.registrationConfiguration as { registrationDrivers?: unknown } | undefined)
          ?.registrationDrivers;
        const wanted = mceServerConfiguration('apps.example.com');
        if (
          JSON.stringify(drivers) === JSON.stringify(MCE_DRIVERS) &&
          JSON.stringify(spec.serverConfiguration) === JSON.stringify(wanted)
        )
          return false;
        spec.registrationConfiguration = { registrationDrivers: MCE_DRIVERS };
        spec.serverConfiguration = wanted;
        return true;
      });
      return;
    }
    if (
      await client.delete({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'open-cluster-management-hub',
        name: 'grpc-server-config',
      })
    )
      wrote('ConfigMap grpc-server-config');
    const ns = await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'maestro' });
    if (
      ns &&
      !ns.metadata.deletionTimestamp &&
      (await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'maestro' }))
    )
      wrote('Namespace maestro');
    await updateClusterManager((spec) => {
      if (!('registrationConfiguration' in spec) && !('serverConfiguration' in spec)) return false;
      delete spec.registrationConfiguration;
      delete spec.serverConfiguration;
      return true;
    });
  }

  const loop = async () => {
    while (!stopped) {
      running = pass().catch((err: unknown) => {
        // MCE logs and requeues on conflicts and missing objects, as here.
        if (!isConflict(err) && !isNotFound(err)) throw err;
      });
      await running;
      await new Promise((r) => setTimeout(r, opts.requeueMs ?? 1_000));
    }
  };
  const done = loop();

  return {
    writes,
    passes: () => passes,
    async stop() {
      stopped = true;
      await running.catch(() => undefined);
      await done.catch(() => undefined);
    },
  };
}
