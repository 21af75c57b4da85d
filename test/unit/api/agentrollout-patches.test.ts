import { describe, expect, it } from '@jest/globals';
import { RESUME_ANNOTATION, ROLLBACK_ANNOTATION } from '../../../src/api/agentrollout-object.js';
import {
  approvalPatch,
  pausePatch,
  resumePatch,
  rollbackPatch,
} from '../../../src/api/agentrollout-patches.js';
import { sampleRollout, sampleStatus } from '../cli/fixtures.js';

const now = new Date('2025-06-01T12:05:00.123Z');

describe('rollout patches', () => {
  it('pause sets spec.paused; resume clears it and stamps now; rollback stamps now', () => {
    expect(pausePatch()).toEqual({ spec: { paused: true } });
    expect(resumePatch(now)).toEqual({
      metadata: { annotations: { [RESUME_ANNOTATION]: '2025-06-01T12:05:00.123Z' } },
      spec: { paused: false },
    });
    expect(rollbackPatch(now)).toEqual({
      metadata: { annotations: { [ROLLBACK_ANNOTATION]: '2025-06-01T12:05:00.123Z' } },
    });
  });
});

describe('approvalPatch', () => {
  it('grants the current revision, replacing older grants of the same group, under the resourceVersion', () => {
    const r = sampleRollout(sampleStatus(), {
      approvals: [{ groupName: 'canary' }, { groupName: 'prod' }],
      approved: [
        { groupName: 'canary', revision: '5d41402abc4b' },
        { groupName: 'prod', revision: 'older' },
      ],
    });
    expect(approvalPatch(r, 'prod')).toEqual({
      kind: 'patch',
      revision: '5d41402abc4b',
      body: {
        metadata: { resourceVersion: '42' },
        spec: {
          approved: [
            { groupName: 'canary', revision: '5d41402abc4b' },
            { groupName: 'prod', revision: '5d41402abc4b' },
          ],
        },
      },
    });
  });

  it('does nothing when the group is approved for this revision already', () => {
    const r = sampleRollout(sampleStatus(), {
      approvals: [{ groupName: 'prod' }],
      approved: [{ groupName: 'prod', revision: '5d41402abc4b' }],
    });
    expect(approvalPatch(r, 'prod')).toEqual({ kind: 'already', revision: '5d41402abc4b' });
  });

  it('refuses a group without a gate, naming the gated ones', () => {
    expect(approvalPatch(sampleRollout(), 'canary')).toEqual({
      kind: 'refused',
      message:
        'group "canary" of team-a/klusterlet-2-17 has no approval gate in spec.approvals (gated groups: prod)',
    });
    expect(approvalPatch(sampleRollout(sampleStatus(), {}), 'prod')).toEqual({
      kind: 'refused',
      message:
        'group "prod" of team-a/klusterlet-2-17 has no approval gate in spec.approvals (no group is gated)',
    });
  });

  it('refuses while there is no revision to approve', () => {
    const d = approvalPatch(sampleRollout(null), 'prod');
    expect(d.kind).toBe('refused');
    expect(d.kind === 'refused' && d.message).toContain('has no status.revision yet');
  });
});
