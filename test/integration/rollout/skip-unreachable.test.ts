/**
 * Klusterlet and transport rollouts leave out clusters the import controller does not re-render:
 * those with auto-import disabled and those in Hosted mode. They are counted as skipped and named
 * with the reason, and the rollout finishes instead of waiting for them forever.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DISABLE_AUTO_IMPORT_ANNOTATION,
  KLUSTERLET_CONFIG_ANNOTATION,
  KLUSTERLET_DEPLOY_MODE_ANNOTATION,
} from '../../../src/api/upstream/ocm.js';
import { eventually } from '../../harness/eventually.js';
import {
  createPlacement,
  createRollout,
  rolloutStatus,
  startRolloutEnv,
  type RolloutEnv,
} from './helpers.js';

const NS = 'fleet-ops';

describe('clusters a klusterlet change cannot reach', () => {
  let env: RolloutEnv;
  const mcRef = (name: string) => ({
    apiVersion: 'cluster.open-cluster-management.io/v1',
    kind: 'ManagedCluster',
    name,
  });

  beforeAll(async () => {
    env = await startRolloutEnv({ clusters: 6 });
    await env.fleet.bindNamespace(NS, ['default']);
    const [frozen, hosted] = env.fleet.names;
    await env.client.patch(
      mcRef(frozen ?? ''),
      { metadata: { annotations: { [DISABLE_AUTO_IMPORT_ANNOTATION]: '' } } },
      'merge',
    );
    await env.client.patch(
      mcRef(hosted ?? ''),
      { metadata: { annotations: { [KLUSTERLET_DEPLOY_MODE_ANNOTATION]: 'Hosted' } } },
      'merge',
    );
    await createPlacement(env.client, NS, 'all', 3);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('skips them with their reason and a count, and finishes with the others', async () => {
    const [frozen, hosted, ...others] = env.fleet.names;
    await createRollout(env.client, NS, 'klusterlet-2-17-1', {
      target: {
        klusterlet: {
          version: '2.17.1',
          images: {
            registrationOperator: 'quay.io/stolostron/registration-operator:2.17.1',
            registration: 'quay.io/stolostron/registration:2.17.1',
            work: 'quay.io/stolostron/work:2.17.1',
          },
        },
      },
      placementRef: { name: 'all' },
      rolloutStrategy: { type: 'All' },
      versionSkewPolicy: { allowNewerThanHub: true },
    });
    await eventually(
      async () => expect((await rolloutStatus(env.client, NS, 'klusterlet-2-17-1'))?.phase).toBe('Succeeded'),
      { timeout: 60_000, message: 'the rollout to finish without the two clusters' },
    );
    const status = await rolloutStatus(env.client, NS, 'klusterlet-2-17-1');
    expect(status?.counts?.skipped).toBe(2);
    expect(status?.counts?.succeeded).toBe(others.length);
    const check = status?.conditions?.find((c) => c.type === 'PreflightChecksPassed');
    expect(check?.message).toContain(`auto-import is disabled (${DISABLE_AUTO_IMPORT_ANNOTATION})`);
    expect(check?.message).toContain(frozen);
    expect(check?.message).toContain('Hosted mode');
    expect(check?.message).toContain(hosted);
    // Nothing was written to the skipped clusters.
    for (const name of [frozen, hosted]) {
      const mc = await env.client.get(mcRef(name ?? ''));
      expect(mc?.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION]).toBeUndefined();
    }
  });
});
