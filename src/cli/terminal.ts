/**
 * How `rollout status` output reaches the screen, as pure functions: when a watch is over and
 * with which exit code, how a terminal frame replaces the previous one (cursor control), and how
 * a pipe gets plain lines instead (no escape codes, a frame only when something changed).
 */
import { isTerminalPhase } from '../controllers/rollout/status.js';
import type { CliRollout } from '../api/agentrollout-object.js';

/** Exit codes of the CLI, as kubectl uses them. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export type WatchOutcome = { done: false } | { done: true; exitCode: 0 | 1 };

/**
 * Whether a watch stops at this version of the rollout: its phase is terminal (Succeeded: exit 0;
 * Failed, Aborted, RolledBack: exit 1) and the status describes the current spec, so a phase
 * left over from before a spec change does not end the watch (as kubectl checks
 * observedGeneration).
 */
export function watchOutcome(r: CliRollout): WatchOutcome {
  const s = r.status;
  if (!s?.phase || !isTerminalPhase(s.phase)) return { done: false };
  const generation = r.metadata.generation;
  if (generation !== undefined && s.observedGeneration !== undefined && s.observedGeneration < generation) {
    return { done: false };
  }
  return { done: true, exitCode: s.phase === 'Succeeded' ? EXIT.ok : EXIT.failed };
}

/** The terminal's size; both are columns/rows as Node reports them. */
export interface ScreenSize {
  width: number;
  height: number;
}

/**
 * Cuts lines to the screen so that a redraw can count them: each line to `width` columns (a cut
 * line ends in `…`), and the frame to `height - 1` lines (the last saying how many were left out).
 */
export function fitToScreen(lines: readonly string[], size: ScreenSize): string[] {
  const width = Math.max(1, size.width);
  const cut = lines.map((l) => {
    const chars = Array.from(l);
    return chars.length <= width ? l : `${chars.slice(0, width - 1).join('')}…`;
  });
  const room = Math.max(2, size.height - 1);
  if (cut.length <= room) return cut;
  return [...cut.slice(0, room - 1), `… ${cut.length - room + 1} more lines`];
}

/** Text that replaces the previous frame of `previousLines` lines (0: none) with `lines`. */
export function redraw(lines: readonly string[], previousLines: number): string {
  // CSI n F: to the start of the line n lines up; CSI J: clear from there to the end of the screen.
  const back = previousLines > 0 ? `\x1b[${previousLines}F\x1b[J` : '';
  return `${back}${lines.join('\n')}\n`;
}

/**
 * Plain text for a pipe: the frame when it differs from the previous one (a blank line between
 * frames), or undefined when nothing changed.
 */
export function plainFrame(
  lines: readonly string[],
  previous: readonly string[] | undefined,
): string | undefined {
  if (previous && previous.length === lines.length && previous.every((l, i) => l === lines[i]))
    return undefined;
  return `${previous ? '\n' : ''}${lines.join('\n')}\n`;
}
