/**
 * The klusterlet version-skew policy, checked before a klusterlet rollout starts: the target may
 * not be newer than the hub, may be at most N minors behind it, and may not be older than what
 * clusters run now except through a rollback. Semantic versions; pre-release tags are ignored.
 */
import type { VersionSkewPolicy } from '../../api/agentrollout.js';

export interface Semver {
  major: number;
  minor: number;
  patch: number;
}

export function parseSemver(v: string): Semver | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function compareSemver(a: Semver, b: Semver): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Minor versions from `older` up to `newer` (across majors, counting each major as 100 minors). */
function minorDistance(newer: Semver, older: Semver): number {
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
  if (!t) return [`target version "${target}" is not a semantic version`];
  const problems: string[] = [];
  const h = hub ? parseSemver(hub) : null;
  if (h) {
    if (!policy.allowNewerThanHub && compareSemver(t, h) > 0) {
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
      if (c && compareSemver(t, c) < 0)
        problems.push(`target ${target} would downgrade clusters running ${v}`);
    }
  }
  return problems;
}
