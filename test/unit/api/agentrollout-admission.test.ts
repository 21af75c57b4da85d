import { describe, expect, it } from '@jest/globals';
import {
  agentRolloutAdmissionObjects,
  DEFAULT_ALLOWED_IMAGE_REGISTRIES,
  disallowedImages,
  imageAllowed,
  imageRegistry,
} from '../../../src/api/agentrollout-admission.js';
import { agentRolloutSpecSchema } from '../../../src/api/agentrollout.js';
import { FlagError, parseFlags } from '../../../src/runtime/flags.js';

const images = {
  registrationOperator: 'quay.io/stolostron/registration-operator:2.17.0',
  registration: 'registry.redhat.io/multicluster-engine/registration-rhel9@sha256:' + 'a'.repeat(64),
  work: 'quay.io/open-cluster-management/work:v1.1.0',
};
const target = (imgs: Record<string, string>) =>
  agentRolloutSpecSchema.parse({
    target: { klusterlet: { version: '2.17.0', images: imgs } },
    placementRef: { name: 'all' },
  }).target;

describe('registry allow-list', () => {
  it('names where an image comes from', () => {
    expect(imageRegistry('quay.io/stolostron/registration:2.17')).toBe('quay.io/stolostron');
    expect(imageRegistry('localhost:5000/a/b@sha256:' + 'b'.repeat(64))).toBe('localhost:5000/a');
    expect(imageRegistry('nginx:1')).toBe('docker.io');
  });

  it('matches whole path segments only', () => {
    expect(imageAllowed('quay.io/stolostron/work:1', ['quay.io/stolostron'])).toBe(true);
    expect(imageAllowed('quay.io/stolostron/sub/work:1', ['quay.io/stolostron'])).toBe(true);
    expect(imageAllowed('quay.io/stolostron-evil/work:1', ['quay.io/stolostron'])).toBe(false);
    expect(imageAllowed('quay.io/stolostron:1', ['quay.io/stolostron'])).toBe(false);
    expect(imageAllowed('nginx:1', DEFAULT_ALLOWED_IMAGE_REGISTRIES)).toBe(false);
  });

  it('accepts the product registries and names every other image field', () => {
    expect(disallowedImages(target(images), DEFAULT_ALLOWED_IMAGE_REGISTRIES)).toEqual([]);
    const bad = { ...images, registration: 'evil.io/registration:2.17.0', work: 'docker.io/x/work:1' };
    expect(disallowedImages(target(bad), ['quay.io/stolostron', 'registry.redhat.io'])).toEqual([
      'spec.target.klusterlet.images.registration: registry "evil.io" is not allowed (allowed: quay.io/stolostron, registry.redhat.io)',
      'spec.target.klusterlet.images.work: registry "docker.io/x" is not allowed (allowed: quay.io/stolostron, registry.redhat.io)',
    ]);
  });

  it('leaves add-on and transport targets alone (they carry no image)', () => {
    const t = agentRolloutSpecSchema.parse({
      target: { transport: { type: 'grpc' } },
      placementRef: { name: 'all' },
    }).target;
    expect(disallowedImages(t, [])).toEqual([]);
  });
});

describe('--allowed-image-registries', () => {
  it('defaults to the product registries and reads the flag or ALLOWED_IMAGE_REGISTRIES', () => {
    expect(parseFlags([], {}).allowedImageRegistries).toEqual([...DEFAULT_ALLOWED_IMAGE_REGISTRIES]);
    expect(
      parseFlags(['--allowed-image-registries', 'registry.example.com/mirror/, quay.io/stolostron'], {})
        .allowedImageRegistries,
    ).toEqual(['registry.example.com/mirror', 'quay.io/stolostron']);
    expect(parseFlags([], { ALLOWED_IMAGE_REGISTRIES: 'r.example.com:5000' }).allowedImageRegistries).toEqual(
      ['r.example.com:5000'],
    );
  });

  it('refuses an empty or malformed entry, naming the flag', () => {
    expect(() => parseFlags(['--allowed-image-registries=quay.io/stolostron,'], {})).toThrow(FlagError);
    expect(() => parseFlags(['--allowed-image-registries=evil io'], {})).toThrow(
      '--allowed-image-registries: "evil io" is not a registry such as quay.io/stolostron',
    );
  });
});

describe('admission objects', () => {
  it('bake the allow-list and the exempt user into the policy', () => {
    const [policy, binding, setsPolicy, setsBinding] = agentRolloutAdmissionObjects({
      allowedRegistries: ['r.example.com/a'],
      exemptUsers: ['system:serviceaccount:ns:sa'],
    });
    const text = JSON.stringify(policy);
    expect(text).toContain('[\\"r.example.com/a\\"]');
    expect(text).toContain('system:serviceaccount:ns:sa');
    expect(binding?.spec).toMatchObject({ policyName: policy?.metadata.name, validationActions: ['Deny'] });
    expect(setsBinding?.spec).toMatchObject({ policyName: setsPolicy?.metadata.name });
    expect(JSON.stringify(setsPolicy)).toContain('system:serviceaccount:ns:sa');
  });
});
