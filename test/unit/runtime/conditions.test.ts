import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  findCondition,
  isFalse,
  isTrue,
  removeCondition,
  setCondition,
  type Condition,
} from '../../../src/runtime/conditions.js';
import { conditionSchema } from '../../../src/api/schema.js';

const t0 = new Date('2026-01-01T00:00:00.123Z');
const t1 = new Date('2026-01-01T01:00:00.456Z');

describe('setCondition', () => {
  it('adds a new condition with lastTransitionTime = now (second precision) and observedGeneration', () => {
    const out = setCondition(
      undefined,
      { type: 'Ready', status: 'False', reason: 'Progressing', message: 'm' },
      {
        now: t0,
        observedGeneration: 3,
      },
    );
    expect(out).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Progressing',
        message: 'm',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        observedGeneration: 3,
      },
    ]);
    expect(conditionSchema.safeParse(out[0]).success).toBe(true);
  });

  it('keeps lastTransitionTime when only reason, message or generation change', () => {
    const a = setCondition(
      [],
      { type: 'Ready', status: 'True', reason: 'A', message: 'x' },
      { now: t0, observedGeneration: 1 },
    );
    const b = setCondition(
      a,
      { type: 'Ready', status: 'True', reason: 'B', message: 'y' },
      { now: t1, observedGeneration: 2 },
    );
    expect(b[0]).toMatchObject({
      reason: 'B',
      message: 'y',
      observedGeneration: 2,
      lastTransitionTime: '2026-01-01T00:00:00Z',
    });
  });

  it('moves lastTransitionTime when the status flips', () => {
    const a = setCondition([], { type: 'Ready', status: 'True', reason: 'A', message: '' }, { now: t0 });
    const b = setCondition(a, { type: 'Ready', status: 'False', reason: 'A', message: '' }, { now: t1 });
    expect(b[0]?.lastTransitionTime).toBe('2026-01-01T01:00:00Z');
  });

  it('does not mutate its input and keeps the order of other conditions', () => {
    const a = setCondition([], { type: 'A', status: 'True', reason: 'R', message: '' }, { now: t0 });
    const b = setCondition(a, { type: 'B', status: 'True', reason: 'R', message: '' }, { now: t0 });
    const frozen = structuredClone(b);
    const c = setCondition(b, { type: 'A', status: 'False', reason: 'R', message: '' }, { now: t1 });
    expect(b).toEqual(frozen);
    expect(c.map((x) => x.type)).toEqual(['A', 'B']);
    expect(findCondition(c, 'A')?.status).toBe('False');
  });

  it('changes lastTransitionTime exactly when status changes (property)', () => {
    const status = fc.constantFrom('True' as const, 'False' as const, 'Unknown' as const);
    fc.assert(
      fc.property(fc.array(fc.tuple(status, fc.string()), { minLength: 1, maxLength: 20 }), (steps) => {
        let conditions: Condition[] = [];
        let lastStatus: string | undefined;
        let lastTime: string | undefined;
        steps.forEach(([s, message], i) => {
          const now = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
          conditions = setCondition(conditions, { type: 'Ready', status: s, reason: 'R', message }, { now });
          const c = findCondition(conditions, 'Ready');
          if (s === lastStatus) expect(c?.lastTransitionTime).toBe(lastTime);
          else expect(c?.lastTransitionTime).toBe(now.toISOString().replace('.000Z', 'Z'));
          lastStatus = s;
          lastTime = c?.lastTransitionTime;
          expect(conditions).toHaveLength(1);
        });
      }),
    );
  });

  it('answers isTrue/isFalse and removes', () => {
    const c = setCondition([], { type: 'Ready', status: 'True', reason: 'R', message: '' }, { now: t0 });
    expect(isTrue(c, 'Ready')).toBe(true);
    expect(isFalse(c, 'Ready')).toBe(false);
    expect(isTrue(c, 'Other')).toBe(false);
    expect(removeCondition(c, 'Ready')).toEqual([]);
  });
});
