/** The ClustersNeedAction condition: which started clusters wait for an admin, and for what. */
import { describe, expect, it } from '@jest/globals';
import { clusterHealth } from '../../../../src/controllers/rollout/drivers/cluster-health.js';
import {
  awaitsGrpcStep,
  GRPC_REREGISTRATION_STEP,
  notRegisteredOverGrpc,
} from '../../../../src/controllers/rollout/drivers/transport.js';
import { needsActionCondition } from '../../../../src/controllers/rollout/status.js';

describe('needsActionCondition', () => {
  it('is False when no cluster waits for an admin', () => {
    expect(needsActionCondition(new Map())).toEqual({
      type: 'ClustersNeedAction',
      status: 'False',
      reason: 'AsExpected',
      message: 'no cluster waits for an admin',
    });
  });

  it('names each step with its count and its first ten clusters by name', () => {
    const many = Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}`).reverse();
    const c = needsActionCondition(
      new Map([
        [GRPC_REREGISTRATION_STEP, many],
        ['another step', ['z', 'a']],
      ]),
    );
    expect(c).toMatchObject({ type: 'ClustersNeedAction', status: 'True', reason: 'AdminActionNeeded' });
    expect(c.message).toBe(
      '2 cluster(s) (a, z): another step; ' +
        `12 cluster(s) (c00, c01, c02, c03, c04, c05, c06, c07, c08, c09, and 2 more): ${GRPC_REREGISTRATION_STEP}`,
    );
  });
});

describe('notRegisteredOverGrpc', () => {
  const switchedAt = Date.parse('2026-12-05T10:00:00.700Z');

  it('is null once a gRPC certificate was signed since the switch (CSR times are whole seconds)', () => {
    expect(notRegisteredOverGrpc(Date.parse('2026-12-05T10:00:00Z'), switchedAt)).toBeNull();
    expect(notRegisteredOverGrpc(Date.parse('2026-12-05T10:05:00Z'), switchedAt)).toBeNull();
  });

  it('names the step when none was, or only before the switch', () => {
    for (const last of [null, Date.parse('2026-12-05T09:59:59Z')])
      expect(notRegisteredOverGrpc(last, switchedAt)).toBe(
        `not registered over gRPC since 2026-12-05T10:00:00.700Z: ${GRPC_REREGISTRATION_STEP}`,
      );
  });
});

describe('awaitsGrpcStep', () => {
  const startedAt = Date.parse('2026-12-05T10:00:00.700Z');
  const downAt = Date.parse('2026-12-05T10:00:20Z');
  const before = Date.parse('2026-12-05T09:00:00Z');
  const waits = `not registered over gRPC since 2026-12-05T10:00:00.700Z: ${GRPC_REREGISTRATION_STEP}`;

  it('names the step for a cluster down and not registered over gRPC, whether or not its agent reported the re-render', () => {
    for (const applied of [true, false])
      expect(awaitsGrpcStep({ applied, unhealthySince: downAt, startedAt, lastRegistration: null })).toBe(
        waits,
      );
  });

  it('does not, while the cluster is healthy or once it registered over gRPC', () => {
    expect(
      awaitsGrpcStep({ applied: true, unhealthySince: null, startedAt, lastRegistration: null }),
    ).toBeNull();
    expect(
      awaitsGrpcStep({ applied: true, unhealthySince: downAt, startedAt, lastRegistration: downAt + 5_000 }),
    ).toBeNull();
  });

  it('without the report, only for a cluster that went down after the switch began', () => {
    expect(
      awaitsGrpcStep({ applied: false, unhealthySince: before, startedAt, lastRegistration: null }),
    ).toBeNull();
    expect(awaitsGrpcStep({ applied: true, unhealthySince: before, startedAt, lastRegistration: null })).toBe(
      waits,
    );
  });
});

describe('clusterHealth(…).unhealthySince', () => {
  const mc = (status: string, lastTransitionTime: string) =>
    ({
      apiVersion: 'cluster.open-cluster-management.io/v1',
      kind: 'ManagedCluster',
      metadata: { name: 'c1' },
      status: { conditions: [{ type: 'ManagedClusterConditionAvailable', status, lastTransitionTime }] },
    }) as never;

  it("is the Available condition's last transition while it is not True, null while it is", () => {
    expect(clusterHealth(mc('Unknown', '2026-12-05T10:00:20Z')).unhealthySince).toBe(
      Date.parse('2026-12-05T10:00:20Z'),
    );
    expect(clusterHealth(mc('False', '2026-12-05T10:00:21Z')).unhealthySince).toBe(
      Date.parse('2026-12-05T10:00:21Z'),
    );
    expect(clusterHealth(mc('True', '2026-12-05T10:00:22Z')).unhealthySince).toBeNull();
  });

  it('is "long ago" for a cluster without the condition, or without its ManagedCluster', () => {
    expect(clusterHealth(undefined).unhealthySince).toBe(0);
  });
});
