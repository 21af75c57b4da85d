/**
 * The alerts of `config/prometheus/` evaluated by the real Prometheus rule engine: `promtool test
 * rules` with series over time, for every alert a case where it fires (with its labels and
 * rendered annotations) and cases where it must not. promtool reads plain rule files, so the
 * groups are taken out of the PrometheusRule into a temp file first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { CASES, type AlertCase, type Series } from './alert-cases.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CONFIG = join(ROOT, 'config/prometheus');
const RUNBOOKS = join(ROOT, 'docs/runbooks');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface PrometheusRule {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { groups: { name: string; rules: Rule[] }[] };
}

const runbookBase = 'https://github.com/stolostron/mce-maestro-operator/blob/main/docs/runbooks/';
/** The runbook of an alert: one page per alert, `docs/runbooks/<AlertName>.md` (see test/unit/runbooks.test.ts). */
const runbookUrl = (alertname: string) => `${runbookBase}${alertname}.md`;

let dir: string;
let rule: PrometheusRule;
let rules: Rule[];

/** promtool, or a failure that says how to install it. */
function promtool(args: string[]): { status: number | null; output: string } {
  const res = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  if ((res.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('promtool is not installed: run hack/ensure-deps.sh debian (Debian package prometheus)');
  }
  if (res.error) throw res.error;
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

function promtoolTest(name: string, alertname: string, c: AlertCase, override?: { at: string }): string {
  const inputSeries = (series: Series[]) => series.map(([s, values]) => ({ series: s, values }));
  const annotations = { ...c.annotations, runbook_url: runbookUrl(alertname) };
  const severity = rules.find((r) => r.alert === alertname)?.labels?.severity ?? '';
  const file = join(dir, `${name}.test.yaml`);
  writeFileSync(
    file,
    stringify({
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: inputSeries(c.fires.series),
          alert_rule_test: [
            { eval_time: c.fires.notYet, alertname, exp_alerts: [] },
            {
              eval_time: override?.at ?? c.fires.at,
              alertname,
              exp_alerts: [{ exp_labels: { ...c.fires.labels, severity }, exp_annotations: annotations }],
            },
          ],
        },
        ...c.quiet.map((q) => ({
          interval: '1m',
          input_series: inputSeries(q.series),
          alert_rule_test: [{ eval_time: q.at, alertname, exp_alerts: [] }],
        })),
      ],
    }),
  );
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmo-alerts-'));
  rule = parse(readFileSync(join(CONFIG, 'prometheus-rule.yaml'), 'utf8')) as PrometheusRule;
  rules = rule.spec.groups.flatMap((g) => g.rules);
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('PrometheusRule mce-maestro-operator', () => {
  it('is a monitoring.coreos.com/v1 PrometheusRule that promtool accepts', () => {
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.metadata.name).toBe('mce-maestro-operator');
    const { status, output } = promtool(['check', 'rules', 'rules.yaml']);
    expect({ status, output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS: 5 rules found'),
    });
  });

  it('has a promtool case for every alert, and an alert for every case', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.keys(CASES))(
    '%s has severity, summary, description and a runbook in docs/runbooks/',
    (name) => {
      const r = rules.find((x) => x.alert === name);
      expect(['critical', 'warning', 'info']).toContain(r?.labels?.severity);
      expect(r?.annotations?.summary).toBeTruthy();
      expect(r?.annotations?.description).toBeTruthy();
      if (r?.expr.includes('mce_maestro_rollout_')) {
        expect(r.annotations?.description).toContain('{{ $labels.namespace }}/{{ $labels.rollout }}');
      }
      const url = r?.annotations?.runbook_url ?? '';
      expect(url).toBe(runbookUrl(name));
      expect(existsSync(join(RUNBOOKS, `${name}.md`))).toBe(true);
    },
  );

  it.each(Object.entries(CASES))(
    '%s fires as expected and stays quiet otherwise (promtool test rules)',
    (name, c) => {
      const file = promtoolTest(name, name, c);
      const { status, output } = promtool(['test', 'rules', file]);
      expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    },
  );

  it('fails the promtool test when an alert is expected before its time (the harness can fail)', () => {
    const c = CASES.MCERolloutStalled;
    if (!c) throw new Error('no case');
    const file = promtoolTest('too-early', 'MCERolloutStalled', c, { at: c.fires.notYet });
    const { status, output } = promtool(['test', 'rules', file]);
    expect(status).toBe(1);
    expect(output).toContain('FAILED');
  });
});

describe('ServiceMonitor and kustomization', () => {
  it('scrapes port metrics at /metrics of the operator Service, keeping the rollout namespace label', () => {
    const sm = parse(readFileSync(join(CONFIG, 'service-monitor.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: Record<string, unknown>[] };
    };
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.kind).toBe('ServiceMonitor');
    expect(sm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'mce-maestro-operator' });
    expect(sm.spec.endpoints).toEqual([
      expect.objectContaining({ port: 'metrics', path: '/metrics', honorLabels: true }),
    ]);
  });

  it('scrapes over HTTPS with the Prometheus token, verifying the service-ca certificate', () => {
    const sm = parse(readFileSync(join(CONFIG, 'service-monitor.yaml'), 'utf8')) as {
      spec: { endpoints: Record<string, unknown>[] };
    };
    expect(sm.spec.endpoints[0]).toMatchObject({
      scheme: 'https',
      bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      tlsConfig: {
        caFile: '/etc/prometheus/configmaps/serving-certs-ca-bundle/service-ca.crt',
        serverName: 'mce-maestro-operator-metrics.mce-maestro-operator.svc',
      },
    });
    const reader = parseAllDocuments(readFileSync(join(CONFIG, 'metrics-reader.yaml'), 'utf8')).map(
      (d) => d.toJS() as Record<string, unknown>,
    );
    expect(reader).toEqual([
      expect.objectContaining({
        kind: 'ClusterRole',
        rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }],
      }),
      expect.objectContaining({
        kind: 'ClusterRoleBinding',
        roleRef: expect.objectContaining({
          kind: 'ClusterRole',
          name: 'mce-maestro-operator-metrics-reader',
        }),
        subjects: [{ kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'openshift-monitoring' }],
      }),
    ]);
  });

  it('lists every manifest', () => {
    const k = parse(readFileSync(join(CONFIG, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(k.resources.sort()).toEqual([
      'metrics-reader.yaml',
      'prometheus-rule.yaml',
      'service-monitor.yaml',
    ]);
    for (const f of k.resources) expect(existsSync(join(CONFIG, f))).toBe(true);
  });
});
