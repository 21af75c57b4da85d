/**
 * Add-on version rollouts. Each wave points `ManagedClusterAddOn.spec.configs` of its clusters at
 * the immutable, versioned config of the target; the config itself is never edited and the
 * ClusterManagementAddOn is left alone, so the addon-manager applies each change at once and this
 * rollout is the only gate (ocm `addonconfiguration/graph.go`: an MCA override makes the cluster
 * ToApply; under `All` every ToApply cluster is rolled). Success, as the addon-manager's own
 * rollout judges it: `status.configReferences[]` has the target as `desiredConfig` and
 * `lastAppliedConfig` equal to it, `Progressing` completed, and `Available` through minSuccessTime.
 */
import type { AddOnConfigRef, AddOnTarget } from '../../../api/agentrollout.js';
import {
  ADDON_API_VERSION,
  findOcmCondition,
  type AddOnConfigReference,
  type ManagedClusterAddOn,
} from '../../../api/upstream/ocm.js';
import { readClusterState, stateAnnotation, writeClusterState } from '../cluster-state.js';
import { revisionOf } from '../revision.js';
import { clusterHealth, later, transitionTime } from './cluster-health.js';
import { startRecord, type ClusterFacts, type DriverContext, type TargetDriver } from './types.js';

/** Config resources whose objects the pre-flight can look up, by `group/resource`. */
const CONFIG_KINDS: Record<string, { apiVersion: string; kind: string; namespaced: boolean }> = {
  'addon.open-cluster-management.io/addondeploymentconfigs': {
    apiVersion: ADDON_API_VERSION,
    kind: 'AddOnDeploymentConfig',
    namespaced: true,
  },
  'addon.open-cluster-management.io/addontemplates': {
    apiVersion: ADDON_API_VERSION,
    kind: 'AddOnTemplate',
    namespaced: false,
  },
};

const sameGroupResource = (
  a: { group?: string; resource: string },
  b: { group?: string; resource: string },
) => (a.group ?? '') === (b.group ?? '') && a.resource === b.resource;

/** A config reference as the state annotation stores it ("" = no entry for the group/resource). */
export function configValue(ref: { namespace?: string; name: string } | null): string {
  return ref ? `${ref.namespace ?? ''}/${ref.name}` : '';
}

function parseConfigValue(value: string, target: AddOnConfigRef): AddOnConfigReference | null {
  if (!value) return null;
  const [namespace, name] = value.split('/');
  if (!name) return null;
  return { group: target.group, resource: target.resource, ...(namespace ? { namespace } : {}), name };
}

export function addOnDriver(target: AddOnTarget): TargetDriver {
  const ref = target.config;
  const targetValue = configValue(ref);

  const mcaOf = (cluster: string, ctx: DriverContext) => ctx.world.managedClusterAddOn(cluster, target.name);

  return {
    kind: 'addOn',

    async preflight(ctx) {
      const problems: string[] = [];
      const cma = ctx.world.clusterManagementAddOn(target.name);
      if (!cma) return [`ClusterManagementAddOn "${target.name}" not found`];
      const supported = cma.spec?.supportedConfigs ?? [];
      if (!supported.some((s) => sameGroupResource(s, ref))) {
        problems.push(
          `add-on "${target.name}" declares no supported config ${ref.group}/${ref.resource}: its agents follow ` +
            'the hub and cannot be rolled per cluster',
        );
      }
      if (cma.metadata.annotations?.['addon.open-cluster-management.io/lifecycle'] === 'self') {
        problems.push(
          `add-on "${target.name}" is self-managed (lifecycle: self): the addon-manager would ignore per-cluster configs`,
        );
      }
      const kind = CONFIG_KINDS[`${ref.group}/${ref.resource}`];
      if (!kind) {
        problems.push(
          `config resource ${ref.group}/${ref.resource} is not one the operator can check (AddOnDeploymentConfig, AddOnTemplate)`,
        );
      } else {
        const obj = await ctx.client.get({
          apiVersion: kind.apiVersion,
          kind: kind.kind,
          name: ref.name,
          ...(kind.namespaced ? { namespace: ref.namespace ?? '' } : {}),
        });
        if (!obj)
          problems.push(`${kind.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} not found`);
      }
      return problems;
    },

    observe(cluster, ctx, tracker) {
      const mca = mcaOf(cluster, ctx);
      const record = readClusterState(mca?.metadata.annotations, 'addOn');
      const mine = record && record.rollout === ctx.rollout.key && record.revision === ctx.rollout.revision;
      const state = mine ? record : null;
      const mc = ctx.world.managedCluster(cluster);
      const health = clusterHealth(mc);
      const base: ClusterFacts = {
        state,
        foreign: mine ? null : record,
        observedRevision: null,
        healthy: false,
        healthySince: null,
        degraded: false,
        reachable: health.reachable,
        skipReason: mca ? null : `add-on ${target.name} is not installed (no ManagedClusterAddOn)`,
        message: null,
      };
      if (!mca) return base;
      const available = findOcmCondition(mca.status?.conditions, 'Available');
      const healthy = health.healthy && available?.status === 'True';
      if (!state) return { ...base, healthy, reachable: health.healthy };
      const expected = state.direction === 'forward' ? state.value : state.previous;
      const progress = configProgress(mca, ref, expected);
      const since = tracker.since(
        cluster,
        state.revision,
        state.direction,
        progress.done && healthy,
        ctx.now,
      );
      return {
        ...base,
        healthy,
        healthySince: later(
          later(since, progress.completedAt),
          available?.status === 'True' ? transitionTime(available) : null,
        ),
        observedRevision: progress.done ? revisionOf(state) : null,
        degraded: progress.failed,
        message: progress.message,
      };
    },

    async prepare() {
      // Nothing shared: the versioned config exists already (pre-flight checked it).
    },

    async start(start, facts, ctx) {
      const mca = mcaOf(start.name, ctx);
      if (!mca) throw new Error(`ManagedClusterAddOn ${start.name}/${target.name} not found`);
      const configs = mca.spec?.configs ?? [];
      const current = configs.find((c) => sameGroupResource(c, ref)) ?? null;
      const value = start.direction === 'forward' ? targetValue : (facts.state?.previous ?? '');
      const entry = parseConfigValue(value, ref);
      const next = [...configs.filter((c) => !sameGroupResource(c, ref)), ...(entry ? [entry] : [])];
      const state = startRecord(ctx, start, value, facts.state ? facts.state.previous : configValue(current));
      // spec.configs is an atomic list others may edit: replace it whole, guarded by a JSON-patch
      // `test` of the list we read (not by resourceVersion: the addon-manager rewrites the status
      // all the time, and each of those would turn this write into a 409).
      await ctx.client.patch(
        {
          apiVersion: ADDON_API_VERSION,
          kind: 'ManagedClusterAddOn',
          namespace: start.name,
          name: target.name,
        },
        configsPatch(mca, next, stateAnnotation('addOn'), writeClusterState(state)),
        'json',
      );
      return state;
    },
  };
}

interface ConfigProgress {
  done: boolean;
  failed: boolean;
  completedAt: number | null;
  message: string | null;
}

/**
 * Where the addon-manager is with `expected` (a config value, "" = no override) for the target's
 * group/resource (ocm `addonprogressing/controller.go`, `graph.go` `setRolloutStatus`).
 */
export function configProgress(
  mca: ManagedClusterAddOn,
  ref: AddOnConfigRef,
  expected: string,
): ConfigProgress {
  const progressing = findOcmCondition(mca.status?.conditions, 'Progressing');
  const failed =
    progressing?.reason === 'Failed' || progressing?.reason === 'ConfigurationUnsupported' ? true : false;
  const cr = mca.status?.configReferences?.find((c) => sameGroupResource(c, ref));
  const desired = cr?.desiredConfig;
  const applied = cr?.lastAppliedConfig;
  const desiredMatches = expected === '' ? true : configValue(desired ?? null) === expected;
  const done =
    desiredMatches &&
    desired !== undefined &&
    applied !== undefined &&
    applied.name === desired.name &&
    (applied.namespace ?? '') === (desired.namespace ?? '') &&
    applied.specHash === desired.specHash &&
    progressing?.status === 'False' &&
    progressing.reason === 'Completed';
  return {
    done,
    failed,
    completedAt: done ? transitionTime(progressing) : null,
    message: failed ? (progressing?.message ?? 'add-on progressing failed') : null,
  };
}

/** JSON Pointer escaping of one path segment (RFC 6901). */
const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * A JSON patch that sets `spec.configs` to `next` only if it still holds what we read, and sets
 * one annotation, whether or not the lists and maps exist yet.
 */
export function configsPatch(
  mca: ManagedClusterAddOn,
  next: AddOnConfigReference[],
  key: string,
  value: string,
): unknown[] {
  const ops: unknown[] = [];
  const configs = mca.spec?.configs;
  if (configs !== undefined) {
    ops.push(
      { op: 'test', path: '/spec/configs', value: configs },
      { op: 'replace', path: '/spec/configs', value: next },
    );
  } else if (mca.spec !== undefined) {
    // (No test of /spec: it holds fields we don't cache, e.g. v1alpha1's defaulted installNamespace.)
    ops.push({ op: 'add', path: '/spec/configs', value: next });
  } else {
    ops.push({ op: 'add', path: '/spec', value: { configs: next } });
  }
  ops.push(
    mca.metadata.annotations === undefined
      ? { op: 'add', path: '/metadata/annotations', value: { [key]: value } }
      : { op: 'add', path: `/metadata/annotations/${pointer(key)}`, value },
  );
  return ops;
}
