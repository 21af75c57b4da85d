/**
 * The console's read side over the rollout controllers' informer caches: a sorted name index
 * and the cluster-set names, kept current by informer handlers, and the summaries the API
 * answers with. Nothing is copied: a page builds its rows from the cached objects.
 */
import { KLUSTERLET_CONFIG_ANNOTATION } from '../../api/upstream/ocm.js';
import { readClusterState } from '../../controllers/rollout/cluster-state.js';
import { compositionOf } from '../../controllers/rollout/derived-config.js';
import { feedbackValues } from '../../controllers/rollout/drivers/observer-work.js';
import type { RolloutInformers } from '../../controllers/rollout/world.js';
import type { KubeObject } from '../../runtime/client/types.js';
import type { ClusterSummary } from '../contract.js';
import { observedKlusterletVersion, type ShownKlusterletVersion } from './klusterlet-version.js';
import { SortedNames } from './name-index.js';
import { shownTransport, type ShownTransport } from './transport.js';
import {
  CLUSTER_SET_LABEL,
  clusterSummary,
  type CachedAddOn,
  type CachedCluster,
  type CachedRollout,
} from './summaries.js';

export class FleetView {
  readonly names = new SortedNames();
  /** Clusters per set name, so the set names known to the hub are at hand for authorisation. */
  private readonly setCounts = new Map<string, number>();

  constructor(readonly world: RolloutInformers) {
    const count = (o: KubeObject | undefined, by: number) => {
      const set = o?.metadata.labels?.[CLUSTER_SET_LABEL];
      if (set === undefined) return;
      const n = (this.setCounts.get(set) ?? 0) + by;
      if (n > 0) this.setCounts.set(set, n);
      else this.setCounts.delete(set);
    };
    world.clusters.addHandler({
      add: (o) => {
        this.names.add(o.metadata.name ?? '');
        count(o, 1);
      },
      update: (old, o) => {
        count(old, -1);
        count(o, 1);
      },
      delete: (o) => {
        this.names.delete(o.metadata.name ?? '');
        count(o, -1);
      },
    });
    // Clusters already cached (a view built after the informer started) are indexed too.
    for (const o of world.clusters.list()) {
      if (this.names.has(o.metadata.name ?? '')) continue;
      this.names.add(o.metadata.name ?? '');
      count(o, 1);
    }
  }

  /** The set names clusters are in now. */
  setNames(): string[] {
    return [...this.setCounts.keys()];
  }

  cluster(name: string): CachedCluster | undefined {
    return this.world.clusters.get(undefined, name) as CachedCluster | undefined;
  }

  rollout(key: string): CachedRollout | undefined {
    return this.world.rollouts.getByKey(key) as CachedRollout | undefined;
  }

  rollouts(): CachedRollout[] {
    return this.world.rollouts.list() as CachedRollout[];
  }

  /** The klusterlet version a cluster runs, as observed where it can be (klusterlet-version.ts). */
  klusterletVersion(mc: CachedCluster): ShownKlusterletVersion | undefined {
    const selection = mc.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION] ?? '';
    return observedKlusterletVersion({
      pin: compositionOf(this.world.klusterletConfig(selection))?.pin,
      hubVersion: this.world.hubVersion(),
      feedback: feedbackValues(this.world.observerWork(mc.metadata.name ?? '')),
    });
  }

  /** The transport a cluster uses, as observed where it can be (transport.ts). */
  transport(mc: CachedCluster): ShownTransport | undefined {
    const name = mc.metadata.name ?? '';
    const agent = feedbackValues(this.world.agentWork(name));
    return shownTransport({
      recorded: readClusterState(mc.metadata.annotations, 'transport')?.value,
      authType: feedbackValues(this.world.observerWork(name)).get('authType'),
      mqttAgentReady: Number(agent.get('agentReadyReplicas') ?? 0) >= 1,
    });
  }

  summary(mc: CachedCluster): ClusterSummary {
    return clusterSummary(mc, {
      addOns: this.world.addOns.list(mc.metadata.name) as CachedAddOn[],
      rollout: (key) => this.rollout(key),
      klusterletVersion: this.klusterletVersion(mc),
      transport: this.transport(mc),
    });
  }
}
