/**
 * The real world of the end-to-end tests and the demo: a real OCM hub (hub.ts) and N real managed
 * clusters (spoke.ts), each joined, accepted and Available before this returns.
 */
import { eventually } from '../eventually.js';
import { startImportController } from '../fleet/import-only.js';
import { describeWorld } from './diagnostics.js';
import { isAccepted, isAvailable, managedClusterRef } from './managed-cluster.js';
import { startOcmHub, type OcmHub, type OcmHubOptions } from './hub.js';
import { startOcmSpoke, type OcmSpoke, type OcmSpokeOptions } from './spoke.js';

export interface RealWorld {
  readonly hub: OcmHub;
  readonly spokes: readonly OcmSpoke[];
  spoke(name: string): OcmSpoke;
  stop(): Promise<void>;
}

export interface RealWorldOptions extends OcmHubOptions, OcmSpokeOptions {
  /** Managed cluster names (default: cluster1, cluster2, cluster3). */
  spokes?: string[];
}

/** Starts the hub, then the spokes in parallel, and waits until every cluster is Available. */
export async function startRealWorld(opts: RealWorldOptions = {}): Promise<RealWorld> {
  const hub = await startOcmHub(opts);
  const spokes: OcmSpoke[] = [];
  let importer: { stop(): Promise<void> } | undefined;
  const world: RealWorld = {
    hub,
    spokes,
    spoke(name) {
      const s = spokes.find((x) => x.name === name);
      if (!s) throw new Error(`no spoke ${name}`);
      return s;
    },
    async stop() {
      await importer?.stop();
      await Promise.all(spokes.map((s) => s.stop()));
      await hub.stop();
    },
  };
  try {
    // Imported clusters have MCE's import controller keeping their klusterlet works (simulated:
    // see docs/testing.md), with the bootstrap Secret, as it renders them from the hub's images.
    if (opts.import)
      importer = await startImportController({
        kubeConfig: hub.kubeConfig(),
        images: opts.import.images,
        bootstrap: await hub.bootstrapContent(),
      });
    const names = opts.spokes ?? ['cluster1', 'cluster2', 'cluster3'];
    const started = await Promise.allSettled(names.map((n) => startOcmSpoke(hub, n, opts)));
    for (const r of started) if (r.status === 'fulfilled') spokes.push(r.value);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const joinStarted = Date.now();
    await eventually(
      async () => {
        for (const n of names) {
          const ref = managedClusterRef(n);
          const mc = await hub.client.get(ref);
          // The registration controller's auto-approval left a registered cluster unaccepted in
          // CI (its agent forbidden, its ManagedCluster without conditions); after 30 s the
          // harness accepts it as an admin would (`clusteradm accept`), and says so.
          if (mc && !isAccepted(mc) && Date.now() - joinStarted > 30_000) {
            console.warn(`${n}: not accepted by auto-approval after 30 s; accepting it as an admin would`);
            await hub.client.patch(ref, { spec: { hubAcceptsClient: true } }, 'merge');
          }
          if (!isAvailable(mc)) throw new Error(`${n} is not Available yet`);
        }
        return true;
      },
      {
        timeout: 90_000,
        interval: 500,
        message: 'every managed cluster to join and turn Available',
        explain: () => describeWorld(world),
      },
    );
  } catch (err) {
    await world.stop();
    throw err;
  }
  return world;
}
