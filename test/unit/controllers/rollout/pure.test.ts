import { describe, expect, it } from '@jest/globals';
import {
  appendMembers,
  decodeMembers,
  encodeMembers,
  type MemberLine,
} from '../../../../src/controllers/rollout/membership.js';
import { versionSkewViolations } from '../../../../src/controllers/rollout/version-skew.js';
import { conflictWith } from '../../../../src/controllers/rollout/conflicts.js';
import { canonicalJson, targetRevision } from '../../../../src/controllers/rollout/revision.js';
import { placementClusters } from '../../../../src/controllers/rollout/placement-clusters.js';
import {
  DECISION_GROUP_INDEX_LABEL,
  DECISION_GROUP_NAME_LABEL,
  PLACEMENT_API_VERSION,
  PLACEMENT_LABEL,
  type PlacementDecision,
} from '../../../../src/api/upstream/ocm.js';
import type { Membership } from '../../../../src/rollout/index.js';

const policy = { maxMinorBehindHub: 2, allowNewerThanHub: false, allowDowngrade: false };

describe('version skew policy', () => {
  it.each([
    { target: '2.17.0', hub: '2.17.0', current: ['2.16.0'], problems: 0 },
    { target: '2.18.0', hub: '2.17.0', current: [], problems: 1 },
    { target: '2.14.0', hub: '2.17.0', current: [], problems: 1 },
    { target: '2.15.0', hub: '2.17.0', current: [], problems: 0 },
    { target: '2.16.0', hub: '2.17.0', current: ['2.17.0'], problems: 1 },
    { target: 'latest', hub: '2.17.0', current: [], problems: 1 },
  ])('$target on hub $hub over $current: $problems problem(s)', ({ target, hub, current, problems }) => {
    expect(versionSkewViolations(target, hub, current, policy)).toHaveLength(problems);
  });

  it('names the versions in each problem', () => {
    expect(versionSkewViolations('2.18.0', '2.17.0', [], policy)).toEqual([
      'target 2.18.0 is newer than the hub (2.17.0)',
    ]);
    expect(versionSkewViolations('2.16.0', '2.17.0', ['2.17.0'], policy)).toEqual([
      'target 2.16.0 would downgrade clusters running 2.17.0',
    ]);
  });

  it('allows what the policy allows', () => {
    expect(
      versionSkewViolations('2.16.0', '2.17.0', ['2.17.0'], { ...policy, allowDowngrade: true }),
    ).toEqual([]);
    expect(versionSkewViolations('2.18.0', '2.17.0', [], { ...policy, allowNewerThanHub: true })).toEqual([]);
  });
});

describe('membership chunks', () => {
  const m = (name: string, index: number, late = false): MemberLine => ({
    name,
    membership: { revision: 'r-1', group: { name: index === 0 ? 'canary' : '', index }, joinedLate: late },
  });

  it('round-trips names, groups and late joiners', () => {
    const lines = [m('a', 0), m('b', 1), m('c', 1, true)];
    const out = new Map<string, Membership>();
    decodeMembers(encodeMembers(lines), 'r-1', out);
    expect([...out.values()]).toEqual(lines.map((l) => l.membership));
    expect([...out.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('fills the last chunk before opening a new one', () => {
    const changed = appendMembers([[m('a', 0)]], [m('b', 0), m('c', 0), m('d', 0)], 2);
    expect(changed.map((c) => [c.index, c.lines.map((l) => l.name)])).toEqual([
      [0, ['a', 'b']],
      [1, ['c', 'd']],
    ]);
  });
});

describe('conflicting rollouts', () => {
  const target = {
    klusterlet: { version: '2.17.0', images: { registrationOperator: 'a', registration: 'b', work: 'c' } },
  };
  const base = { active: true, target, createdAt: '2026-01-01T00:00:00Z' };

  it('stalls the newer rollout over shared clusters, naming the older one and the clusters', () => {
    const older = { ...base, key: 'ns/old', clusters: new Set(['c1', 'c2']) };
    const newer = {
      ...base,
      key: 'ns/new',
      createdAt: '2026-01-02T00:00:00Z',
      clusters: new Set(['c2', 'c3']),
    };
    expect(conflictWith(newer, [older])).toBe(
      'rollout ns/old already targets the same klusterlet on clusters c2',
    );
    expect(conflictWith(older, [newer])).toBeNull();
  });

  it('ignores finished rollouts, other target kinds and disjoint clusters', () => {
    const me = { ...base, key: 'ns/me', createdAt: '2026-01-03T00:00:00Z', clusters: new Set(['c1']) };
    expect(
      conflictWith(me, [{ ...base, key: 'ns/done', active: false, clusters: new Set(['c1']) }]),
    ).toBeNull();
    expect(
      conflictWith(me, [
        { ...base, key: 'ns/t', target: { transport: { type: 'grpc' as const } }, clusters: new Set(['c1']) },
      ]),
    ).toBeNull();
    expect(conflictWith(me, [{ ...base, key: 'ns/x', clusters: new Set(['c9']) }])).toBeNull();
  });
});

describe('revisions', () => {
  it('do not depend on key order and change with the target', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [1, { f: 1, e: 2 }] } })).toBe(
      '{"a":{"c":[1,{"e":2,"f":1}],"d":2},"b":1}',
    );
    const t1 = { transport: { type: 'grpc' as const } };
    expect(targetRevision(t1)).toBe(targetRevision({ transport: { type: 'grpc' } }));
    expect(targetRevision(t1)).not.toBe(targetRevision({ transport: { type: 'kube' } }));
    expect(targetRevision(t1)).toMatch(/^r-[0-9a-f]{10}$/);
  });
});

describe('placement clusters', () => {
  const pd = (name: string, index: string, group: string, clusters: string[]): PlacementDecision => ({
    apiVersion: PLACEMENT_API_VERSION,
    kind: 'PlacementDecision',
    metadata: {
      name,
      namespace: 'ns',
      labels: {
        [PLACEMENT_LABEL]: 'p',
        [DECISION_GROUP_INDEX_LABEL]: index,
        [DECISION_GROUP_NAME_LABEL]: group,
      },
    },
    status: { decisions: clusters.map((clusterName) => ({ clusterName, reason: '' })) },
  });

  it('reads groups from labels across decision objects and reports malformed ones', () => {
    const out = placementClusters([
      pd('p-decision-1', '0', 'canary', ['a', 'b']),
      pd('p-decision-2', '1', '', ['c']),
      pd('p-decision-3', '1', '', ['d']),
      pd('p-decision-4', 'x', '', ['e']),
    ]);
    expect([...out.groups]).toEqual([
      ['a', { name: 'canary', index: 0 }],
      ['b', { name: 'canary', index: 0 }],
      ['c', { name: '', index: 1 }],
      ['d', { name: '', index: 1 }],
    ]);
    expect(out.malformed).toEqual(['p-decision-4']);
  });
});
