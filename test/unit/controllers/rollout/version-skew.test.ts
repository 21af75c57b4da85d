import { describe, expect, it } from '@jest/globals';
import { versionSkewViolations } from '../../../../src/controllers/rollout/version-skew.js';
import { skewOf } from '../../../../src/controllers/rollout/version-skew-gauge.js';

const policy = { maxMinorBehindHub: 2, allowNewerThanHub: false, allowDowngrade: false };

describe('version skew with semver ordering', () => {
  it('orders pre-releases before their release', () => {
    // A release candidate of the hub's own version is older than the hub, not equal to it.
    expect(versionSkewViolations('2.17.0-rc.1', '2.17.0', [], policy)).toEqual([]);
    // Moving clusters from 2.17.0 to its release candidate is a downgrade.
    expect(versionSkewViolations('2.17.0-rc.1', '2.17.0', ['2.17.0'], policy)).toEqual([
      'target 2.17.0-rc.1 would downgrade clusters running 2.17.0',
    ]);
    // And a release candidate of the next version is newer than the hub.
    expect(versionSkewViolations('2.18.0-rc.1', '2.17.0', [], policy)).toEqual([
      'target 2.18.0-rc.1 is newer than the hub (2.17.0)',
    ]);
    expect(versionSkewViolations('2.17.0-rc.2', '2.17.0', ['2.17.0-rc.1'], policy)).toEqual([]);
  });

  it('accepts a leading v and rejects what is not a version, naming the field', () => {
    expect(versionSkewViolations('v2.17.1', '2.17.0', [], { ...policy, allowNewerThanHub: true })).toEqual(
      [],
    );
    for (const bad of ['2.17', 'latest', '2.17.1.4', '']) {
      expect(versionSkewViolations(bad, '2.17.0', [], policy)).toEqual([
        `spec.target.klusterlet.version: "${bad}" is not a semantic version (e.g. 2.17.1)`,
      ]);
    }
  });

  it('measures the minor skew the gauge reports', () => {
    expect(
      skewOf(
        '2.17.0',
        new Map([
          ['2.15.3', 4],
          ['2.17.0-rc.1', 1],
          ['not-a-version', 2],
        ]),
      ),
    ).toBe(2);
  });
});
