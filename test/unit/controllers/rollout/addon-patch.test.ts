import { describe, expect, it } from '@jest/globals';
import { configsPatch, configProgress } from '../../../../src/controllers/rollout/drivers/addon.js';
import { ADDON_API_VERSION, type ManagedClusterAddOn } from '../../../../src/api/upstream/ocm.js';

const mca = (
  spec: ManagedClusterAddOn['spec'],
  annotations?: Record<string, string>,
): ManagedClusterAddOn => ({
  apiVersion: ADDON_API_VERSION,
  kind: 'ManagedClusterAddOn',
  metadata: { name: 'msa', namespace: 'c1', ...(annotations ? { annotations } : {}) },
  ...(spec ? { spec } : {}),
});
const adc = (name: string) => ({
  group: 'addon.open-cluster-management.io',
  resource: 'addondeploymentconfigs',
  namespace: 'mce',
  name,
});

describe('ManagedClusterAddOn configs patch', () => {
  it('replaces the list only if it still holds what was read, and sets the record', () => {
    expect(
      configsPatch(mca({ configs: [adc('v1')] }, { a: 'b' }), [adc('v2')], 'rollout.x/addon', '{}'),
    ).toEqual([
      { op: 'test', path: '/spec/configs', value: [adc('v1')] },
      { op: 'replace', path: '/spec/configs', value: [adc('v2')] },
      { op: 'add', path: '/metadata/annotations/rollout.x~1addon', value: '{}' },
    ]);
  });

  it('creates the list and the annotation map when they do not exist', () => {
    expect(configsPatch(mca(undefined), [adc('v2')], 'k', 'v')).toEqual([
      { op: 'add', path: '/spec', value: { configs: [adc('v2')] } },
      { op: 'add', path: '/metadata/annotations', value: { k: 'v' } },
    ]);
    expect(configsPatch(mca({}), [adc('v2')], 'k', 'v')[0]).toEqual({
      op: 'add',
      path: '/spec/configs',
      value: [adc('v2')],
    });
  });
});

describe('add-on progress as the addon-manager reports it', () => {
  const ref = {
    group: 'addon.open-cluster-management.io',
    resource: 'addondeploymentconfigs',
    namespace: 'mce',
    name: 'msa-2',
  };
  const withStatus = (
    desired: string,
    applied: string | undefined,
    reason: string,
    status = 'False',
  ): ManagedClusterAddOn => ({
    ...mca({ configs: [adc(desired)] }),
    status: {
      conditions: [{ type: 'Progressing', status, reason, lastTransitionTime: '2026-01-01T00:00:10Z' }],
      configReferences: [
        {
          group: ref.group,
          resource: ref.resource,
          desiredConfig: { namespace: 'mce', name: desired, specHash: 'h' },
          ...(applied ? { lastAppliedConfig: { namespace: 'mce', name: applied, specHash: 'h' } } : {}),
        },
      ],
    },
  });

  it('is done when desired is the target, applied equals it and Progressing completed', () => {
    expect(configProgress(withStatus('msa-2', 'msa-2', 'Completed'), ref, 'mce/msa-2')).toMatchObject({
      done: true,
      failed: false,
      completedAt: Date.parse('2026-01-01T00:00:10Z'),
    });
  });

  it('is not done while applying, and failed when Progressing says so', () => {
    expect(configProgress(withStatus('msa-2', 'msa-1', 'Progressing', 'True'), ref, 'mce/msa-2').done).toBe(
      false,
    );
    expect(configProgress(withStatus('msa-1', 'msa-1', 'Completed'), ref, 'mce/msa-2').done).toBe(false);
    expect(configProgress(withStatus('msa-2', 'msa-1', 'Failed'), ref, 'mce/msa-2')).toMatchObject({
      done: false,
      failed: true,
    });
  });
});
