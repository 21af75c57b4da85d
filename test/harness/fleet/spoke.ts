/**
 * The simulated managed clusters: per cluster, the objects its work agent applied, with the
 * status their controllers would give them. A work's manifests are applied by update strategy
 * (ocm `pkg/work/spoke/apply`): Update and ServerSideApply replace everything but metadata and
 * status (`metadata.generation` moves when that changes), CreateOnly creates once, ReadOnly never
 * writes. Then the spoke's controllers act: the klusterlet operator runs `klusterlet-agent` (image
 * `spec.imagePullSpec`) in Singleton mode, or the registration and work agents in Default mode,
 * and reports `Available`; every Deployment becomes ready at once. A degraded apply leaves its
 * Deployments unready and its Klusterlet unavailable.
 */
import { parseApiVersion } from '../../../src/runtime/client/types.js';
import { sameJson } from './gojson.js';
import { deploymentManifest } from './klusterlet-render.js';
import type { Manifest, ManifestConfig } from './types.js';

export interface SpokeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; generation: number; labels?: Record<string, string> };
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

interface Entry {
  obj: SpokeObject;
  /** Works that applied it, and `klusterlet/<name>` for agent Deployments. */
  owners: Set<string>;
  degraded: boolean;
}

/** How the work agent treats a manifest, from the first matching `manifestConfigs` entry. */
export function strategyOf(
  manifest: Manifest,
  configs: ManifestConfig[] | undefined,
): ManifestConfig | undefined {
  const group = parseApiVersion(manifest.apiVersion).group;
  const resource = resourceOf(manifest.kind);
  const name = manifest.metadata.name ?? '';
  const namespace = manifest.metadata.namespace ?? '';
  return configs?.find((c) => {
    const id = c.resourceIdentifier ?? {};
    return (
      (id.group ?? '') === group &&
      id.resource === resource &&
      wildcard(id.name ?? '', name) &&
      wildcard(id.namespace ?? '', namespace)
    );
  });
}

function wildcard(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

/** The plural resource of a kind (apimachinery `UnsafeGuessKindToResource`). */
export function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** The identity of a spoke object: group, kind, namespace and name. */
export const spokeKey = (
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name: string,
): string => `${parseApiVersion(apiVersion).group}|${kind}|${namespace ?? ''}|${name}`;

const contentOf = (o: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(o).filter(([k]) => !['apiVersion', 'kind', 'metadata', 'status'].includes(k)),
  );

/** One simulated managed cluster. */
export class Spoke {
  private readonly objects = new Map<string, Entry>();

  /** The object a manifest names, if it exists. */
  get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): SpokeObject | undefined {
    return this.objects.get(spokeKey(apiVersion, kind, namespace, name))?.obj;
  }

  /** Applies a work's manifests; returns whether any object changed. */
  apply(
    work: string,
    manifests: Manifest[],
    configs: ManifestConfig[] | undefined,
    degraded: boolean,
  ): boolean {
    let changed = false;
    for (const m of manifests) {
      const type = strategyOf(m, configs)?.updateStrategy?.type ?? 'Update';
      if (type === 'ReadOnly') continue;
      const key = spokeKey(m.apiVersion, m.kind, m.metadata.namespace, m.metadata.name ?? '');
      const entry = this.objects.get(key);
      if (entry && type === 'CreateOnly') {
        entry.owners.add(work);
        continue;
      }
      changed = this.upsert(key, m, work, degraded) || changed;
    }
    return this.settle() || changed;
  }

  /** Forgets a deleted work; objects nobody else applied are deleted unless orphaned. */
  release(work: string, orphan: boolean): boolean {
    let changed = false;
    for (const [key, entry] of this.objects) {
      if (!entry.owners.delete(work) || entry.owners.size > 0 || orphan) continue;
      this.objects.delete(key);
      changed = true;
    }
    return this.settle() || changed;
  }

  private upsert(key: string, m: Manifest, owner: string, degraded: boolean): boolean {
    const entry = this.objects.get(key);
    const content = contentOf(m);
    if (!entry) {
      this.objects.set(key, {
        obj: {
          ...content,
          apiVersion: m.apiVersion,
          kind: m.kind,
          metadata: {
            name: m.metadata.name ?? '',
            ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}),
            generation: 1,
            ...(m.metadata.labels ? { labels: m.metadata.labels } : {}),
          },
        },
        owners: new Set([owner]),
        degraded,
      });
      return true;
    }
    entry.owners.add(owner);
    const before = contentOf(entry.obj);
    const specChanged = !sameJson(before, content);
    const degradedChanged = entry.degraded !== degraded;
    entry.degraded = degraded;
    if (!specChanged) return degradedChanged;
    const { metadata, status } = entry.obj;
    entry.obj = {
      ...content,
      apiVersion: m.apiVersion,
      kind: m.kind,
      metadata: {
        ...metadata,
        generation: metadata.generation + 1,
        labels: { ...metadata.labels, ...m.metadata.labels },
      },
      ...(status ? { status } : {}),
    };
    return true;
  }

  /** Runs the spoke's controllers until nothing changes; returns whether anything did. */
  private settle(): boolean {
    let changed = false;
    for (const [key, entry] of [...this.objects]) {
      if (entry.obj.kind === 'Klusterlet' && key.startsWith('operator.open-cluster-management.io|'))
        changed = this.runKlusterlet(entry) || changed;
    }
    for (const [key, entry] of [...this.objects]) {
      const owner = [...entry.owners].find((o) => o.startsWith('klusterlet/'));
      if (
        owner &&
        !this.objects.has(
          spokeKey('operator.open-cluster-management.io/v1', 'Klusterlet', undefined, owner.slice(11)),
        )
      ) {
        this.objects.delete(key);
        changed = true;
      }
    }
    for (const entry of this.objects.values()) changed = this.setStatus(entry) || changed;
    return changed;
  }

  private runKlusterlet(entry: Entry): boolean {
    const spec = (entry.obj.spec ?? {}) as Record<string, unknown>;
    const name = entry.obj.metadata.name;
    const namespace = typeof spec.namespace === 'string' ? spec.namespace : 'open-cluster-management-agent';
    const mode = (spec.deployOption as { mode?: string } | undefined)?.mode ?? 'Default';
    const agents: [string, unknown][] =
      mode === 'Singleton'
        ? [['klusterlet-agent', spec.imagePullSpec]]
        : [
            ['klusterlet-registration-agent', spec.registrationImagePullSpec],
            ['klusterlet-work-agent', spec.workImagePullSpec],
          ];
    const owner = `klusterlet/${name}`;
    let changed = false;
    const wanted = new Set<string>();
    for (const [agent, image] of agents) {
      const key = spokeKey('apps/v1', 'Deployment', namespace, agent);
      wanted.add(key);
      const manifest = deploymentManifest(agent, namespace, {
        containers: [{ name: agent, image: String(image ?? '') }],
      });
      changed = this.upsert(key, manifest, owner, entry.degraded) || changed;
    }
    for (const [key, e] of [...this.objects])
      if (e.owners.has(owner) && !wanted.has(key) && e.owners.size === 1) {
        this.objects.delete(key);
        changed = true;
      }
    return changed;
  }

  private setStatus(entry: Entry): boolean {
    const { obj } = entry;
    let status: Record<string, unknown> | undefined;
    if (obj.kind === 'Deployment') {
      const replicas =
        typeof (obj.spec as { replicas?: unknown })?.replicas === 'number'
          ? (obj.spec as { replicas: number }).replicas
          : 1;
      const ready = entry.degraded ? 0 : replicas;
      status = {
        observedGeneration: obj.metadata.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: ready,
        availableReplicas: ready,
        conditions: [
          {
            type: 'Available',
            status: ready >= replicas ? 'True' : 'False',
            reason: 'MinimumReplicasAvailable',
          },
        ],
      };
    } else if (obj.kind === 'Klusterlet') {
      status = {
        observedGeneration: obj.metadata.generation,
        conditions: [
          {
            type: 'Applied',
            status: 'True',
            reason: 'KlusterletApplied',
            message: 'Klusterlet Component Applied',
          },
          entry.degraded
            ? {
                type: 'Available',
                status: 'False',
                reason: 'NoAvailablePods',
                message: 'the agent is not available (simulated)',
              }
            : {
                type: 'Available',
                status: 'True',
                reason: 'KlusterletAvailable',
                message: 'All components are available',
              },
        ],
      };
    }
    if (!status || sameJson(status, obj.status)) return false;
    obj.status = status;
    return true;
  }
}

/** The simulated managed clusters by name. */
export class SpokeFleet {
  private readonly spokes = new Map<string, Spoke>();

  get(cluster: string): Spoke {
    let s = this.spokes.get(cluster);
    if (!s) this.spokes.set(cluster, (s = new Spoke()));
    return s;
  }
}
