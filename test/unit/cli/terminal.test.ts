import { describe, expect, it } from '@jest/globals';
import { ROLLOUT_PHASES } from '../../../src/api/agentrollout-status.js';
import { renderStatus } from '../../../src/cli/render-status.js';
import { EXIT, fitToScreen, plainFrame, redraw, watchOutcome } from '../../../src/cli/terminal.js';
import { SAMPLE_NOW, sampleRollout, sampleStatus } from './fixtures.js';

const ESC = '\x1b';

describe('watchOutcome', () => {
  const expected: Record<string, ReturnType<typeof watchOutcome>> = {
    Succeeded: { done: true, exitCode: 0 },
    Failed: { done: true, exitCode: 1 },
    Aborted: { done: true, exitCode: 1 },
    RolledBack: { done: true, exitCode: 1 },
  };
  it.each(ROLLOUT_PHASES.map((p) => [p]))('%s', (phase) => {
    expect(watchOutcome(sampleRollout(sampleStatus({ phase })))).toEqual(expected[phase] ?? { done: false });
  });

  it('waits while there is no status', () => {
    expect(watchOutcome(sampleRollout(null))).toEqual({ done: false });
  });

  it('does not stop on a terminal phase left over from an older generation', () => {
    const r = sampleRollout(sampleStatus({ phase: 'Succeeded', observedGeneration: 1 }));
    r.metadata.generation = 2;
    expect(watchOutcome(r)).toEqual({ done: false });
    r.metadata.generation = 1;
    expect(watchOutcome(r)).toEqual({ done: true, exitCode: EXIT.ok });
  });
});

describe('terminal frames', () => {
  it('cuts lines to the width (counting characters, not bytes) and the frame to the height', () => {
    expect(fitToScreen(['abcdef', '[███]', 'ok'], { width: 5, height: 10 })).toEqual([
      'abcd…',
      '[███]',
      'ok',
    ]);
    expect(fitToScreen(['1', '2', '3', '4', '5'], { width: 80, height: 4 })).toEqual([
      '1',
      '2',
      '… 3 more lines',
    ]);
  });

  it('redraws over the previous frame with cursor control', () => {
    expect(redraw(['a', 'b'], 0)).toBe('a\nb\n');
    expect(redraw(['a', 'b'], 3)).toBe('\x1b[3F\x1b[Ja\nb\n');
  });

  it('prints plain frames only when they change, without escape codes', () => {
    const lines = renderStatus(sampleRollout(), { now: SAMPLE_NOW, width: 80 });
    const first = plainFrame(lines, undefined);
    expect(first).toBe(`${lines.join('\n')}\n`);
    expect(first).not.toContain(ESC);
    expect(plainFrame(lines, [...lines])).toBeUndefined();
    const next = renderStatus(sampleRollout(sampleStatus({ phase: 'Succeeded' })), {
      now: SAMPLE_NOW,
      width: 80,
    });
    expect(plainFrame(next, lines)).toBe(`\n${next.join('\n')}\n`);
  });
});
