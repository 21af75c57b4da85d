/**
 * The settings: invalid ones stop everything, nothing is pruned. Without a Maestro object they are
 * the defaults, in the namespace of the install already there (deleting the object must not move
 * Maestro away from its data).
 */
import { installedNamespace } from '../retained-data.js';
import { parseMaestroSpec } from '../render/index.js';
import { CONTINUE, need, stop, type Step } from './step.js';

export const settings: Step = {
  name: 'settings',
  run(state) {
    const { world, report } = state;
    const rawSpec = world.maestro?.spec;
    const installed = rawSpec === undefined ? installedNamespace(world.owned) : undefined;
    const parsed = parseMaestroSpec(installed ? { namespace: installed } : rawSpec);
    if (!parsed.ok) {
      report.outcome = {
        kind: 'InvalidSpec',
        enabled: need(state.toggle, 'toggle').enabled,
        errors: parsed.errors,
      };
      return stop('invalid settings');
    }
    state.spec = parsed.spec;
    return CONTINUE;
  },
};
