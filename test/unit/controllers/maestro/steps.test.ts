import { describe, expect, it } from '@jest/globals';
import { maestroSpecSchema } from '../../../../src/api/maestro.js';
import { operandReadiness, workloadWaiting } from '../../../../src/controllers/maestro/availability.js';
import { clusterManagerSatisfied } from '../../../../src/controllers/maestro/cluster-manager.js';
import { withConductorDatabaseAccess } from '../../../../src/controllers/maestro/conductor.js';
import {
  legacyAddonCondition,
  legacyAddonNamespaceConflict,
} from '../../../../src/controllers/maestro/legacy-addon.js';
import { ownsSpecFields, selectMce } from '../../../../src/controllers/maestro/load-world.js';
import { planeKey, selectForDeletion } from '../../../../src/controllers/maestro/prune.js';
import { renderMaestro } from '../../../../src/controllers/maestro/render/index.js';
import {
  databaseClaimNames,
  installedNamespace,
  retainedKeys,
} from '../../../../src/controllers/maestro/retained-data.js';
import { keepOwnApplyEntries } from '../../../../src/controllers/maestro/trim.js';
import { trimObject } from '../../../../src/runtime/index.js';
import type { KubeObject } from '../../../../src/runtime/index.js';
import { clusterManager, renderInput } from './render/fixtures.js';

const obj = (
  kind: string,
  name: string,
  namespace?: string,
  extra: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), uid: `${kind}-${name}` },
  ...extra,
});

describe('operand readiness', () => {
  const deployment = (replicas: number, status: Record<string, unknown> | undefined, generation = 2) =>
    ({
      ...obj('Deployment', 'maestro', 'maestro'),
      apiVersion: 'apps/v1',
      metadata: { name: 'maestro', namespace: 'maestro', generation },
      spec: { replicas },
      ...(status ? { status } : {}),
    }) as KubeObject;

  it.each<[string, KubeObject | undefined, boolean, string | undefined]>([
    ['missing', undefined, false, 'Deployment maestro/maestro not created yet'],
    ['just applied', deployment(2, {}), true, 'Deployment maestro/maestro updating'],
    [
      'old generation observed',
      deployment(2, { observedGeneration: 1, availableReplicas: 2, updatedReplicas: 2 }),
      false,
      'Deployment maestro/maestro updating',
    ],
    [
      'half available',
      deployment(2, { observedGeneration: 2, availableReplicas: 1, updatedReplicas: 2 }),
      false,
      'Deployment maestro/maestro 1/2 available',
    ],
    [
      'rolled out',
      deployment(2, { observedGeneration: 2, availableReplicas: 2, updatedReplicas: 2 }),
      false,
      undefined,
    ],
    [
      'Available=False',
      deployment(2, {
        observedGeneration: 2,
        availableReplicas: 2,
        updatedReplicas: 2,
        conditions: [{ type: 'Available', status: 'False' }],
      }),
      false,
      'Deployment maestro/maestro not available',
    ],
  ])('%s', (_name, observed, justApplied, expected) => {
    expect(workloadWaiting(deployment(2, undefined) as never, observed as never, justApplied)).toBe(expected);
  });

  it('is settled but not available at zero replicas', () => {
    const desired = [
      { object: deployment(0, undefined) as never, plane: 'control' as const, retained: false },
    ];
    const r = operandReadiness(desired, () => deployment(0, { observedGeneration: 2 }), new Set());
    expect(r).toEqual({ settled: true, available: false, waiting: ['a workload is scaled to 0 replicas'] });
  });
});

describe('selectMce', () => {
  const mce = (name: string, created: string, deleting = false) => ({
    apiVersion: 'multicluster.openshift.io/v1',
    kind: 'MultiClusterEngine',
    metadata: {
      name,
      uid: name,
      creationTimestamp: created,
      ...(deleting ? { deletionTimestamp: created } : {}),
    },
  });
  it('takes the oldest live one', () => {
    const s = selectMce([
      mce('b', '2026-01-02T00:00:00Z'),
      mce('a', '2026-01-03T00:00:00Z'),
      mce('c', '2026-01-01T00:00:00Z', true),
    ]);
    expect(s.kind === 'Present' && s.mce.metadata.name).toBe('b');
  });
  it('counts a terminating MCE as absent', () => {
    expect(selectMce([mce('x', '2026-01-01T00:00:00Z', true)])).toEqual({
      kind: 'Absent',
      message: 'MultiClusterEngine x is being deleted',
    });
    expect(selectMce([])).toEqual({ kind: 'Absent', message: 'no MultiClusterEngine exists' });
  });
});

describe('ClusterManager', () => {
  const withEntries = (entries: unknown[]) => ({
    ...obj('ClusterManager', 'cluster-manager'),
    metadata: { name: 'cluster-manager', managedFields: entries },
  });

  it('knows when we own spec fields, from our trimmed apply entries', () => {
    const raw = withEntries([
      {
        manager: 'mce-maestro-operator',
        operation: 'Apply',
        fieldsV1: { 'f:spec': { 'f:serverConfiguration': {} } },
      },
      { manager: 'backplane-operator', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:x': {} } } },
      { manager: 'mce-maestro-operator', operation: 'Update', fieldsV1: { 'f:spec': { 'f:y': {} } } },
    ]);
    const trimmed = keepOwnApplyEntries(raw);
    expect(trimmed.metadata.managedFields).toHaveLength(1);
    expect(ownsSpecFields(trimmed)).toBe(true);
    expect(
      ownsSpecFields(
        keepOwnApplyEntries(
          withEntries([{ manager: 'mce-maestro-operator', operation: 'Apply', fieldsV1: {} }]),
        ),
      ),
    ).toBe(false);
  });

  it('is satisfied when our drivers, image and endpoint are there and ours', () => {
    const body = renderMaestro(renderInput({ clusterManager: clusterManager() })).clusterManager;
    if (!body) throw new Error('no body');
    const cm = clusterManager({
      registrationConfiguration: {
        registrationDrivers: [{ authType: 'awsirsa' }, { authType: 'csr' }, { authType: 'grpc' }],
      },
      serverConfiguration: {
        imagePullSpec: body.spec?.serverConfiguration?.imagePullSpec,
        endpointsExposure: body.spec?.serverConfiguration?.endpointsExposure as never,
      },
    });
    expect(clusterManagerSatisfied(body, cm, true)).toBe(true);
    expect(clusterManagerSatisfied(body, cm, false)).toBe(false);
    expect(
      clusterManagerSatisfied(
        body,
        clusterManager({ serverConfiguration: { imagePullSpec: 'other' } }),
        true,
      ),
    ).toBe(false);
  });
});

describe('pruning', () => {
  const owned = [
    { plane: 'control' as const, object: obj('Namespace', 'maestro') },
    { plane: 'control' as const, object: obj('Secret', 'maestro-db-config', 'maestro') },
    {
      plane: 'control' as const,
      object: { ...obj('Deployment', 'maestro', 'maestro'), apiVersion: 'apps/v1' },
    },
    { plane: 'control' as const, object: obj('Service', 'maestro', 'maestro') },
    { plane: 'data' as const, object: obj('ConfigMap', 'grpc-server-config', 'open-cluster-management-hub') },
    {
      plane: 'control' as const,
      object: {
        ...obj('Service', 'gone', 'maestro'),
        metadata: { name: 'gone', namespace: 'maestro', deletionTimestamp: 'x' },
      },
    },
  ];

  it('deletes what is not kept, workloads before what they mount, namespaces last, never twice', () => {
    const keep = new Set([planeKey('control', owned[3]?.object ?? obj('x', 'x'))]);
    expect(
      selectForDeletion(owned, keep).map((o) => `${o.plane} ${o.object.kind}/${o.object.metadata.name}`),
    ).toEqual([
      'control Deployment/maestro',
      'data ConfigMap/grpc-server-config',
      'control Secret/maestro-db-config',
      'control Namespace/maestro',
    ]);
  });

  it('keeps retained data only while retainDataOnDisable, and the namespace always', () => {
    const same = () => 'control' as const;
    expect([...retainedKeys(maestroSpecSchema.parse({}), same)]).toEqual([
      'control|Namespace//maestro',
      'control|Secret/maestro/maestro-db-config',
      'control|Secret/maestro/maestro-db-ca',
      'control|Secret/maestro/maestro-mqtt-ca',
    ]);
    expect([...retainedKeys(maestroSpecSchema.parse({ retainDataOnDisable: false }), same)]).toEqual([
      'control|Namespace//maestro',
    ]);
    expect(databaseClaimNames(1)).toEqual(['maestro-db-data-maestro-db-0']);
  });

  it('keeps the data of an install in another namespace, and finds where the install is', () => {
    const same = () => 'control' as const;
    const owned = (kind: string, name: string, namespace?: string) => ({
      plane: 'control' as const,
      object: { apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
    });
    const other = [
      owned('Namespace', 'maestro-data'),
      owned('Secret', 'maestro-db-config', 'maestro-data'),
      owned('Secret', 'maestro-mqtt-certs', 'maestro-data'),
    ];
    expect([...retainedKeys(maestroSpecSchema.parse({ retainDataOnDisable: false }), same, other)]).toEqual([
      'control|Namespace//maestro',
      'control|Namespace//maestro-data',
      'control|Secret/maestro-data/maestro-db-config',
    ]);
    expect(installedNamespace(other)).toBe('maestro-data');
    expect(installedNamespace([])).toBeUndefined();
    expect(installedNamespace([...other, owned('Secret', 'maestro-db-config', 'maestro')])).toBeUndefined();
  });
});

describe('the gRPC server keeps reaching the database while agents move', () => {
  it('adds the conductor peer to the database NetworkPolicy of an mqtt render', () => {
    const objects = renderMaestro(renderInput({ spec: { transport: 'mqtt' } })).objects;
    const policy = (list: typeof objects) =>
      JSON.stringify(
        list.find((o) => o.object.kind === 'NetworkPolicy' && o.object.metadata.name === 'maestro-db')
          ?.object,
      );
    expect(policy(objects)).not.toContain('cluster-manager-grpc-server');
    const kept = withConductorDatabaseAccess(objects);
    expect(policy(kept)).toContain('cluster-manager-grpc-server');
    // Idempotent, and the grpc render already has it.
    expect(policy(withConductorDatabaseAccess(kept))).toBe(policy(kept));
    const grpc = renderMaestro(renderInput()).objects;
    expect(policy(withConductorDatabaseAccess(grpc))).toBe(policy(grpc));
  });
});

describe('legacy add-on', () => {
  it('says what was found and what to do', () => {
    expect(legacyAddonCondition({ served: true, present: true })).toMatchObject({
      status: 'True',
      reason: 'AddonPresent',
    });
    expect(legacyAddonCondition({ served: false, present: false }).message).toContain('not served');
  });

  it('refuses only a namespace holding the add-on Helm release Secret', () => {
    const spec = maestroSpecSchema.parse({});
    const secret = (annotations: Record<string, string>) => ({
      ...obj('Secret', 'maestro-db-config', 'maestro'),
      metadata: { name: 'maestro-db-config', annotations },
    });
    expect(
      legacyAddonNamespaceConflict(spec, secret({ 'meta.helm.sh/release-name': 'maestro-addon' }))?.field,
    ).toBe('spec.namespace');
    expect(legacyAddonNamespaceConflict(spec, secret({}))).toBeUndefined();
    expect(legacyAddonNamespaceConflict(spec, undefined)).toBeUndefined();
  });
});

describe('trimObject', () => {
  it('drops managedFields and kubectl last-applied', () => {
    const o = trimObject({
      ...obj('ConfigMap', 'x', 'ns'),
      metadata: {
        name: 'x',
        managedFields: [{}],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'y' },
      },
    });
    expect(o.metadata).toEqual({ name: 'x', annotations: { keep: 'y' } });
  });
});
