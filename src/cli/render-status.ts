/**
 * `kubectl mce rollout status` as a pure function: an AgentRollout (as the CLI reads it) to the
 * lines to print, given a clock and a terminal width. No I/O, no escape codes: the same lines go
 * to a terminal (redrawn) and to a pipe (printed).
 */
import type { GroupStatus, StateCountsStatus } from '../api/agentrollout-status.js';
import { AgentRolloutConditionType } from '../api/agentrollout-conditions.js';
import type { CliRollout } from '../api/agentrollout-object.js';

export interface RenderOptions {
  /** Milliseconds since the epoch; relative times ("5m ago") are computed from it. */
  now: number;
  /** Terminal columns; sets the width of the bars (lines are cut, if at all, by the caller). */
  width: number;
  /** How many failed clusters to list (default 5). */
  maxFailed?: number;
}

const LABEL_WIDTH = 12;
const DEFAULT_MAX_FAILED = 5;

/** The lines of `rollout status` for one rollout. */
export function renderStatus(r: CliRollout, opts: RenderOptions): string[] {
  const { namespace, name } = r.metadata;
  const s = r.status;
  const cmd = (verb: string, ...args: string[]) =>
    `kubectl mce rollout ${verb} ${[name, ...args].join(' ')} -n ${namespace}`;
  const lines: string[] = [field('Rollout', `${namespace}/${name}`)];
  if (!s?.phase) {
    lines.push(field('Phase', '(no status yet: the controller has not reconciled this rollout)'));
    if (r.spec?.paused) lines.push(field('Paused', `spec.paused is set; resume with: ${cmd('resume')}`));
    return lines;
  }

  lines.push(field('Phase', s.phase));
  if (s.message) lines.push(field('Message', s.message));
  if (s.target) lines.push(field('Target', s.target));
  if (s.revision) lines.push(field('Revision', s.revision));
  lines.push(field('Progress', overallProgress(s, opts.width)));
  if (s.startTime) lines.push(field('Started', timeWithAge(s.startTime, opts.now)));
  if (s.completionTime) lines.push(field('Completed', timeWithAge(s.completionTime, opts.now)));
  else if (s.nextCheckTime) lines.push(field('Next check', timeWithAge(s.nextCheckTime, opts.now)));

  const halt = s.plan?.halt;
  if (halt) {
    lines.push(field('Halted', `${halt.action} since ${timeWithAge(halt.since, opts.now)}: ${halt.reason}`));
    if (halt.action === 'Pause') lines.push(field('', `resume with: ${cmd('resume')}`));
  }
  if (r.spec?.paused) lines.push(field('Paused', `spec.paused is set; resume with: ${cmd('resume')}`));
  const stalled = s.conditions?.find(
    (c) => c.type === AgentRolloutConditionType.Stalled && c.status === 'True',
  );
  if (stalled) lines.push(field('Stalled', `${stalled.reason}: ${stalled.message}`));
  const preflight = s.conditions?.find(
    (c) => c.type === AgentRolloutConditionType.PreflightChecksPassed && c.status === 'False',
  );
  if (preflight && preflight.message !== stalled?.message) {
    lines.push(field('Pre-flight', `${preflight.reason}: ${preflight.message}`));
  }
  const needAction = s.conditions?.find(
    (c) => c.type === AgentRolloutConditionType.ClustersNeedAction && c.status === 'True',
  );
  if (needAction) lines.push(field('Action', needAction.message ?? ''));
  const generation = r.metadata.generation;
  if (generation !== undefined && s.observedGeneration !== undefined && s.observedGeneration < generation) {
    lines.push(
      field(
        'Note',
        `status is for generation ${s.observedGeneration}; the spec is at generation ${generation}`,
      ),
    );
  }

  const groups = s.groups ?? [];
  if (groups.length > 0) {
    lines.push('', 'Groups:', ...groupLines(groups, opts));
    const gated = groups.filter((g) => g.approval !== 'NotRequired');
    if (gated.length > 0) {
      lines.push(
        field('Approvals', gated.map((g) => `${groupName(g)} ${g.approval.toLowerCase()}`).join(', ')),
      );
      for (const g of gated.filter((x) => x.approval === 'Waiting')) {
        lines.push(field('', `approve with: ${cmd('approve', groupName(g))}`));
      }
    }
  }
  lines.push(...failedLines(r, opts.maxFailed ?? DEFAULT_MAX_FAILED));
  return lines;
}

/** A bar of `width` cells, filled in proportion to done/total (full only when all are done). */
export function progressBar(done: number, total: number, width: number): string {
  const filled = total > 0 ? Math.min(width, Math.floor((Math.max(0, done) * width) / total)) : 0;
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** The bar width for a terminal of `columns`: a quarter of it, between 10 and 40 cells. */
export function barWidthFor(columns: number): number {
  return Math.max(10, Math.min(40, Math.floor(columns / 4)));
}

/** A duration as `45s`, `12m`, `2h5m` or `3d4h`. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
}

/** `5m ago` for a past time, `in 5m` for a future one; the text itself when it is not a time. */
export function age(time: string, now: number): string {
  const t = Date.parse(time);
  if (!Number.isFinite(t)) return time;
  return t <= now ? `${formatDuration(now - t)} ago` : `in ${formatDuration(t - now)}`;
}

/** Clusters by state in words, most urgent first, leaving out zeros, pending and succeeded. */
export function countWords(c: StateCountsStatus): string[] {
  const words: [number, string][] = [
    [c.progressing + c.soaking, 'running'],
    [c.failed, 'failed'],
    [c.timedOut, 'timed out'],
    [c.unreachable, 'unreachable'],
    [c.revertFailed, 'revert failed'],
    [c.rollbackPending, 'to revert'],
    [c.reverting, 'reverting'],
    [c.reverted, 'reverted'],
    [c.skipped, 'skipped'],
  ];
  return words.filter(([n]) => n > 0).map(([n, w]) => `${n} ${w}`);
}

function field(label: string, value: string): string {
  return `${label ? `${label}:` : ''}`.padEnd(LABEL_WIDTH) + value;
}

function timeWithAge(time: string, now: number): string {
  return `${time} (${age(time, now)})`;
}

function percentText(done: number, total: number): string {
  return `${total > 0 ? Math.floor((done * 100) / total) : 0}%`.padStart(4);
}

function overallProgress(s: NonNullable<CliRollout['status']>, columns: number): string {
  const total = s.total ?? s.groups?.reduce((n, g) => n + g.total, 0) ?? 0;
  const done = s.counts?.succeeded ?? 0;
  // The bar follows the percent the controller computed, so the two never disagree.
  const [barDone, barTotal] = s.percent !== undefined ? [s.percent, 100] : [done, total];
  const percent = s.percent !== undefined ? `${s.percent}%`.padStart(4) : percentText(done, total);
  const words = s.counts ? countWords(s.counts) : [];
  const removed = s.removed ? [`${s.removed} left the placement`] : [];
  const detail = [...words, ...removed];
  return [
    progressBar(barDone, barTotal, barWidthFor(columns)),
    percent,
    s.progress ?? `${done}/${total}`,
    ...(detail.length > 0 ? [`(${detail.join(', ')})`] : []),
  ].join('  ');
}

function groupName(g: GroupStatus): string {
  return g.name === '' ? `#${g.index}` : g.name;
}

function groupLines(groups: readonly GroupStatus[], opts: RenderOptions): string[] {
  const nameWidth = Math.max(...groups.map((g) => groupName(g).length));
  const countWidth = Math.max(...groups.map((g) => `${g.counts.succeeded}/${g.total}`.length));
  const bar = barWidthFor(opts.width);
  return groups.map((g) => {
    const done = g.counts.succeeded;
    const words = [...countWords(g.counts)];
    if (g.approval === 'Waiting') words.push('waiting for approval');
    if (g.approval === 'Approved') words.push('approved');
    const time = groupTime(g, opts.now);
    if (time) words.push(time);
    return [
      `  ${groupName(g).padEnd(nameWidth)}`,
      progressBar(done, g.total, bar),
      percentText(done, g.total),
      `${done}/${g.total}`.padEnd(countWidth),
      ...words,
    ]
      .join('  ')
      .trimEnd();
  });
}

function groupTime(g: GroupStatus, now: number): string | undefined {
  const c = g.counts;
  const inFlight = c.pending + c.progressing + c.soaking + c.rollbackPending + c.reverting;
  if (g.finishTime && inFlight === 0) {
    const start = g.startTime ? Date.parse(g.startTime) : NaN;
    const finish = Date.parse(g.finishTime);
    return Number.isFinite(start) && Number.isFinite(finish)
      ? `took ${formatDuration(finish - start)}`
      : `finished ${age(g.finishTime, now)}`;
  }
  return g.startTime ? `started ${age(g.startTime, now)}` : undefined;
}

function failedLines(r: CliRollout, max: number): string[] {
  const listed = r.status?.failedClusters ?? [];
  if (listed.length === 0) return [];
  const c = r.status?.counts;
  const total = Math.max(listed.length, c ? c.failed + c.timedOut + c.unreachable + c.revertFailed : 0);
  const shown = listed.slice(0, max);
  const nameWidth = Math.max(...shown.map((f) => f.name.length));
  const groupWidth = Math.max(...shown.map((f) => f.group.length));
  const header =
    shown.length < total ? `Failed clusters (${shown.length} of ${total}):` : `Failed clusters (${total}):`;
  return [
    '',
    header,
    ...shown.map((f) =>
      [
        `  ${f.name.padEnd(nameWidth)}`,
        f.group.padEnd(groupWidth),
        `${f.reason}${f.message ? `: ${f.message}` : ''}`,
      ]
        .join('  ')
        .trimEnd(),
    ),
  ];
}
