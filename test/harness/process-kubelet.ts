/**
 * A kubelet for programs we build: Deployments whose image maps to a locally built binary run as
 * local processes, so an operator on a cluster (the klusterlet operator) really starts, replaces
 * and stops the programs it deploys (the klusterlet agent) when it changes their Deployments.
 *
 * For each such Deployment (one container, one replica) it:
 * - materializes the pod's Secret, ConfigMap and emptyDir volumes (`maestro-process.ts`), and
 *   keeps Secret and ConfigMap volumes in sync with the API server while the pod runs;
 * - resolves env and `$(VAR)` references as the kubelet does;
 * - runs the container's command and args with these rewrites, and ONLY these, each recorded in
 *   `pod.rewrites` (the tests assert them):
 *   1. `binary`: argv[0] (the image's program, e.g. `/registration-operator`) → the local binary;
 *   2. `mount-path`: a mount path prefix in an argument → the materialized directory; and a flag
 *      the container leaves at a default that names a mount path (from the program's own
 *      `--help`, e.g. the agent's `--hub-kubeconfig-dir` default `/spoke/hub-kubeconfig`) is added
 *      with the materialized path, so nothing is ever read or written outside the pod's directory;
 *   3. `in-cluster`: `--kubeconfig=<file>` with a token of the pod's ServiceAccount (TokenRequest),
 *      since outside a pod there is no /var/run/secrets/kubernetes.io/serviceaccount; the
 *      program authenticates as that ServiceAccount, so its RBAC is real;
 *   4. `namespace`: `--namespace=<pod namespace>` (in a pod, read from the same directory);
 *   5. `listen`: `--listen=127.0.0.1:<free port>` for the health/metrics server every library-go
 *      controller command starts (in a pod each has its own network namespace);
 *   6. `file-mount-path`: a mount path named inside a mounted file (Maestro's MQTT `config.yaml`
 *      names `/secrets/mqtt/ca.crt`) → the materialized directory, in the pod's copy only.
 *   Names of in-cluster Services the test maps with `hosts` resolve in the process's own
 *   /etc/hosts (a private mount namespace, `withHosts`), as cluster DNS would answer them.
 * - reports the Deployment rolled out (status replicas, ready, available, updated,
 *   observedGeneration) once its process runs and its readiness probe passes (an httpGet probe is
 *   sent to the process's `--listen` address, TLS unverified as the kubelet's is), and not ready
 *   while it is down or failing the probe;
 * - starts a new process when the pod template changes (old one stopped first, as with the
 *   Recreate strategy) and restarts one that exits, with back-off, as a kubelet would.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { V1PodSpec } from '@kubernetes/client-node';
import {
  Informer,
  isNotFound,
  silentLogger,
  type KubeClient,
  type KubeObject,
} from '../../src/runtime/index.js';
import type { ControlPlane } from './control-plane.js';
import {
  expandRefs,
  materializeVolumes,
  resolveEnv,
  rewriteMountPath,
  withHosts,
  writeFileAtomically,
  type PlainObject,
} from './maestro-process.js';
import { freePort } from './ports.js';
import { spawnManaged, type ManagedProcess } from './processes.js';

const run = promisify(execFile);

export type ProcessRewriteReason =
  'binary' | 'mount-path' | 'in-cluster' | 'namespace' | 'listen' | 'file-mount-path';

export interface ProcessRewrite {
  reason: ProcessRewriteReason;
  /** The argument as rendered, or '' for an added flag. */
  from: string;
  to: string;
}

export interface ProcessPod {
  /** `<namespace>/<deployment>`. */
  readonly key: string;
  readonly image: string;
  readonly binary: string;
  readonly argv: string[];
  readonly rewrites: ProcessRewrite[];
  readonly logFile: string;
  /** How many times this pod's process was started (restarts + 1). */
  readonly starts: number;
  running(): boolean;
}

export interface ProcessKubeletOptions {
  cp: ControlPlane;
  /** An admin client of `cp`. */
  client: KubeClient;
  /** The local executable for an image, or undefined to leave the Deployment alone. */
  binaryFor(image: string): Promise<string | undefined>;
  /** In-cluster host names and the loopback address each stands for (cluster DNS). */
  hosts?: Record<string, string>;
}

export interface ProcessKubelet {
  /** The pods running (or restarting) now, by `<namespace>/<deployment>`. */
  pod(key: string): ProcessPod | undefined;
  /** Deletes the Deployment's pod (`kubectl delete pod`): its replacement is a new pod, with fresh emptyDirs. */
  deletePod(key: string): Promise<void>;
  stop(): Promise<void>;
}

interface Deployment extends KubeObject {
  spec?: { replicas?: number; template?: { spec?: V1PodSpec } };
  status?: { observedGeneration?: number; readyReplicas?: number };
}

interface Pod {
  key: string;
  hash: string;
  image: string;
  binary: string;
  argv: string[];
  env: Record<string, string>;
  rewrites: ProcessRewrite[];
  dir: string;
  logFile: string;
  process?: ManagedProcess;
  starts: number;
  stopped: boolean;
  sync?: NodeJS.Timeout;
  /** The readiness probe's URL (https://127.0.0.1:<listen port><path>), if the container has one. */
  probe?: string;
  ready: boolean;
  /** Mount path → local directory, for rewriting paths inside refreshed files. */
  mounts: Record<string, string>;
}

/** Starts the process kubelet on `cp` (see the file comment). */
export async function startProcessKubelet(opts: ProcessKubeletOptions): Promise<ProcessKubelet> {
  const { cp, client } = opts;
  const pods = new Map<string, Pod>();
  const informer = new Informer<Deployment>({
    client,
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    logger: silentLogger,
  });
  let chain = Promise.resolve();
  let stopped = false;
  // One Deployment at a time, in event order: a kubelet's sync loop, not a race.
  const enqueue = (job: () => Promise<void>) => {
    chain = chain.then(job).catch((err: unknown) => console.warn(`process kubelet: ${String(err)}`));
  };

  const report = async (d: Deployment, ready: boolean) => {
    const replicas = d.spec?.replicas ?? 1;
    const n = ready ? replicas : 0;
    await client
      .patch(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: d.metadata.namespace,
          name: d.metadata.name ?? '',
        },
        {
          status: {
            observedGeneration: d.metadata.generation,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: n,
            availableReplicas: n,
            unavailableReplicas: replicas - n,
            conditions: [
              {
                type: 'Available',
                status: ready ? 'True' : 'False',
                reason: ready ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
              },
              { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
            ],
          },
        },
        'merge',
        { subresource: 'status' },
      )
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
  };

  const stopPod = async (pod: Pod) => {
    pod.stopped = true;
    if (pod.sync) clearInterval(pod.sync);
    await pod.process?.stop('SIGTERM', 10_000);
    pods.delete(pod.key);
    if (process.env.KEEP_CONTROL_PLANE !== '1') rmSync(pod.dir, { recursive: true, force: true });
  };

  const sync = async (d: Deployment) => {
    const key = `${d.metadata.namespace ?? ''}/${d.metadata.name ?? ''}`;
    const spec = d.spec?.template?.spec;
    const container = spec?.containers.length === 1 ? spec.containers[0] : undefined;
    const binary = container?.image ? await opts.binaryFor(container.image) : undefined;
    const current = pods.get(key);
    if (!spec || !container || !binary || (d.spec?.replicas ?? 1) === 0) {
      if (current) await stopPod(current);
      return;
    }
    const hash = createHash('sha256').update(JSON.stringify(d.spec?.template)).digest('hex').slice(0, 10);
    if (current?.hash === hash) {
      await report(d, current.ready);
      return;
    }
    if (current) await stopPod(current);
    const pod = await preparePod(d, spec, binary, hash);
    if (!pod) {
      // A Secret or ConfigMap the pod mounts is not there yet: try again, as a kubelet does.
      setTimeout(() => {
        const latest = informer.get(d.metadata.namespace, d.metadata.name ?? '');
        if (latest && !stopped) enqueue(() => sync(latest));
      }, 2_000).unref();
      return;
    }
    pods.set(key, pod);
    startProcess(pod, d);
  };

  const preparePod = async (
    d: Deployment,
    spec: V1PodSpec,
    binary: string,
    hash: string,
  ): Promise<Pod | undefined> => {
    const namespace = d.metadata.namespace ?? 'default';
    const name = d.metadata.name ?? '';
    const container = spec.containers[0];
    if (!container) return undefined;
    // A pod is `<deployment>-<template hash>-<suffix>`, as a ReplicaSet names it: a process that
    // restarts stays the same pod (same name, same emptyDirs); a replaced pod is a new one.
    const podName = `${name}-${hash}-${randomBytes(3).toString('hex').slice(0, 5)}`;
    const dir = join(cp.dir, 'pods', `${namespace}_${podName}`);
    mkdirSync(dir, { recursive: true });
    const objects = await podObjects(client, namespace);
    let mounts: Record<string, string>;
    const rewrites: ProcessRewrite[] = [];
    try {
      mounts = materializeVolumes(spec, objects, namespace, dir).mounts(container.name);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return undefined;
    }
    rewrites.push(...rewriteFileMountPaths(spec, dir, mounts));
    const env = resolveEnv(container, objects, { name: podName, namespace });
    const rendered = [...(container.command ?? []), ...(container.args ?? [])].map(
      (a) => expandRefs(a, env).value,
    );
    const argv = rendered.map((arg, i) => {
      const to = i === 0 ? binary : rewriteMountPath(arg, mounts);
      if (to !== arg) rewrites.push({ reason: i === 0 ? 'binary' : 'mount-path', from: arg, to });
      return to;
    });
    for (const [flag, value] of await mountPathDefaults(argv, mounts)) {
      argv.push(`${flag}=${value}`);
      rewrites.push({ reason: 'mount-path', from: '', to: `${flag}=${value}` });
    }
    const add = (reason: ProcessRewriteReason, flag: string, value: string) => {
      if (argv.some((a) => a === flag || a.startsWith(`${flag}=`))) return;
      argv.push(`${flag}=${value}`);
      rewrites.push({ reason, from: '', to: `${flag}=${value}` });
    };
    const sa = spec.serviceAccountName ?? 'default';
    add('in-cluster', '--kubeconfig', await serviceAccountKubeconfig(cp, namespace, sa, dir));
    add('namespace', '--namespace', namespace);
    add('listen', '--listen', `127.0.0.1:${await freePort()}`);
    const httpGet = container.readinessProbe?.httpGet;
    const listen = argv.find((a) => a.startsWith('--listen='))?.slice('--listen='.length);
    return {
      probe:
        httpGet && listen
          ? `${(httpGet.scheme ?? 'HTTP').toLowerCase()}://${listen}${httpGet.path ?? '/'}`
          : undefined,
      ready: false,
      mounts,
      key: `${namespace}/${name}`,
      hash,
      image: container.image ?? '',
      binary,
      argv,
      env,
      rewrites,
      dir,
      logFile: join(dir, 'container.log'),
      starts: 0,
      stopped: false,
    };
  };

  const startProcess = (pod: Pod, d: Deployment) => {
    const [binary, ...rest] = pod.argv;
    if (!binary) return;
    pod.starts++;
    const [command, args] = withHosts(opts.hosts ?? {}, join(pod.dir, 'etc-hosts'), binary, rest);
    const proc = spawnManaged(`pod ${pod.key}`, command, args, {
      logFile: pod.logFile,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...pod.env },
      cwd: pod.dir,
    });
    pod.process = proc;
    // Secret and ConfigMap volumes follow the API server, as the kubelet's sync does; readiness
    // is probed on the same beat.
    pod.sync ??= setInterval(() => {
      void refreshVolumes(pod, d).catch(() => undefined);
      void probeReadiness(pod, d);
    }, 1_000);
    void probeReadiness(pod, d);
    void proc.exited.then(async () => {
      if (pod.stopped) return;
      pod.ready = false;
      await report(d, false);
      // CrashLoopBackOff, short: 1 s, 2 s, 4 s, at most 10 s.
      const delay = Math.min(10_000, 1_000 * 2 ** Math.min(pod.starts - 1, 4));
      setTimeout(() => {
        if (pod.stopped) return;
        startProcess(pod, d);
      }, delay).unref();
    });
  };

  const probeReadiness = async (pod: Pod, d: Deployment) => {
    const ready = (pod.process?.running() ?? false) && (pod.probe ? await httpOk(pod.probe) : true);
    if (ready === pod.ready || pod.stopped) return;
    pod.ready = ready;
    await report(d, ready).catch(() => undefined);
  };

  const refreshVolumes = async (pod: Pod, d: Deployment) => {
    const spec = d.spec?.template?.spec;
    if (!spec || pod.stopped) return;
    const namespace = d.metadata.namespace ?? 'default';
    // As the kubelet's atomic writer: a changed file is replaced whole, already carrying the local
    // mount paths (the program never reads a half-written file, nor one naming in-pod paths).
    const objects = await podObjects(client, namespace);
    materializeVolumes({ ...spec, containers: [] }, objects, namespace, pod.dir, (value) => {
      const text = value.toString('utf8');
      const next = withLocalMountPaths(text, pod.mounts).text;
      return next === text ? value : Buffer.from(next);
    });
  };

  informer.addHandler({
    add: (d) => enqueue(() => sync(d)),
    update: (_old, d) => enqueue(() => sync(d)),
    delete: (d) =>
      enqueue(async () => {
        const p = pods.get(`${d.metadata.namespace ?? ''}/${d.metadata.name ?? ''}`);
        if (p) await stopPod(p);
      }),
  });
  informer.start();
  await informer.waitForSync();

  return {
    pod(key) {
      const p = pods.get(key);
      if (!p) return undefined;
      return {
        key: p.key,
        image: p.image,
        binary: p.binary,
        argv: p.argv,
        rewrites: p.rewrites,
        logFile: p.logFile,
        starts: p.starts,
        running: () => p.process?.running() ?? false,
      };
    },
    async deletePod(key) {
      const p = pods.get(key);
      if (p) await stopPod(p);
      const [namespace, name] = key.split('/');
      const latest = informer.get(namespace, name ?? '');
      if (latest) enqueue(() => sync(latest));
      await chain;
    },
    async stop() {
      stopped = true;
      await informer.stop();
      await chain;
      await Promise.all([...pods.values()].map((p) => stopPod(p)));
    },
  };
}

/**
 * Rewrites mount paths named inside the files of the pod's Secret and ConfigMap volumes
 * (`<dir>/volumes/<volume>/…`; never an emptyDir, which the program writes itself) to their local
 * directories, as the `file-mount-path` rewrites it returns (one per file and mount path).
 */
function rewriteFileMountPaths(
  spec: V1PodSpec,
  dir: string,
  mounts: Record<string, string>,
): ProcessRewrite[] {
  const rewrites: ProcessRewrite[] = [];
  const root = join(dir, 'volumes');
  const files = (spec.volumes ?? [])
    .filter((v) => (v.secret || v.configMap) && existsSync(join(root, v.name)))
    .flatMap((v) =>
      readdirSync(join(root, v.name), { recursive: true, encoding: 'utf8' }).map((f) =>
        join(root, v.name, f),
      ),
    );
  for (const file of files) {
    if (!statSync(file).isFile()) continue;
    const text = readFileSync(file, 'utf8');
    const next = withLocalMountPaths(text, mounts);
    for (const mountPath of next.rewritten)
      rewrites.push({
        reason: 'file-mount-path',
        from: `${relative(root, file)}: ${mountPath}/`,
        to: `${mounts[mountPath] ?? ''}/`,
      });
    if (next.text !== text) writeFileAtomically(file, next.text, statSync(file).mode & 0o777);
  }
  return rewrites;
}

/** `text` with each mount path it names (`<mountPath>/…`) replaced by its local directory. */
function withLocalMountPaths(
  text: string,
  mounts: Record<string, string>,
): { text: string; rewritten: string[] } {
  let next = text;
  const rewritten: string[] = [];
  for (const [mountPath, local] of Object.entries(mounts)) {
    if (!next.includes(`${mountPath}/`)) continue;
    next = next.split(`${mountPath}/`).join(`${local}/`);
    rewritten.push(mountPath);
  }
  return { text: next, rewritten };
}

const helpTexts = new Map<string, Promise<string>>();

/**
 * Flags not given in argv whose default (as the program's `--help` for its subcommand prints it)
 * lies under one of the container's mount paths, with that default rewritten to the local path.
 */
async function mountPathDefaults(
  argv: string[],
  mounts: Record<string, string>,
): Promise<[string, string][]> {
  const [binary, subcommand] = argv;
  if (!binary) return [];
  const args = subcommand && !subcommand.startsWith('-') ? [subcommand, '--help'] : ['--help'];
  const key = [binary, ...args].join(' ');
  let help = helpTexts.get(key);
  if (!help) {
    help = run(binary, args, { maxBuffer: 8 << 20 }).then(
      (r) => r.stdout + r.stderr,
      (err: { stdout?: string; stderr?: string }) => (err.stdout ?? '') + (err.stderr ?? ''),
    );
    helpTexts.set(key, help);
  }
  const out: [string, string][] = [];
  for (const m of (await help).matchAll(/^\s+(?:-\w, )?(--[\w-]+) \w+\s.*\(default "([^"]+)"\)\s*$/gm)) {
    const [, flag, value] = m;
    if (!flag || !value || argv.some((a) => a === flag || a.startsWith(`${flag}=`))) continue;
    const local = rewriteMountPath(value, mounts);
    if (local !== value) out.push([flag, local]);
  }
  return out;
}

/** A kubelet's httpGet probe: any 2xx or 3xx within a second passes; TLS is not verified. */
function httpOk(url: string): Promise<boolean> {
  return new Promise((resolveOk) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { timeout: 1_000, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolveOk((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveOk(false));
  });
}

/** The Secrets and ConfigMaps of a namespace, as the pod's volumes and env read them. */
async function podObjects(client: KubeClient, namespace: string): Promise<PlainObject[]> {
  const [secrets, configMaps] = await Promise.all([
    client.list('v1', 'Secret', { namespace }),
    client.list('v1', 'ConfigMap', { namespace }),
  ]);
  return [...secrets.items, ...configMaps.items] as unknown as PlainObject[];
}

/** A kubeconfig with a fresh token of the ServiceAccount, written into the pod's directory. */
async function serviceAccountKubeconfig(
  cp: ControlPlane,
  namespace: string,
  sa: string,
  dir: string,
): Promise<string> {
  const token = (await cp.kubectl(['create', 'token', '-n', namespace, sa, '--duration=24h'])).trim();
  const path = join(dir, 'serviceaccount.kubeconfig');
  const ca = Buffer.from(cp.caCert).toString('base64');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: local, cluster: {server: "${cp.server}", certificate-authority-data: ${ca}}}]`,
      `users: [{name: sa, user: {token: ${token}}}]`,
      'contexts: [{name: local, context: {cluster: local, user: sa, namespace: ' + namespace + '}}]',
      'current-context: local',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return path;
}
