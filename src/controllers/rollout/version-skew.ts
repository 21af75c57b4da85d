/**
 * The klusterlet version-skew policy, checked before a klusterlet rollout starts: the target may
 * not be newer than the hub, may be at most N minors behind it, and may not be older than what
 * clusters run now except through a rollback. Semantic versions as the `semver` package orders
 * them (the package operators in this ecosystem use): `2.17.0-rc.1` comes before `2.17.0`; a
 * leading `v` is accepted.
 */
import { compare, parse, type SemVer } from 'semver';
import type { VersionSkewPolicy } from '../../api/agentrollout.js';

/** The parsed version, or null when `v` is not a semantic version. */
export function parseSemver(v: string): SemVer | null {
  return parse(v.trim());
}

/** Minor versions from `older` up to `newer` (across majors, counting each major as 100 minors). */
export function minorDistance(newer: SemVer, older: SemVer): number {
  return (newer.major - older.major) * 100 + (newer.minor - older.minor);
}

/**
 * The reasons `target` breaks the policy against `hub` and the versions clusters run now
 * (`current`: one entry per distinct version); empty when it complies.
 */
export function versionSkewViolations(
  target: string,
  hub: string | undefined,
  current: readonly string[],
  policy: VersionSkewPolicy,
): string[] {
  const t = parseSemver(target);
  if (!t) return [`spec.target.klusterlet.version: "${target}" is not a semantic version (e.g. 2.17.1)`];
  const problems: string[] = [];
  const h = hub ? parseSemver(hub) : null;
  if (h) {
    if (!policy.allowNewerThanHub && compare(t, h) > 0) {
      problems.push(`target ${target} is newer than the hub (${hub})`);
    }
    const behind = minorDistance(h, t);
    if (behind > policy.maxMinorBehindHub) {
      problems.push(
        `target ${target} is ${behind} minor versions behind the hub (${hub}); at most ${policy.maxMinorBehindHub} allowed`,
      );
    }
  }
  if (!policy.allowDowngrade) {
    for (const v of current) {
      const c = parseSemver(v);
      if (c && compare(t, c) < 0) problems.push(`target ${target} would downgrade clusters running ${v}`);
    }
  }
  return problems;
}
