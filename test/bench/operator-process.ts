/**
 * The operator as the benchmarks run it: its own process from the compiled build (`npm run
 * build`), with the NODE_OPTIONS of its Deployment, plain-HTTP metrics (the API writes it counts)
 * and its inspector on a local port (live heap).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT, type ControlPlane } from '../harness/control-plane.js';
import { sleep } from '../harness/eventually.js';
import { freePort } from '../harness/ports.js';
import { spawnManaged } from '../harness/processes.js';

export interface StartedOperator {
  process: ReturnType<typeof spawnManaged>;
  metricsPort: number;
  healthPort: number;
  inspectPort: number;
}

/** The operator from the build, as deployed, with its inspector on a local port. */
export async function startOperator(cp: ControlPlane, name: string): Promise<StartedOperator> {
  const metricsPort = await freePort();
  const healthPort = await freePort();
  const inspectPort = await freePort();
  const process_ = spawnManaged(
    name,
    process.execPath,
    [
      ...(process.env.BENCH_ROLLOUT_NODE_FLAGS ?? imageNodeOptions()).split(' ').filter(Boolean),
      `--inspect=127.0.0.1:${inspectPort}`,
      join(REPO_ROOT, 'dist/src/main.js'),
      `--kubeconfig=${cp.kubeconfigPath}`,
      `--metrics-bind-address=127.0.0.1:${metricsPort}`,
      // Plain HTTP: the bench counts API writes on /metrics, and secure metrics would add their
      // own TokenReview and SubjectAccessReview creates (covered by secure-metrics.test.ts).
      '--metrics-secure=false',
      `--health-probe-bind-address=127.0.0.1:${healthPort}`,
      '--qps=200',
      '--burst=400',
      '--log-level=warn',
    ],
    { cwd: REPO_ROOT, logFile: join(cp.dir, `${name}.log`) },
  );
  return { process: process_, metricsPort, healthPort, inspectPort };
}

export async function waitReady(healthPort: number, since: number): Promise<void> {
  while (
    !(await fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() - since > 5 * 60_000) throw new Error('the operator was not ready in 5 minutes');
    await sleep(250);
  }
}

/** NODE_OPTIONS of the operator's Deployment (`config/manager`), so the bench runs it as deployed. */
export function imageNodeOptions(): string {
  const deployment = parseYaml(readFileSync(join(REPO_ROOT, 'config/manager/manager.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  };
  const env = deployment.spec.template.spec.containers[0]?.env ?? [];
  return env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
}

export async function scrapeWrites(
  port: number,
): Promise<{ verb: string; resource: string; subresource: string; value: number }[]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out: { verb: string; resource: string; subresource: string; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^mce_maestro_api_writes_total\{(.*)\} (\d+(\.\d+)?)$/.exec(line);
    if (!m?.[1]) continue;
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    out.push({
      verb: labels.verb ?? '',
      resource: labels.resource ?? '',
      subresource: labels.subresource ?? '',
      value: Number(m[2]),
    });
  }
  return out;
}
