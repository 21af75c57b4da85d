/**
 * The demo's output: step headers and live progress frames redrawn in place on a terminal, or,
 * headless, a line per phase change and a progress line every few seconds; a summary at the end
 * (the last line, in headless mode, is one line of JSON).
 */
import { fitToScreen, redraw } from '../../src/cli/terminal.js';
import type { StepResult } from './demo-steps.js';

export class DemoScreen {
  private frameLines = 0;
  private lastPlain = '';
  private lastPlainAt = 0;

  constructor(private readonly headless: boolean) {}

  say(line: string): void {
    this.endFrame();
    process.stdout.write(`${line}\n`);
  }

  step(title: string): void {
    this.say(`\n== ${title}`);
  }

  /** Shows the current progress: redrawn in place, or (headless) printed when it says something new. */
  frame(lines: string[], summaryLine: string): void {
    if (this.headless || !process.stdout.isTTY) {
      const now = Date.now();
      if (summaryLine !== this.lastPlain || now - this.lastPlainAt > 5_000) {
        process.stdout.write(`   ${summaryLine}\n`);
        this.lastPlain = summaryLine;
        this.lastPlainAt = now;
      }
      return;
    }
    const fitted = fitToScreen(lines, {
      width: process.stdout.columns ?? 100,
      height: process.stdout.rows ?? 40,
    });
    process.stdout.write(redraw(fitted, this.frameLines));
    this.frameLines = fitted.length;
  }

  /** Leaves the last frame on screen and starts a fresh one below it. */
  endFrame(): void {
    this.frameLines = 0;
    this.lastPlain = '';
  }

  summary(results: readonly StepResult[], ms: number, ok: boolean): void {
    this.endFrame();
    process.stdout.write('\n');
    for (const r of results) {
      process.stdout.write(
        `${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail} (${Math.round(r.ms / 100) / 10}s)\n`,
      );
    }
    process.stdout.write(
      `${ok ? 'demo finished: every step ended as expected' : 'demo FAILED'} in ${Math.round(ms / 1000)}s\n`,
    );
    if (this.headless) {
      process.stdout.write(
        `${JSON.stringify({ ok, seconds: Math.round(ms / 1000), steps: results.map((r) => ({ name: r.name, ok: r.ok, phase: r.phase, detail: r.detail, seconds: Math.round(r.ms / 1000) })) })}\n`,
      );
    }
  }
}
