import { describe, expect, it } from '@jest/globals';
import {
  coexistence,
  EXTERNALLY_MANAGED_ANNOTATION,
  externallyManagedComponents,
  mceManagesMaestro,
} from '../../../src/api/upstream/mce-coexistence.js';
import {
  MAESTRO_ENABLED_ANNOTATION,
  maestroToggle,
  multiClusterEngineSchema,
  type MultiClusterEngine,
} from '../../../src/api/upstream/mce.js';

function mce(opts: {
  version?: string;
  annotations?: Record<string, string>;
  components?: { name: string; enabled: boolean }[];
}): MultiClusterEngine {
  return multiClusterEngineSchema.parse({
    apiVersion: 'multicluster.openshift.io/v1',
    kind: 'MultiClusterEngine',
    metadata: { name: 'multiclusterengine', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: { overrides: { components: opts.components ?? [] } },
    ...(opts.version ? { status: { currentVersion: opts.version } } : {}),
  });
}
const handedOver = (list: string[]) => ({ [EXTERNALLY_MANAGED_ANNOTATION]: JSON.stringify(list) });

describe('MCE coexistence', () => {
  it.each([
    [undefined, false],
    ['2.11.0', false],
    ['2.16.3', false],
    ['2.17.0', true],
    ['2.17.1-rc.1', true],
    ['5.0.0', true],
    ['5.2.1', true],
    ['garbage', false],
  ])('MCE %s reconciles maestro-preview: %s', (version, manages) => {
    expect(mceManagesMaestro(mce({ version }))).toBe(manages);
  });

  it('waits on 2.17+ until maestro-preview is externally managed, and says the command', () => {
    const blocked = coexistence(mce({ version: '2.17.0', annotations: handedOver(['hypershift']) }));
    expect(blocked.ok).toBe(false);
    expect(blocked.ok ? '' : blocked.message).toContain(
      `oc annotate mce multiclusterengine --overwrite ${EXTERNALLY_MANAGED_ANNOTATION}='["hypershift","maestro-preview"]'`,
    );
    expect(coexistence(mce({ version: '5.1.0', annotations: handedOver(['maestro-preview']) }))).toEqual({
      ok: true,
    });
    expect(coexistence(mce({ version: '2.11.0' }))).toEqual({ ok: true });
  });

  it('reads the externally-managed list as MCE does (bad JSON is an empty list)', () => {
    expect(
      externallyManagedComponents(mce({ annotations: { [EXTERNALLY_MANAGED_ANNOTATION]: '[oops' } })),
    ).toEqual([]);
    expect(externallyManagedComponents(mce({ annotations: handedOver(['a', 'maestro-preview']) }))).toEqual([
      'a',
      'maestro-preview',
    ]);
  });

  it('lets the annotation decide over maestro-preview, which MCE 5.x forces off', () => {
    const on = { [MAESTRO_ENABLED_ANNOTATION]: 'true' };
    expect(
      maestroToggle(mce({ annotations: on, components: [{ name: 'maestro-preview', enabled: false }] })),
    ).toEqual({
      enabled: true,
      decidedBy: 'annotation',
    });
    expect(
      maestroToggle(mce({ annotations: on, components: [{ name: 'maestro', enabled: false }] })),
    ).toEqual({
      enabled: false,
      decidedBy: 'maestro',
    });
    expect(maestroToggle(mce({ annotations: { [MAESTRO_ENABLED_ANNOTATION]: 'yes' } }))).toEqual({
      enabled: false,
      decidedBy: 'absent',
    });
  });
});
