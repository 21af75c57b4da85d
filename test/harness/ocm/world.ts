/**
 * The real world of the end-to-end tests and the demo: a real OCM hub (hub.ts) and N real managed
 * clusters (spoke.ts), each joined, accepted and Available before this returns.
 */
import { eventually } from '../eventually.js';
import { startImportController } from '../fleet/import-only.js';
import { describeWorld } from './diagnostics.js';
import { isAccepted, isAvailable, isHubAccepted, managedClusterRef } from './managed-cluster.js';
import { startOcmHub, type OcmHub, type OcmHubOptions } from './hub.js';
import { startOcmSpoke, type OcmSpoke, type OcmSpokeOptions } from './spoke.js';

/** What the harness writes on a ManagedCluster it nudges (see startRealWorld). */
const NUDGED = 'harness.mce-maestro-operator.io/nudged-at';

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
    let lastNudge = 0;
    await eventually(
      async () => {
        const late = Date.now() - joinStarted > 30_000;
        const nudge = late && Date.now() - lastNudge > 15_000;
        for (const n of names) {
          const ref = managedClusterRef(n);
          const mc = await hub.client.get(ref);
          // The registration controller's auto-approval left a registered cluster unaccepted in
          // CI (its agent forbidden, its ManagedCluster without conditions); after 30 s the
          // harness accepts it as an admin would (`clusteradm accept`), and says so.
          if (mc && !isAccepted(mc) && late) {
            console.warn(`${n}: not accepted by auto-approval after 30 s; accepting it as an admin would`);
            await hub.client.patch(ref, { spec: { hubAcceptsClient: true } }, 'merge');
          } else if (mc && isAccepted(mc) && !isHubAccepted(mc) && nudge) {
            // Accepted, but the controller has not created its RBAC and said so. One way there
            // (CI saw the agent forbidden for 78 s; the log did not keep why): each sync of the
            // cluster fails on a conflict with the other writers of a joining ManagedCluster, and
            // the work queue doubles the key's delay with each failure. With the agent forbidden
            // nothing else writes the ManagedCluster, so the next try can be minutes away. An
            // annotation is an update event, which the controller syncs at once.
            console.warn(
              `${n}: accepted but not yet HubAccepted after 30 s; touching it so the controller syncs it`,
            );
            await hub.client.patch(
              ref,
              { metadata: { annotations: { [NUDGED]: new Date().toISOString() } } },
              'merge',
            );
            lastNudge = Date.now();
          }
          if (!isAvailable(mc)) throw new Error(`${n} is not Available yet`);
        }
        return true;
      },
      {
        // About 45 s on a loaded 2-core machine; the nudges above need room to work.
        timeout: 150_000,
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
