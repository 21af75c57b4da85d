/**
 * The controller's own registry check: a klusterlet rollout written while the admission policy was
 * missing (here: before the operator first started) stalls with InvalidSpec naming the image
 * field, and no cluster is touched. Once started, the operator has applied the policy, so the API
 * server refuses the same spec outright.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_ALLOWED_IMAGE_REGISTRIES } from '../../../src/api/agentrollout-admission.js';
import { KLUSTERLET_CONFIG_ANNOTATION } from '../../../src/api/upstream/ocm.js';
import { rolloutControllerFactory } from '../../../src/controllers/rollout/controller.js';
import { runOperator } from '../../../src/runtime/index.js';
import { eventually } from '../../harness/eventually.js';
import {
  createPlacement,
  createRollout,
  HUB_IMAGES,
  rolloutStatus,
  startRolloutEnv,
  type RolloutEnv,
} from './helpers.js';

const NS = 'fleet-ops';
const EVIL = {
  target: {
    klusterlet: {
      version: '2.17.1',
      images: { ...HUB_IMAGES, registration: 'evil.io/registration:2.17.1' },
    },
  },
  placementRef: { name: 'all' },
  rolloutStrategy: { type: 'All' },
};
const MESSAGE =
  'spec.target.klusterlet.images.registration: registry "evil.io" is not allowed ' +
  `(allowed: ${DEFAULT_ALLOWED_IMAGE_REGISTRIES.join(', ')})`;

describe('klusterlet images from a registry not allowed', () => {
  let env: RolloutEnv;
  const abort = new AbortController();
  let operatorDone: Promise<number> | undefined;

  beforeAll(async () => {
    env = await startRolloutEnv({ clusters: 2 }, { operator: false });
    await env.fleet.bindNamespace(NS, ['default']);
    await createPlacement(env.client, NS, 'all', 2);
    // No operator has run yet, so no admission policy: the API server takes this.
    await createRollout(env.client, NS, 'evil', EVIL);
    operatorDone = runOperator(
      [
        '--kubeconfig',
        env.operatorKubeconfig,
        '--metrics-bind-address=0',
        '--health-probe-bind-address=0',
        '--log-level=warn',
      ],
      [rolloutControllerFactory],
      { signals: false, signal: abort.signal },
    );
  }, 300_000);

  afterAll(async () => {
    abort.abort();
    await operatorDone;
    await env?.stop();
  });

  it('stalls with InvalidSpec naming the image field, and changes no cluster', async () => {
    await eventually(async () => {
      const status = await rolloutStatus(env.client, NS, 'evil');
      expect(status?.message).toBe(MESSAGE);
      expect(status?.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({
        status: 'True',
        reason: 'InvalidSpec',
      });
    });
    for (const name of env.fleet.names) {
      const mc = await env.client.get({
        apiVersion: 'cluster.open-cluster-management.io/v1',
        kind: 'ManagedCluster',
        name,
      });
      expect(mc?.metadata.annotations?.[KLUSTERLET_CONFIG_ANNOTATION]).toBeUndefined();
    }
  });

  it('is refused by the API server once the operator has applied its policy', async () => {
    let n = 0;
    await eventually(async () => {
      const created = createRollout(env.client, NS, `evil-${n++}`, EVIL).then(
        () => 'allowed',
        (err: Error) => err.message,
      );
      expect(await created).toContain(MESSAGE);
    });
  });
});
