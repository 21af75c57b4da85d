import { afterAll, beforeAll } from '@jest/globals';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import {
  AGENT_NAMESPACE,
  startFleet,
  type Fleet,
  type FleetOptions,
  type HubImages,
} from '../../harness/fleet/index.js';
import { KubeClient } from '../../../src/runtime/client/kube-client.js';
import type { KubeObject } from '../../../src/runtime/client/types.js';

export const HUB_IMAGES: HubImages = {
  registrationOperator: 'quay.io/stolostron/registration-operator@sha256:2170',
  registration: 'quay.io/stolostron/registration@sha256:2170',
  work: 'quay.io/stolostron/work@sha256:2170',
};

export const MC_API = 'cluster.open-cluster-management.io/v1';
export const PLACEMENT_API = 'cluster.open-cluster-management.io/v1beta1';
export const WORK_API = 'work.open-cluster-management.io/v1';
export const ADDON_API = 'addon.open-cluster-management.io/v1alpha1';
export const KC_API = 'config.open-cluster-management.io/v1alpha1';

/** A client for assertions, fast enough to list a 2,000-cluster fleet. */
export function testClient(cp: ControlPlane): KubeClient {
  return new KubeClient({ kubeConfig: cp.kubeConfig(), qps: 1000, burst: 2000 });
}

/** Starts a fleet with the test hub images and short agent delays. */
export function testFleet(
  cp: ControlPlane,
  opts: Partial<FleetOptions> & { clusters: number },
): Promise<Fleet> {
  return startFleet({
    kubeConfig: cp.kubeConfig(),
    hub: { version: '2.17.0', images: HUB_IMAGES },
    agents: { delayMs: [50, 300], seed: 7 },
    ...opts,
  });
}

export interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export type Obj = KubeObject & {
  spec?: Record<string, unknown>;
  status?: { conditions?: Cond[] } & Record<string, unknown>;
};

export const cond = (o: Obj | undefined, type: string): Cond | undefined =>
  o?.status?.conditions?.find((c) => c.type === type);

/** A ManifestWork's condition `type` is `status` at the work's current generation. */
export function atGeneration(work: Obj | undefined, type: string, status = 'True'): boolean {
  const c = cond(work, type);
  return c?.status === status && c.observedGeneration === work?.metadata.generation;
}

/** Feedback values of a work by name, as strings. */
export function feedback(work: Obj | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const manifests = (work?.status?.resourceStatus as { manifests?: unknown[] } | undefined)?.manifests ?? [];
  for (const m of manifests as {
    statusFeedback?: { values?: { name: string; fieldValue: Record<string, unknown> }[] };
  }[])
    for (const v of m.statusFeedback?.values ?? []) {
      const f = v.fieldValue;
      out[v.name] = String(f.string ?? f.integer ?? f.boolean);
    }
  return out;
}

/** The control plane, fleet and assertion client of a test file, set in `beforeAll`. */
export interface FleetEnv {
  cp: ControlPlane;
  fleet: Fleet;
  client: KubeClient;
}

/**
 * Starts a control plane and a fleet for the file (`beforeAll`) and stops them (`afterAll`);
 * `ready` runs once the fleet is up.
 */
export function useFleet(
  name: string,
  opts: Partial<FleetOptions> & { clusters: number },
  ready?: (env: FleetEnv) => Promise<void>,
): FleetEnv {
  const env = {} as FleetEnv;
  beforeAll(async () => {
    env.cp = await startControlPlane({ name });
    env.client = testClient(env.cp);
    env.fleet = await testFleet(env.cp, opts);
    await ready?.(env);
  }, 600_000);
  afterAll(async () => {
    await env.fleet?.stop();
    env.client?.close();
    await env.cp?.stop();
  });
  return env;
}

/** Feedback rules of an observer: JSONPaths by value name, or the well-known status. */
export type ObservedPaths = Record<string, string> | 'WellKnownStatus';

/**
 * An observer ManifestWork like the rollout's: ReadOnly manifests (never written, never owned)
 * with feedback rules — on the Klusterlet `klusterlet`, and on Deployments in the agent namespace.
 */
export function observerWork(
  cluster: string,
  klusterlet: Record<string, string>,
  deployments: Record<string, ObservedPaths>,
  name = 'observer',
) {
  const rules = (paths: ObservedPaths) =>
    paths === 'WellKnownStatus'
      ? [{ type: 'WellKnownStatus' }]
      : [{ type: 'JSONPaths', jsonPaths: Object.entries(paths).map(([n, path]) => ({ name: n, path })) }];
  const klusterletId = {
    group: 'operator.open-cluster-management.io',
    resource: 'klusterlets',
    name: 'klusterlet',
  };
  return {
    apiVersion: WORK_API,
    kind: 'ManifestWork',
    metadata: { name, namespace: cluster },
    spec: {
      workload: {
        manifests: [
          {
            apiVersion: 'operator.open-cluster-management.io/v1',
            kind: 'Klusterlet',
            metadata: { name: 'klusterlet' },
          },
          ...Object.keys(deployments).map((d) => ({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: d, namespace: AGENT_NAMESPACE },
          })),
        ],
      },
      manifestConfigs: [
        {
          resourceIdentifier: klusterletId,
          updateStrategy: { type: 'ReadOnly' },
          feedbackRules: rules(klusterlet),
        },
        ...Object.entries(deployments).map(([d, paths]) => ({
          resourceIdentifier: { group: 'apps', resource: 'deployments', name: d, namespace: AGENT_NAMESPACE },
          updateStrategy: { type: 'ReadOnly' },
          feedbackRules: rules(paths),
        })),
      ],
    },
  };
}

/** A ManifestWork by cluster and name. */
export const getWork = (client: KubeClient, cluster: string, name: string): Promise<Obj | undefined> =>
  client.get<Obj>({ apiVersion: WORK_API, kind: 'ManifestWork', namespace: cluster, name });
