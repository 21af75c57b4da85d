/**
 * The operator's controllers against a real OCM hub, in this process, with the ServiceAccount and
 * generated RBAC it has in a cluster (test/harness/operator-rbac.ts).
 */
import { rolloutControllerFactory } from '../../../src/controllers/rollout/controller.js';
import { bindToDefaultSet } from '../../harness/ocm/fixtures.js';
import type { RealWorld } from '../../harness/ocm/world.js';
import { createPlacement } from '../../integration/rollout/helpers.js';
import type { ControllerFactory } from '../../../src/runtime/index.js';
import { runOperator } from '../../../src/runtime/index.js';
import { operatorKubeconfig } from '../../harness/operator-rbac.js';
import type { OcmHub } from '../../harness/ocm/hub.js';

export interface RunningOperator {
  readonly kubeconfig: string;
  stop(): Promise<void>;
}

export async function startOperator(hub: OcmHub, factories: ControllerFactory[]): Promise<RunningOperator> {
  const kubeconfig = await operatorKubeconfig(hub.cp);
  const abort = new AbortController();
  const done = runOperator(
    [
      '--kubeconfig',
      kubeconfig,
      '--metrics-bind-address=0',
      '--health-probe-bind-address=0',
      '--qps=100',
      '--burst=200',
      '--log-level=warn',
    ],
    factories,
    { signals: false, signal: abort.signal },
  );
  return {
    kubeconfig,
    async stop() {
      abort.abort();
      await done;
    },
  };
}

/**
 * What every rollout test on the real world starts from: `namespace` bound to the `default` set, a
 * Placement `all` over it with one cluster per decision group, and the rollout controllers running.
 */
export async function startRollouts(world: RealWorld, namespace: string): Promise<RunningOperator> {
  await bindToDefaultSet(world.hub.client, namespace);
  await createPlacement(world.hub.client, namespace, 'all', 1);
  return startOperator(world.hub, [rolloutControllerFactory]);
}
