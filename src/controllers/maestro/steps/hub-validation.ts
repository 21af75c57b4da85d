/**
 * The settings against the hub: the Secrets the spec names, the images, the ClusterManager, and a
 * namespace the legacy maestro-addon occupies. Any problem stops here, nothing changed.
 */
import { externalSecrets } from '../generated-material.js';
import { legacyAddonNamespaceConflict } from '../legacy-addon.js';
import { names, validateMaestroSettings } from '../render/index.js';
import { CONTINUE, need, stop, type Step } from './step.js';

export const hubValidation: Step = {
  name: 'hub-validation',
  run(state) {
    const { world, rt, report } = state;
    const spec = need(state.spec, 'spec');
    const secrets = need(state.secrets, 'secrets');
    const external = externalSecrets(spec, secrets);
    const errors = validateMaestroSettings({
      spec,
      images: rt.images,
      external,
      capabilities: world.hub.capabilities,
      clusterIngressDomain: world.hub.ingressDomain,
      clusterManager: world.clusterManager,
    });
    const conflict = legacyAddonNamespaceConflict(spec, secrets.get(spec.namespace, names.dbSecret));
    if (conflict) errors.push(conflict);
    if (errors.length > 0) {
      report.outcome = { kind: 'InvalidSpec', enabled: true, errors };
      return stop('the settings do not fit the hub');
    }
    state.external = external;
    return CONTINUE;
  },
};
