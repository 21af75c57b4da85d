/** The klusterlet version the cluster list shows is the observed one where the hub can see it. */
import { describe, expect, it } from '@jest/globals';
import type { VersionPin } from '../../../src/controllers/rollout/derived-config.js';
import { observedKlusterletVersion } from '../../../src/console/server/klusterlet-version.js';

const images = (tag: string) => ({
  registration: `quay.io/stolostron/registration:${tag}`,
  work: `quay.io/stolostron/work:${tag}`,
  registrationOperator: `quay.io/stolostron/registration-operator:${tag}`,
});
const pin: VersionPin = { version: '2.17.1', images: images('2.17.1'), hubImages: images('2.17.0') };
const shows = (tag: string) => new Map([['registrationImage', images(tag).registration]]);
const none = new Map<string, string>();

describe('observedKlusterletVersion', () => {
  it('is the pin whose images the agent shows', () => {
    expect(observedKlusterletVersion({ pin, hubVersion: '2.17.0', feedback: shows('2.17.1') })).toEqual({
      version: '2.17.1',
      source: 'observed',
    });
  });

  it("is the hub's version while the agent still shows the hub's images under a new pin", () => {
    expect(observedKlusterletVersion({ pin, hubVersion: '2.17.0', feedback: shows('2.17.0') })).toEqual({
      version: '2.17.0',
      source: 'observed',
    });
  });

  it('is unknown while the agent shows images of neither', () => {
    expect(observedKlusterletVersion({ pin, hubVersion: '2.17.0', feedback: shows('2.16.3') })).toBeUndefined();
  });

  it('is what the hub renders, marked so, where no observer work reports the images', () => {
    expect(observedKlusterletVersion({ pin, hubVersion: '2.17.0', feedback: none })).toEqual({
      version: '2.17.1',
      source: 'rendered',
    });
    expect(observedKlusterletVersion({ pin: null, hubVersion: '2.17.0', feedback: none })).toEqual({
      version: '2.17.0',
      source: 'rendered',
    });
    expect(observedKlusterletVersion({ pin: null, hubVersion: undefined, feedback: none })).toBeUndefined();
  });
});
