/**
 * Every alert of every PrometheusRule in the repository (`config/` and the OLM bundle) links to its
 * own runbook, `docs/runbooks/<AlertName>.md`, as a GitHub URL; the runbook exists, names the
 * alert, quotes its expression and `for`, and names every metric the expression reads; and every
 * runbook belongs to an alert. `docs/alerts.md` stays the overview that links to each runbook.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNBOOKS = join(ROOT, 'docs/runbooks');
const RUNBOOK_BASE = 'https://github.com/stolostron/mce-maestro-operator/blob/main/docs/runbooks/';
/** Where PrometheusRules live: the kustomize bases and the generated OLM bundle. */
const RULE_DIRS = ['config', 'olm-bundle'];

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  annotations?: Record<string, string>;
}
interface AlertRule {
  /** Repository-relative path of the YAML file. */
  file: string;
  alert: string;
  expr: string;
  for: string | undefined;
  runbookUrl: string | undefined;
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** The alerting rules of every PrometheusRule document under `RULE_DIRS`. */
function alertRules(): AlertRule[] {
  const out: AlertRule[] = [];
  for (const path of RULE_DIRS.flatMap((d) => yamlFiles(join(ROOT, d)))) {
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      const obj = doc.toJS() as {
        kind?: string;
        spec?: { groups?: { rules?: Rule[] }[] };
      } | null;
      if (obj?.kind !== 'PrometheusRule') continue;
      for (const rule of (obj.spec?.groups ?? []).flatMap((g) => g.rules ?? [])) {
        if (!rule.alert) continue;
        out.push({
          file: relative(ROOT, path),
          alert: rule.alert,
          expr: rule.expr,
          for: rule.for,
          runbookUrl: rule.annotations?.runbook_url,
        });
      }
    }
  }
  return out;
}

const PROMQL_KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'on',
  'ignoring',
  'by',
  'without',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers that are not inside label matchers or
 * strings, not functions or aggregations (followed by `(`), not the label lists of `on`, `by` and
 * friends, not keywords, and not part of a number or a duration.
 */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:on|ignoring|by|without|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:])([A-Za-z_:][\w:]*)(?![\w:])(\s*\()?/g)) {
    const [, name = '', call] = m;
    if (call || PROMQL_KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Relative link targets of a Markdown page (no scheme, no pure anchors), without their anchors. */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('#'))
    .map((href) => href.replace(/#.*$/, ''));
}

const rules = alertRules();
const alertNames = [...new Set(rules.map((r) => r.alert))].sort();
const runbookFiles = existsSync(RUNBOOKS) ? readdirSync(RUNBOOKS).sort() : [];

describe('metricNames', () => {
  it('finds the metrics of an expression and nothing else', () => {
    expect(
      metricNames(
        '(time() - mce_maestro_rollout_last_progress_timestamp_seconds > 3600)\n' +
          'and on (namespace, rollout, target)\n' +
          '(mce_maestro_rollout_phase{phase="Progressing"} == 1)',
      ),
    ).toEqual(['mce_maestro_rollout_last_progress_timestamp_seconds', 'mce_maestro_rollout_phase']);
    expect(
      metricNames(
        'sum by (reason) (rate(mce_maestro_rollout_cluster_failures_total{target=~"a.*"}[5m])) > 0',
      ),
    ).toEqual(['mce_maestro_rollout_cluster_failures_total']);
    expect(metricNames('up offset 1h > bool 0 or vector(1e3)')).toEqual(['up']);
  });
});

describe('runbooks of the PrometheusRule alerts', () => {
  it('finds the PrometheusRules of config/ and of the OLM bundle', () => {
    const files = [...new Set(rules.map((r) => r.file))].sort();
    expect(files).toContain('config/prometheus/prometheus-rule.yaml');
    if (existsSync(join(ROOT, 'olm-bundle'))) {
      expect(files.some((f) => f.startsWith('olm-bundle/'))).toBe(true);
    }
    expect(alertNames.length).toBeGreaterThan(0);
  });

  it.each(rules.map((r) => [`${r.file}: ${r.alert}`, r] as const))(
    '%s links to its own runbook, which explains it',
    (_, rule) => {
      expect(rule.runbookUrl).toBe(`${RUNBOOK_BASE}${rule.alert}.md`);
      const path = join(RUNBOOKS, `${rule.alert}.md`);
      expect(existsSync(path)).toBe(true);
      const page = readFileSync(path, 'utf8');
      expect(page).toMatch(new RegExp(`^# ${rule.alert}$`, 'm'));
      expect(collapse(page)).toContain(collapse(rule.expr));
      if (rule.for) expect(page).toContain(`\`${rule.for}\``);
      const metrics = metricNames(rule.expr);
      expect(metrics.length).toBeGreaterThan(0);
      for (const metric of metrics)
        expect({ metric, mentioned: page.includes(metric) }).toEqual({
          metric,
          mentioned: true,
        });
    },
  );

  it('has no runbook without an alert, and nothing else in docs/runbooks', () => {
    expect(runbookFiles.length).toBeGreaterThan(0);
    for (const f of runbookFiles) {
      expect({ file: f, markdown: f.endsWith('.md') }).toEqual({ file: f, markdown: true });
      expect(alertNames).toContain(f.replace(/\.md$/, ''));
    }
    expect(runbookFiles).toEqual(alertNames.map((a) => `${a}.md`));
  });

  it.each(runbookFiles)('%s links only to files that exist', (f) => {
    const path = join(RUNBOOKS, f);
    for (const href of relativeLinks(readFileSync(path, 'utf8'))) {
      expect({ href, exists: existsSync(resolve(dirname(path), href)) }).toEqual({ href, exists: true });
    }
  });

  it('keeps docs/alerts.md as the overview, linking to every runbook', () => {
    const overview = readFileSync(join(ROOT, 'docs/alerts.md'), 'utf8');
    for (const alert of alertNames) expect(overview).toContain(`(runbooks/${alert}.md)`);
    for (const href of relativeLinks(overview)) {
      expect({ href, exists: existsSync(join(ROOT, 'docs', href)) }).toEqual({ href, exists: true });
    }
  });
});
