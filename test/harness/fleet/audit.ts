/**
 * A chronological record of the writes other clients (the operator under test) make to the
 * per-cluster objects a rollout drives, as the simulator's watches see them: the ManagedCluster
 * klusterlet-config annotation, ManagedClusterAddOn `spec.configs`, and new ManifestWorks other
 * than `<cluster>-klusterlet`. Only changes after setup are recorded.
 */
import { KLUSTERLET_CONFIG_ANNOTATION, type FleetInformers } from './context.js';
import { sameJson } from './gojson.js';
import type { AuditEntry } from './types.js';

export class Audit {
  readonly entries: AuditEntry[] = [];
  recording = false;

  record(cluster: string, what: AuditEntry['what'], value: unknown): void {
    if (this.recording) this.entries.push({ at: Date.now(), cluster, what, value });
  }

  /** Entries of one cluster, optionally of one kind. */
  of(cluster: string, what?: AuditEntry['what']): AuditEntry[] {
    return this.entries.filter((e) => e.cluster === cluster && (what === undefined || e.what === what));
  }

  /** Hooks the audit to the informers' events. */
  watch(informers: FleetInformers): void {
    informers.clusters.addHandler({
      add: (mc) => {
        const v = mc.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION];
        if (v) this.record(mc.metadata.name ?? '', 'klusterlet-config', v);
      },
      update: (old, mc) => {
        const before = old.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION] ?? '';
        const after = mc.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION] ?? '';
        if (before !== after) this.record(mc.metadata.name ?? '', 'klusterlet-config', after);
      },
    });
    informers.addOns.addHandler({
      update: (old, mca) => {
        if (sameJson(old.spec?.configs ?? [], mca.spec?.configs ?? [])) return;
        this.record(mca.metadata.namespace ?? '', 'mca-configs', {
          addon: mca.metadata.name,
          configs: mca.spec?.configs ?? [],
        });
      },
    });
    informers.works.addHandler({
      add: (work) => {
        const cluster = work.metadata.namespace ?? '';
        if (work.metadata.name !== `${cluster}-klusterlet`) this.record(cluster, 'work', work.metadata.name);
      },
    });
  }
}
