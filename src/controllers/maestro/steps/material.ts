/** Generated material: reuse what exists, generate only what is missing, never regenerate. */
import { generatedMaterial } from '../generated-material.js';
import { CONTINUE, need, stop, type Step } from './step.js';

export const material: Step = {
  name: 'material',
  async run(state) {
    const { world, rt, report } = state;
    const spec = need(state.spec, 'spec');
    const secrets = need(state.secrets, 'secrets');
    const result = await generatedMaterial(spec, secrets, rt.memo, world.hub, new Date(rt.clock.now()));
    if (!result.ok) {
      report.outcome = { kind: 'Blocked', enabled: true, message: result.message };
      return stop('generated material is unusable');
    }
    state.generated = result.generated;
    return CONTINUE;
  },
};
