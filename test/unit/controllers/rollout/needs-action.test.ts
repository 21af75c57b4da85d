/** The ClustersNeedAction condition: which started clusters wait for an admin, and for what. */
import { describe, expect, it } from '@jest/globals';
import {
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
