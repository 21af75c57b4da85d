import { describe, expect, it } from 'vitest';
import { successOutcome } from '../src/lib/outcome';

describe('successOutcome', () => {
  it('names what an action wrote', () => {
    expect(
      successOutcome(
        {
          written: [
            { kind: 'Placement', namespace: 'rollouts', name: 'up' },
            { kind: 'AgentRollout', namespace: 'rollouts', name: 'up' },
          ],
        },
        'Update',
      ),
    ).toEqual({ kind: 'success', message: 'Update: wrote Placement rollouts/up, AgentRollout rollouts/up' });
  });

  it('says deleted, not wrote, for what an action deleted', () => {
    expect(
      successOutcome({ written: [], deleted: [{ kind: 'ManagedCluster', name: 'c1' }] }, 'Detach').message,
    ).toBe('Detach: deleted ManagedCluster c1');
  });

  it('says done when the action changed nothing (an approval already granted)', () => {
    expect(successOutcome({ written: [] }, 'Approve').message).toBe('Approve: done');
  });
});
