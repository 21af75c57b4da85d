/**
 * The simulated managedcluster-import-controller on its own, beside the real OCM hub: MCE's import
 * controller cannot be built here (the module proxy does not serve it, see docs/testing.md), so
 * this keeps `<cluster>-klusterlet` rendered from the hub images and each cluster's KlusterletConfig
 * exactly as the fleet simulator does, and the real work agents deliver it.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../../src/runtime/client/kube-client.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { AgentPolicy } from './agents.js';
import { Audit } from './audit.js';
import { allInformers, createInformers, createOrGet, type FleetContext } from './context.js';
import { importController } from './import-controller.js';
import { WritePool, WrittenCache } from './pool.js';
import { importControllerDeployment } from './setup.js';
import { SpokeFleet } from './spoke.js';
import type { BootstrapContent } from './klusterlet-render.js';
import type { HubImages } from './types.js';

export interface ImportControllerOptions {
  kubeConfig: KubeConfig;
  /** The hub's agent images, as MCE puts them in the import controller's env. */
  images: HubImages;
  hubNamespace?: string;
  /** Keep each cluster's bootstrap Secret in its klusterlet work too, as the import controller does. */
  bootstrap?: BootstrapContent;
}

/** Creates the import controller Deployment (the hub images) and runs the simulated controller. */
export async function startImportController(
  opts: ImportControllerOptions,
): Promise<{ stop(): Promise<void> }> {
  const client = new KubeClient({
    kubeConfig: opts.kubeConfig,
    qps: 100,
    burst: 200,
    userAgent: 'import-controller',
  });
  const hubNamespace = opts.hubNamespace ?? 'multicluster-engine';
  const ctx: FleetContext = {
    client,
    pool: new WritePool(8),
    written: new WrittenCache(),
    informers: createInformers(client, hubNamespace, silentLogger),
    policy: new AgentPolicy(),
    spokes: new SpokeFleet(),
    audit: new Audit(),
    log: silentLogger,
    hubNamespace,
  };
  await createOrGet(ctx, 'setup:namespace', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: hubNamespace },
  });
  await createOrGet(ctx, 'setup:import-controller', importControllerDeployment(hubNamespace, opts.images));
  const controller = importController(ctx, opts.bootstrap);
  const informers = allInformers(ctx.informers);
  informers.forEach((i) => i.start());
  await Promise.all(informers.map((i) => i.waitForSync()));
  void controller.start();
  ctx.policy.settled = true;
  return {
    async stop() {
      await controller.stop({ drain: false, timeoutMs: 2_000 });
      await Promise.all(informers.map((i) => i.stop()));
      client.close();
    },
  };
}
