import { describe, expect, it } from '@jest/globals';
import {
  maestroAvailable,
  maestroEnabled,
  recordMaestroHealth,
} from '../../../../src/controllers/maestro/metrics.js';
import type { Outcome } from '../../../../src/controllers/maestro/outcome.js';

const value = async (g: typeof maestroAvailable) => (await g.get()).values.map((v) => v.value);

describe('Maestro health metrics', () => {
  const enabled = { kind: 'Enabled' } as Outcome;
  const disabled = { kind: 'Disabled' } as Outcome;

  it('reports availability only while the component is enabled', async () => {
    recordMaestroHealth(enabled, false);
    expect(await value(maestroEnabled)).toEqual([1]);
    expect(await value(maestroAvailable)).toEqual([0]);
    recordMaestroHealth(enabled, true);
    expect(await value(maestroAvailable)).toEqual([1]);
    recordMaestroHealth(disabled, false);
    expect(await value(maestroEnabled)).toEqual([0]);
    expect(await value(maestroAvailable)).toEqual([]);
  });

  it('keeps the last availability while the settings are invalid', async () => {
    recordMaestroHealth(enabled, true);
    recordMaestroHealth({ kind: 'InvalidSpec', enabled: true, errors: [] }, false);
    expect(await value(maestroAvailable)).toEqual([1]);
    expect(await value(maestroEnabled)).toEqual([1]);
  });
});
