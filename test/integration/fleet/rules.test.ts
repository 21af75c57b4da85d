/**
 * The upstream rules the simulator reproduces, as pure functions (no control plane): the import
 * controller's image rewrite and KlusterletConfig merge, the work agent's JSONPath feedback, the
 * add-on framework's spec hash, and the placement controller's group length.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  configSpecHash,
  feedbackValue,
  imageOverride,
  mergeKlusterletConfigs,
  rewriteImage,
} from '../../harness/fleet/index.js';
import { groupLength } from '../../harness/fleet/placement-schedule.js';

describe('image rewrite (import controller imageOverride)', () => {
  it.each([
    ['quay.io/a', 'mirror.io/b', 'quay.io/a/registration:2.17', 'mirror.io/b/registration:2.17'],
    ['quay.io/a/', 'mirror.io/b/', 'quay.io/a/registration:2.17', 'mirror.io/b/registration:2.17'],
    ['', 'mirror.io/b', 'quay.io/a/x/registration@sha256:1', 'mirror.io/b/registration@sha256:1'],
    ['', '', 'quay.io/a/registration:1', 'registration:1'],
    ['other.io', 'mirror.io', 'quay.io/a/registration:1', 'quay.io/a/registration:1'],
    // A plain string prefix: registration also matches registration-operator.
    ['quay.io/a/registration', 'm.io/r', 'quay.io/a/registration-operator:1', 'm.io/r-operator:1'],
    ['quay.io/a/registration:1', 'm.io/pinned:9', 'quay.io/a/registration:1', 'm.io/pinned:9'],
  ])('source %s mirror %s: %s → %s', (source, mirror, image, out) => {
    expect(imageOverride(source, mirror, image)).toBe(out);
  });

  it('applies every entry to the original image; the last one that changes it wins', () => {
    const image = 'quay.io/a/registration-operator:1';
    const registries = [
      { source: 'quay.io/a', mirror: 'mirror.io/a' },
      { source: image, mirror: 'quay.io/a/registration-operator:0.9' },
      { source: 'nomatch.io', mirror: 'x.io' },
    ];
    expect(rewriteImage(image, registries)).toBe('quay.io/a/registration-operator:0.9');
    expect(rewriteImage(image, [registries[1] ?? { mirror: '' }, registries[0] ?? { mirror: '' }])).toBe(
      'mirror.io/a/registration-operator:1',
    );
  });

  it("replaces global's registries with a cluster config's list, and keeps global's otherwise", () => {
    const global = {
      apiVersion: '',
      kind: '',
      metadata: {},
      spec: { registries: [{ source: 'a', mirror: 'b' }] },
    };
    const own = {
      apiVersion: '',
      kind: '',
      metadata: {},
      spec: { registrationDriver: { authType: 'grpc' } },
    };
    expect(mergeKlusterletConfigs(global, own)).toEqual({
      registries: [{ source: 'a', mirror: 'b' }],
      registrationDriver: { authType: 'grpc' },
    });
    const pinned = { ...own, spec: { registries: [{ source: 'c', mirror: 'd' }] } };
    expect(mergeKlusterletConfigs(global, pinned).registries).toEqual([{ source: 'c', mirror: 'd' }]);
  });
});

describe('JSONPath feedback (work agent getValueByJsonPath)', () => {
  const obj = {
    metadata: { generation: 3, labels: { 'app.kubernetes.io/name': 'klusterlet' } },
    spec: {
      template: { spec: { containers: [{ image: 'a:1' }, { image: 'b:2' }] } },
      paused: false,
      ratio: 0.5,
    },
    status: {
      conditions: [
        { type: 'Progressing', status: 'True' },
        { type: 'Available', status: 'False' },
      ],
    },
  };

  it.each([
    ['.metadata.generation', { type: 'Integer', integer: 3 }],
    ['.spec.template.spec.containers[0].image', { type: 'String', string: 'a:1' }],
    ['.spec.template.spec.containers[-1].image', { type: 'String', string: 'b:2' }],
    ['.status.conditions[?(@.type=="Available")].status', { type: 'String', string: 'False' }],
    ["{.status.conditions[?(@.type=='Progressing')].status}", { type: 'String', string: 'True' }],
    ['.spec.paused', { type: 'Boolean', boolean: false }],
    ['.metadata.labels.app\\.kubernetes\\.io/name', { type: 'String', string: 'klusterlet' }],
    [".metadata.labels['app.kubernetes.io/name']", { type: 'String', string: 'klusterlet' }],
    ['.status.observedGeneration', undefined],
    ['.status.conditions[?(@.type=="Degraded")].status', undefined],
  ])('%s', (path, value) => {
    expect(feedbackValue(path, obj)).toEqual(value);
  });

  it.each(['.spec.template.spec.containers[*].image', '.spec.template', '.spec.ratio'])(
    '%s is not a reportable scalar',
    (path) => {
      expect(() => feedbackValue(path, obj)).toThrow();
    },
  );
});

describe('config spec hash (addon-framework GetSpecHash)', () => {
  it('hashes Go JSON of everything but apiVersion, kind, metadata and status', () => {
    const config = {
      apiVersion: 'addon.open-cluster-management.io/v1alpha1',
      kind: 'AddOnDeploymentConfig',
      metadata: { name: 'x', resourceVersion: '9' },
      spec: { registries: [{ source: 'a', mirror: 'b<&>' }], agentInstallNamespace: 'ns' },
      status: { ignored: true },
    };
    const goJson =
      '{"spec":{"agentInstallNamespace":"ns","registries":[{"mirror":"b\\u003c\\u0026\\u003e","source":"a"}]}}';
    expect(configSpecHash(config)).toBe(createHash('sha256').update(goJson).digest('hex'));
  });
});

describe('decision group length (placement calculateLength)', () => {
  it.each([
    [undefined, 250, 250],
    [60, 250, 60],
    ['25%', 250, 63],
    ['100%', 7, 7],
    [300, 250, 250],
    [0, 250, 250],
  ])('%s of %i clusters is %i', (value, total, length) => {
    expect(groupLength(value, total)).toBe(length);
  });

  it('rejects a number written as a string, as the Go IntOrString does', () => {
    expect(() => groupLength('5', 10)).toThrow('not a percentage');
  });
});
