import { describe, expect, it } from '@jest/globals';
import {
  hubNetworkPoliciesEnabled,
  registrationAuthTypes,
  clusterManagerSchema,
} from '../../../src/api/upstream/clustermanager.js';
import {
  maestroComponentEnabled,
  maestroToggle,
  type MultiClusterEngine,
  multiClusterEngineSchema,
  operandTolerations,
  replicasForAvailability,
} from '../../../src/api/upstream/mce.js';
import { mceSettingsFrom } from '../../../src/controllers/maestro/render/index.js';

function mce(spec: NonNullable<MultiClusterEngine['spec']>): MultiClusterEngine {
  return multiClusterEngineSchema.parse({
    apiVersion: 'multicluster.openshift.io/v1',
    kind: 'MultiClusterEngine',
    metadata: { name: 'multiclusterengine', uid: 'u' },
    spec,
  });
}

const withComponents = (components: { name: string; enabled?: boolean }[]) =>
  mce({ overrides: { components } });

describe('maestroComponentEnabled', () => {
  it.each([
    { components: [], enabled: false, decidedBy: 'absent' },
    { components: [{ name: 'maestro', enabled: true }], enabled: true, decidedBy: 'maestro' },
    { components: [{ name: 'maestro-preview', enabled: true }], enabled: true, decidedBy: 'maestro-preview' },
    {
      components: [{ name: 'maestro-preview', enabled: false }],
      enabled: false,
      decidedBy: 'maestro-preview',
    },
    {
      components: [
        { name: 'maestro-preview', enabled: true },
        { name: 'maestro', enabled: false },
      ],
      enabled: false,
      decidedBy: 'maestro',
    },
    {
      components: [
        { name: 'maestro', enabled: true },
        { name: 'maestro-preview', enabled: false },
      ],
      enabled: true,
      decidedBy: 'maestro',
    },
    { components: [{ name: 'maestro' }], enabled: false, decidedBy: 'maestro' },
    { components: [{ name: 'hive', enabled: true }], enabled: false, decidedBy: 'absent' },
  ])('$components -> $enabled ($decidedBy)', ({ components, enabled, decidedBy }) => {
    expect(maestroToggle(withComponents(components))).toEqual({ enabled, decidedBy });
    expect(maestroComponentEnabled(withComponents(components))).toBe(enabled);
  });

  it('keeps unknown MCE fields (loose parsing)', () => {
    const parsed = multiClusterEngineSchema.parse({
      apiVersion: 'multicluster.openshift.io/v1',
      kind: 'MultiClusterEngine',
      metadata: { name: 'm' },
      spec: { localClusterName: 'local-cluster' },
      status: { phase: 'Available' },
    });
    expect(parsed).toHaveProperty('status.phase', 'Available');
  });
});

describe('replicasForAvailability', () => {
  it.each([
    ['Basic', 1],
    ['High', 2],
    [undefined, 2],
    ['', 2],
    ['basic', 2],
  ] as const)('%s -> %i', (availabilityConfig, replicas) => {
    expect(replicasForAvailability(mce(availabilityConfig === undefined ? {} : { availabilityConfig }))).toBe(
      replicas,
    );
  });
});

describe('operand scheduling from the MCE', () => {
  it("uses MCE's default tolerations when the MCE sets none", () => {
    expect(operandTolerations(mce({}))).toEqual([
      { key: 'node-role.kubernetes.io/infra', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    const own = [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute' }];
    expect(operandTolerations(mce({ tolerations: own }))).toEqual(own);
  });

  it('normalizes the MCE for render', () => {
    const settings = mceSettingsFrom(
      mce({
        availabilityConfig: 'Basic',
        nodeSelector: { a: 'b' },
        overrides: { imagePullPolicy: 'Always' },
      }),
    );
    expect(settings).toMatchObject({
      name: 'multiclusterengine',
      uid: 'u',
      replicas: 1,
      nodeSelector: { a: 'b' },
      imagePullPolicy: 'Always',
    });
    expect(mceSettingsFrom(mce({ overrides: { imagePullPolicy: 'Sometimes' } })).imagePullPolicy).toBe(
      'IfNotPresent',
    );
  });
});

describe('ClusterManager helpers', () => {
  const cm = (spec: unknown) =>
    clusterManagerSchema.parse({
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'ClusterManager',
      metadata: { name: 'cluster-manager' },
      spec,
    });

  it('reads registration auth types, defaulting a missing authType to csr', () => {
    expect(
      registrationAuthTypes(
        cm({ registrationConfiguration: { registrationDrivers: [{}, { authType: 'grpc' }] } }),
      ),
    ).toEqual(['csr', 'grpc']);
    expect(registrationAuthTypes(undefined)).toEqual([]);
  });

  it('detects the NetworkPolicies operator gate', () => {
    expect(hubNetworkPoliciesEnabled(cm({}))).toBe(false);
    expect(
      hubNetworkPoliciesEnabled(
        cm({ registrationConfiguration: { featureGates: [{ feature: 'NetworkPolicies', mode: 'Enable' }] } }),
      ),
    ).toBe(true);
    expect(
      hubNetworkPoliciesEnabled(
        cm({ registrationConfiguration: { featureGates: [{ feature: 'NetworkPolicies' }] } }),
      ),
    ).toBe(false);
  });
});
