/**
 * The objects the operator applies at start for its own pods, on a real kube-apiserver (RBAC on,
 * OpenShift's Route CRD served), with only its generated RBAC: the pods' NetworkPolicy, from the
 * ports it serves, and with `--console-route` the console's Route. A kustomize install ships the
 * same objects (config/manager, config/console), so the installer's apply and the operator's
 * never fight; a refusal is logged, never fatal.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';
import { managerArgs, OPERATOR_NAMESPACE } from '../../../hack/manifests.js';
import { CONSOLE_ROUTE_NAME, consoleRoute } from '../../../src/api/console-route.js';
import { consoleControllerFactory } from '../../../src/controllers/console/index.js';
import { CONSOLE_ROUTE_FIELD_MANAGER } from '../../../src/controllers/console/route.js';
import {
  OPERATOR_NETWORK_POLICY_NAME,
  OPERATOR_POD_LABELS,
  operatorNetworkPolicy,
  type OperatorNetworkPolicy,
} from '../../../src/api/operator-network-policy.js';
import { KubeClient } from '../../../src/runtime/client/kube-client.js';
import type { KubeObject } from '../../../src/runtime/client/types.js';
import { parseFlags } from '../../../src/runtime/flags.js';
import {
  applyOperatorNetworkPolicy,
  NETWORK_POLICY_FIELD_MANAGER,
  operatorPorts,
} from '../../../src/runtime/own-network-policy.js';
import { runOperator } from '../../../src/runtime/run-operator.js';
import { REPO_ROOT, startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { operatorKubeconfig } from '../../harness/operator-rbac.js';
import { freePort } from '../../harness/ports.js';
import { fileLogger, logLines } from './helpers.js';

let cp: ControlPlane;
let kubeconfig: string;
let operator: KubeClient;
let admin: KubeClient;
let overlay: string;

type Policy = OperatorNetworkPolicy & { metadata: { managedFields?: unknown[] } };
/** The field managers of an object as the API server keeps them. */
const managers = (o: { metadata: { managedFields?: unknown[] } } | undefined) =>
  (o?.metadata.managedFields as { manager?: string }[] | undefined)?.map((f) => f.manager);

const POLICY_REF = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  name: OPERATOR_NETWORK_POLICY_NAME,
  namespace: OPERATOR_NAMESPACE,
};
const getPolicy = () => admin.get<Policy>(POLICY_REF);
const portsOf = (p: Policy | undefined) => p?.spec.ingress.flatMap((r) => r.ports.map((x) => x.port));

/** What `kubectl kustomize` makes of `dir` (a repository path, or the console overlay), by kind. */
async function kustomized(dir: string): Promise<Record<string, unknown>[]> {
  return parseAllDocuments(await cp.kubectl(['kustomize', dir]))
    .map((d) => d.toJS() as Record<string, unknown>)
    .filter(Boolean);
}

const policyIn = (docs: Record<string, unknown>[]) =>
  docs.find((o) => o.kind === 'NetworkPolicy') as unknown as Policy | undefined;

/** The installer's server-side apply of the NetworkPolicy in a kustomize build, without force. */
async function installerApply(dir: string): Promise<string> {
  const policy = policyIn(await kustomized(dir));
  if (!policy) throw new Error(`${dir} has no NetworkPolicy`);
  return cp.kubectl(['apply', '--server-side', '--field-manager=installer', '-f', '-'], {
    input: JSON.stringify(policy),
  });
}

beforeAll(async () => {
  // OpenShift's Route CRD, as the other tests get it (hack/upstream-crds.sh).
  const capabilities = (
    await promisify(execFile)('bash', [join(REPO_ROOT, 'hack/upstream-crds.sh'), 'capabilities'])
  ).stdout
    .trim()
    .split('\n')
    .pop();
  if (!capabilities) throw new Error('hack/upstream-crds.sh capabilities printed no directory');
  cp = await startControlPlane({
    name: 'own-objects',
    upstreamCrds: false,
    ownCrds: false,
    extraCrds: [capabilities],
  });
  kubeconfig = await operatorKubeconfig(cp);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  operator = new KubeClient({ kubeConfig: kc });
  admin = new KubeClient({ kubeConfig: cp.kubeConfig() });
  // An overlay of config/manager with the console component, as docs/console.md says to write.
  overlay = mkdtempSync(join(tmpdir(), 'console-overlay-'));
  const config = relative(overlay, join(REPO_ROOT, 'config'));
  writeFileSync(
    join(overlay, 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [${config}/manager]\ncomponents: [${config}/console]\n`,
  );
}, 300_000);

afterAll(async () => {
  operator?.close();
  admin?.close();
  await cp?.stop();
  if (overlay) rmSync(overlay, { recursive: true, force: true });
});

describe("the operator's own NetworkPolicy (real API server)", () => {
  it('selects the pods of the shipped Deployment', async () => {
    const deployment = (await kustomized(join(REPO_ROOT, 'config/manager'))).find(
      (o) => o.kind === 'Deployment',
    ) as {
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    expect(deployment.spec.template.metadata.labels).toMatchObject(OPERATOR_POD_LABELS);
  });

  it('is what kustomize installs, for the flags of the shipped Deployment and of the console overlay', async () => {
    const installed = policyIn(await kustomized(join(REPO_ROOT, 'config/manager')));
    expect(installed).toEqual(
      operatorNetworkPolicy(OPERATOR_NAMESPACE, operatorPorts(parseFlags(managerArgs(), {}))),
    );
    expect(portsOf(installed)).toEqual([8443]);

    const withConsole = await kustomized(overlay);
    const args = (
      withConsole.find((o) => o.kind === 'Deployment') as {
        spec: { template: { spec: { containers: { args: string[] }[] } } };
      }
    ).spec.template.spec.containers[0]?.args;
    const policy = policyIn(withConsole);
    expect(policy).toEqual(
      operatorNetworkPolicy(OPERATOR_NAMESPACE, operatorPorts(parseFlags(args ?? [], {}))),
    );
    expect(portsOf(policy)).toEqual([8443, 9443]);
  });

  it("takes over the installer's copy with its generated RBAC, and the installer re-applies without a conflict", async () => {
    await installerApply(join(REPO_ROOT, 'config/manager'));
    const { log } = fileLogger(cp, 'apply-default');
    const flags = parseFlags(managerArgs(), {});
    expect(await applyOperatorNetworkPolicy(operator, OPERATOR_NAMESPACE, operatorPorts(flags), log)).toBe(
      true,
    );
    const applied = await getPolicy();
    expect(managers(applied)).toContain(NETWORK_POLICY_FIELD_MANAGER);
    expect(portsOf(applied)).toEqual([8443]);
    // A second `kubectl apply -k` of the same install: equal values, so no conflict.
    await expect(installerApply(join(REPO_ROOT, 'config/manager'))).resolves.toContain('serverside-applied');

    // The console turned on: the operator opens its port; the overlay's copy agrees.
    const consoleFlags = parseFlags([...managerArgs(), '--console-bind-address=:9443'], {});
    expect(
      await applyOperatorNetworkPolicy(operator, OPERATOR_NAMESPACE, operatorPorts(consoleFlags), log),
    ).toBe(true);
    expect(portsOf(await getPolicy())).toEqual([8443, 9443]);
    await expect(installerApply(overlay)).resolves.toContain('serverside-applied');
  });

  it('applies it at start from the ports it serves, and not at all with --network-policy=false', async () => {
    await admin.delete(POLICY_REF);
    const run = async (extra: string[], until: () => Promise<boolean>) => {
      const stop = new AbortController();
      const done = runOperator(
        [
          '--kubeconfig',
          kubeconfig,
          `--metrics-bind-address=127.0.0.1:${metricsPort}`,
          '--health-probe-bind-address=0',
          '--log-level=warn',
          ...extra,
        ],
        [],
        { signals: false, signal: stop.signal, env: { POD_NAMESPACE: OPERATOR_NAMESPACE } },
      );
      try {
        await eventually(until, { message: 'the policy applied at start' });
      } finally {
        stop.abort();
      }
      expect(await done).toBe(0);
    };
    const metricsPort = await freePort();
    await run([], async () => portsOf(await getPolicy())?.[0] === metricsPort);
    expect(portsOf(await getPolicy())).toEqual([metricsPort]);

    await admin.delete(POLICY_REF);
    // Stopped at once: runOperator applies the policy before it starts the manager, so it would
    // have been written by the time the run has returned.
    await run(['--network-policy=false'], () => Promise.resolve(true));
    expect(await getPolicy()).toBeUndefined();
  });

  it('logs a refusal and goes on', async () => {
    const { log, path } = fileLogger(cp, 'refused');
    // The operator may write its NetworkPolicy only in its own namespace.
    expect(
      await applyOperatorNetworkPolicy(operator, 'default', { metrics: 8443, console: undefined }, log),
    ).toBe(false);
    const line = logLines(path).find((l) =>
      String(l.msg).includes("could not apply the operator's NetworkPolicy"),
    );
    expect(line).toMatchObject({
      namespace: 'default',
      objects: [`NetworkPolicy/${OPERATOR_NETWORK_POLICY_NAME}`],
    });
    expect(String(line?.err)).toMatch(/forbidden/i);
  });
});

describe("the console's Route (real API server)", () => {
  const ROUTE_REF = {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    name: CONSOLE_ROUTE_NAME,
    namespace: OPERATOR_NAMESPACE,
  };
  type Route = KubeObject & { spec?: object };

  /** Whether the console answers `GET /info` (its certificate is self-signed here). */
  const consoleAnswers = (port: number) =>
    new Promise<boolean>((resolve) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port, path: '/info', rejectUnauthorized: false, timeout: 2_000 },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('error', () => resolve(false));
      req.end();
    });

  /**
   * Runs the operator with the console on until the console answers, then stops it. The Route is
   * applied before the console server starts, so by then it exists if it ever will.
   */
  async function runConsole(extra: string[]): Promise<void> {
    const staticDir = mkdtempSync(join(tmpdir(), 'console-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
    const port = await freePort();
    const stop = new AbortController();
    const done = runOperator(
      [
        '--kubeconfig',
        kubeconfig,
        '--metrics-bind-address=0',
        '--health-probe-bind-address=0',
        '--network-policy=false',
        `--console-bind-address=127.0.0.1:${port}`,
        `--console-static-dir=${staticDir}`,
        '--log-level=warn',
        ...extra,
      ],
      [consoleControllerFactory],
      { signals: false, signal: stop.signal, env: { POD_NAMESPACE: OPERATOR_NAMESPACE } },
    );
    try {
      await eventually(() => consoleAnswers(port), { message: 'the console answering' });
    } finally {
      stop.abort();
      rmSync(staticDir, { recursive: true, force: true });
    }
    expect(await done).toBe(0);
  }

  it('is applied at start with --console-route, with only the generated RBAC, and not without it', async () => {
    await runConsole([]);
    expect(await admin.get(ROUTE_REF)).toBeUndefined();

    await runConsole(['--console-route']);
    const route = (await admin.get<Route>(ROUTE_REF)) as Route;
    // The CRD's defaults (weight, wildcardPolicy) come on top.
    expect(route.spec).toMatchObject(consoleRoute(OPERATOR_NAMESPACE).spec);
    expect(managers(route)).toContain(CONSOLE_ROUTE_FIELD_MANAGER);
  });

  it('is the object config/console/route.yaml ships, so the installer re-applies it without a conflict', async () => {
    const shipped = parse(readFileSync(join(REPO_ROOT, 'config/console/route.yaml'), 'utf8')) as unknown;
    expect(shipped).toEqual(consoleRoute(OPERATOR_NAMESPACE));
    await expect(
      cp.kubectl([
        'apply',
        '--server-side',
        '--field-manager=installer',
        '-f',
        join(REPO_ROOT, 'config/console/route.yaml'),
      ]),
    ).resolves.toContain('serverside-applied');
  });
});
