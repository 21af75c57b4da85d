/**
 * Runs a rendered pod's containers as local processes, the way a kubelet would run them, so tests
 * can check that the configuration the operator renders works with the real programs.
 *
 * Given the rendered workload (Deployment `maestro`, or any Deployment/StatefulSet) and the
 * Secrets and ConfigMaps its pod mounts, `preparePod`:
 * - materializes every volume into a temp directory (Secret/ConfigMap: one file per key, honouring
 *   `items` key→path mappings and modes; emptyDir: an empty directory; a mount is a symlink from
 *   `<dir>/containers/<container>/<mountPath>` to the volume, so containers share volumes as in a pod);
 * - resolves the container env (`value`, `fieldRef`, `secretKeyRef`, `configMapKeyRef`) and expands
 *   `$(VAR)` references in command and args as the kubelet does;
 * - rewrites command and args, and records every rewrite (`PreparedContainer.rewrites`). The ONLY rewrites:
 *   1. the image's binary path (`command[0]`, e.g. `/usr/local/bin/maestro`) → the local binary
 *      given in `binaries` (the same program, built from its Go module);
 *   2. `$(VAR)` → the value of VAR from the rendered env (what the kubelet does; `$(POD_NAME)` is the
 *      pod name given in `podName`, since metadata.name comes from the downward API);
 *   3. the value of a port flag the render set (`PORT_FLAGS`, e.g. `--http-server-bindport=8000`,
 *      or the port of `--secure-listen-address=:8000`) → a free loopback port, so tests can run in
 *      parallel; `ports` maps each container port name to its local port, and every declared
 *      container port must be set by such a flag; a loopback URL naming such a port (another
 *      container of the pod, e.g. `--upstream=https://localhost:8001/`) moves with it;
 *   4. a volume mount path prefix in a flag value or argument (e.g. `/secrets/rds/host`)
 *      → the same path under the materialized mount (`<dir>/containers/service/secrets/rds/host`).
 *   Everything else is passed through verbatim (asserted here, and checked again by the tests).
 * - optionally rewrites Secret values that name network endpoints, recorded in `valueRewrites`:
 *   `database`: the files the `--db-host-file` / `--db-port-file` flags point at (the DB Secret's
 *   host and port) → the test's PostgreSQL; `mqttBroker`: the port of `brokerHost` in the file
 *   `--message-broker-config-file` points at (the host name is kept: see `hosts`), and mount path
 *   prefixes of the certificate paths in it (rewrite 4, applied inside that file).
 * - `hosts` names resolve to the given addresses for the processes only: they run in a private
 *   mount namespace (`unshare -m`) with their own /etc/hosts bind-mounted over the real one, so
 *   TLS host name verification happens against the rendered names, never disabled.
 *
 * The process env is the container env plus PATH (a container has its image's PATH), and TMPDIR
 * pointing at the volume mounted at /tmp when there is one (the pod's writable /tmp).
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import type { V1Container, V1EnvVar, V1PodSpec, V1Volume } from '@kubernetes/client-node';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { REPO_ROOT } from './control-plane.js';
import { freePort } from './ports.js';
import { spawnManaged, type ManagedProcess } from './processes.js';

const run = promisify(execFile);

/** The plain JSON of a Kubernetes object (what `renderMaestro` returns in `objects[].object`). */
export interface PlainObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

/** Flags whose value is a listening port: the only flag values rewritten (to free ports). */
export const PORT_FLAGS = [
  '--http-server-bindport',
  '--grpc-server-bindport',
  '--grpc-broker-bindport',
  '--health-check-server-bindport',
  '--metrics-server-bindport',
  // kube-rbac-proxy (the REST proxy): `[host]:port`, only the port is rewritten.
  '--secure-listen-address',
] as const;

/** The port of a port flag's value: the number itself, or what follows the last `:` of an address. */
function portOfFlagValue(value: string): string | undefined {
  const port = /^(?:.*:)?(\d+)$/.exec(value)?.[1];
  return port;
}

/**
 * A loopback URL in an argument (`https://localhost:8001/`): in a pod, containers share the
 * network namespace, so it names another container's port, which moves with that port.
 */
const LOOPBACK_URL = /(:\/\/(?:localhost|127\.0\.0\.1):)(\d+)/g;

export type RewriteReason = 'binary' | 'env' | 'port' | 'mount-path';

export interface ArgRewrite {
  index: number;
  from: string;
  to: string;
  reason: RewriteReason;
}

export interface ValueRewrite {
  /** e.g. `Secret maestro-db-config key host`. */
  source: string;
  from: string;
  to: string;
  reason: string;
}

export interface PreparedContainer {
  name: string;
  /** command + args exactly as rendered. */
  rendered: string[];
  /** What runs (same length as `rendered`). */
  argv: string[];
  rewrites: ArgRewrite[];
  /** The resolved container env (not including PATH/TMPDIR). */
  env: Record<string, string>;
  /** Local directory of each mount path of this container. */
  mounts: Record<string, string>;
}

export interface PreparedPod {
  dir: string;
  podName: string;
  initContainers: PreparedContainer[];
  containers: PreparedContainer[];
  /** Container port name → local port (e.g. `health` → 41234). */
  ports: Record<string, number>;
  valueRewrites: ValueRewrite[];
  /** Log file of a container's process. */
  logFile(container: string): string;
  /** http://127.0.0.1:<port><path> of a container's readiness (or liveness) httpGet probe. */
  probeUrl(container: string, probe: 'readinessProbe' | 'livenessProbe'): string;
  /** Runs the init containers in order, each to completion; throws with the log tail on failure. */
  runInitContainers(): Promise<void>;
  /** Starts a container's process (kept until `stop`). */
  start(container: string): ManagedProcess;
  /** Stops every process this pod started and removes the directory (kept with KEEP_MAESTRO_PODS=1). */
  stop(): Promise<void>;
}

export interface PreparePodOptions {
  /** The Deployment or StatefulSet whose pod template runs. */
  workload: PlainObject;
  /** Objects the pod may mount or reference: the rendered objects plus Secrets the user supplies. */
  objects: PlainObject[];
  /** Image path of an executable (`command[0]`) → local executable. */
  binaries: Record<string, string>;
  podName: string;
  /**
   * Point the DB Secret (through --db-host-file/--db-port-file) at this server. Without `host`
   * the rendered host name is kept (resolve it with `hosts`), so TLS checks the rendered name.
   */
  database?: { host?: string; port: number };
  /** Point brokerHost of the --message-broker-config-file at this port (host name kept). */
  mqttBroker?: { port: number };
  /** Extra /etc/hosts entries for the processes (name → address). */
  hosts?: Record<string, string>;
  /**
   * What the kubelet gives a pod with `automountServiceAccountToken: true`: the token and CA under
   * /var/run/secrets/kubernetes.io/serviceaccount (a tmpfs over /run in the process's private
   * mount namespace) and KUBERNETES_SERVICE_HOST/PORT. Required for such pods.
   */
  serviceAccount?: { host: string; port: number; token: string; caCert: string };
}

let maestroOnce: Promise<string> | undefined;

/** Builds the Maestro server from its pinned Go module once per process; returns the binary path. */
export function maestroBinary(): Promise<string> {
  maestroOnce ??= run('bash', [join(REPO_ROOT, 'hack/build-maestro.sh')], { maxBuffer: 64 << 20 }).then(
    (r) => r.stdout.trim().split('\n').pop() ?? '',
  );
  return maestroOnce;
}

let restProxyOnce: Promise<string> | undefined;

/** Builds kube-rbac-proxy (the REST proxy) from its pinned Go module once per process. */
export function restProxyBinary(): Promise<string> {
  restProxyOnce ??= run('bash', [join(REPO_ROOT, 'hack/build-maestro.sh'), 'kube-rbac-proxy'], {
    maxBuffer: 64 << 20,
  }).then((r) => r.stdout.trim().split('\n').pop() ?? '');
  return restProxyOnce;
}

/** The pod template spec of a Deployment or StatefulSet. */
export function podSpecOf(workload: PlainObject): V1PodSpec {
  const spec = (workload.spec as { template?: { spec?: V1PodSpec } } | undefined)?.template?.spec;
  if (!spec) throw new Error(`${workload.kind} ${workload.metadata.name} has no pod template`);
  return spec;
}

/** A rendered object by kind and name, or an error naming what is missing. */
export function findObject(
  objects: PlainObject[],
  kind: string,
  name: string,
  namespace?: string,
): PlainObject {
  const hit = objects.find(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (!hit) throw new Error(`${kind} ${namespace ?? ''}/${name} is not among the objects`);
  return hit;
}

function decodedData(obj: PlainObject): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const b64 = (obj.kind === 'Secret' ? obj.data : obj.binaryData) as Record<string, string> | undefined;
  const plain = (obj.kind === 'Secret' ? obj.stringData : obj.data) as Record<string, string> | undefined;
  for (const [k, v] of Object.entries(b64 ?? {})) out[k] = Buffer.from(v, 'base64');
  for (const [k, v] of Object.entries(plain ?? {})) out[k] = Buffer.from(v, 'utf8');
  return out;
}

/** Where each file of a materialized volume came from, for documenting value rewrites. */
type FileOrigins = Map<string, string>;

/** What a volume file holds when written: its Secret or ConfigMap value, possibly rewritten. */
export type FileContent = (value: Buffer) => Buffer;

/**
 * Writes `file` as the kubelet's atomic writer does: a reader sees the old content or the new,
 * never a truncated file (a klusterlet agent that read its bootstrap kubeconfig empty panicked,
 * and its successor then waited minutes for the leader lease the dead one still held). An
 * unchanged file is left alone.
 */
export function writeFileAtomically(file: string, content: Buffer | string, mode = 0o644): void {
  const next = typeof content === 'string' ? Buffer.from(content) : content;
  if (existsSync(file) && (statSync(file).mode & 0o777) === mode && readFileSync(file).equals(next)) return;
  const tmp = join(dirname(file), `..${basename(file)}.tmp`);
  writeFileSync(tmp, next, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

/**
 * Materializes the pod's volumes under `<dir>/volumes/<name>` and links each container's mount
 * paths under `<dir>/containers/<container>/`. Throws for a missing non-optional Secret/ConfigMap
 * (the pod would not start) and for volume types the harness does not know.
 */
export function materializeVolumes(
  spec: V1PodSpec,
  objects: PlainObject[],
  namespace: string,
  dir: string,
  content: FileContent = (value) => value,
): { mounts: (container: string) => Record<string, string>; origins: FileOrigins } {
  const origins: FileOrigins = new Map();
  const volumeDirs = new Map<string, string>();
  for (const volume of spec.volumes ?? []) {
    const vdir = join(dir, 'volumes', volume.name);
    mkdirSync(vdir, { recursive: true });
    volumeDirs.set(volume.name, vdir);
    writeVolume(volume, objects, namespace, vdir, origins, content);
  }
  const all = [...(spec.initContainers ?? []), ...spec.containers];
  const byContainer = new Map<string, Record<string, string>>();
  for (const c of all) {
    const mounts: Record<string, string> = {};
    for (const m of c.volumeMounts ?? []) {
      const vdir = volumeDirs.get(m.name);
      if (!vdir) throw new Error(`container ${c.name} mounts unknown volume ${m.name}`);
      const target = m.subPath ? join(vdir, m.subPath) : vdir;
      const local = join(dir, 'containers', c.name, m.mountPath);
      mkdirSync(dirname(local), { recursive: true });
      if (!existsSync(local)) symlinkSync(target, local);
      else if (readlinkSync(local) !== target) throw new Error(`${c.name}: ${m.mountPath} mounted twice`);
      mounts[m.mountPath] = local;
    }
    byContainer.set(c.name, mounts);
  }
  return {
    mounts: (name) => {
      const m = byContainer.get(name);
      if (!m) throw new Error(`no container ${name}`);
      return m;
    },
    origins,
  };
}

function writeVolume(
  volume: V1Volume,
  objects: PlainObject[],
  namespace: string,
  vdir: string,
  origins: FileOrigins,
  content: FileContent,
): void {
  if (volume.emptyDir) return;
  const source = volume.secret
    ? {
        kind: 'Secret',
        name: volume.secret.secretName ?? '',
        items: volume.secret.items,
        mode: volume.secret.defaultMode,
        optional: volume.secret.optional,
      }
    : volume.configMap
      ? {
          kind: 'ConfigMap',
          name: volume.configMap.name ?? '',
          items: volume.configMap.items,
          mode: volume.configMap.defaultMode,
          optional: volume.configMap.optional,
        }
      : undefined;
  if (!source) throw new Error(`volume ${volume.name}: only secret, configMap and emptyDir are supported`);
  const obj = objects.find(
    (o) => o.kind === source.kind && o.metadata.name === source.name && o.metadata.namespace === namespace,
  );
  if (!obj) {
    if (source.optional) return;
    throw new Error(`volume ${volume.name}: ${source.kind} ${namespace}/${source.name} does not exist`);
  }
  const data = decodedData(obj);
  const entries = source.items
    ? source.items.map((item) => {
        const value = data[item.key];
        if (value === undefined) throw new Error(`${source.kind} ${source.name} has no key ${item.key}`);
        return { key: item.key, path: item.path, value, mode: item.mode ?? source.mode };
      })
    : Object.entries(data).map(([key, value]) => ({ key, path: key, value, mode: source.mode }));
  for (const e of entries) {
    const file = join(vdir, e.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomically(file, content(e.value), e.mode ?? 0o644);
    origins.set(file, `${source.kind} ${source.name} key ${e.key}`);
  }
}

/** Resolves a container's env as the kubelet would (fieldRef: metadata.name/namespace only). */
export function resolveEnv(
  container: V1Container,
  objects: PlainObject[],
  pod: { name: string; namespace: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) env[e.name] = envValue(e, objects, pod, env);
  return env;
}

function envValue(
  e: V1EnvVar,
  objects: PlainObject[],
  pod: { name: string; namespace: string },
  earlier: Record<string, string>,
): string {
  if (e.value !== undefined) return expandRefs(e.value, earlier).value;
  const from = e.valueFrom;
  if (from?.fieldRef) {
    if (from.fieldRef.fieldPath === 'metadata.name') return pod.name;
    if (from.fieldRef.fieldPath === 'metadata.namespace') return pod.namespace;
    throw new Error(`env ${e.name}: fieldRef ${from.fieldRef.fieldPath} is not supported`);
  }
  const ref = from?.secretKeyRef
    ? { kind: 'Secret', name: from.secretKeyRef.name ?? '', key: from.secretKeyRef.key }
    : from?.configMapKeyRef
      ? { kind: 'ConfigMap', name: from.configMapKeyRef.name ?? '', key: from.configMapKeyRef.key }
      : undefined;
  if (!ref) throw new Error(`env ${e.name}: unsupported source`);
  const obj = findObject(objects, ref.kind, ref.name, pod.namespace);
  const value = decodedData(obj)[ref.key];
  if (value === undefined) throw new Error(`env ${e.name}: ${ref.kind} ${ref.name} has no key ${ref.key}`);
  return value.toString('utf8');
}

/** Kubernetes `$(VAR)` expansion: defined names are replaced, `$$` escapes, the rest stays. */
export function expandRefs(s: string, env: Record<string, string>): { value: string; expanded: boolean } {
  let expanded = false;
  const value = s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    if (name !== undefined && name in env) {
      expanded = true;
      return env[name] ?? '';
    }
    return m;
  });
  return { value, expanded };
}

/** Replaces a mount path prefix (at a path boundary, at the start or after `=`). */
export function rewriteMountPath(value: string, mounts: Record<string, string>): string {
  // Longest mount path first, so /secrets/mqtt-certs wins over /secrets/mqtt.
  for (const mountPath of Object.keys(mounts).sort((a, b) => b.length - a.length)) {
    const local = mounts[mountPath] ?? '';
    const re = new RegExp(`(^|=)${escapeRegExp(mountPath)}(?=/|$)`);
    if (re.test(value)) return value.replace(re, (_m, pre: string) => `${pre}${local}`);
  }
  return value;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The value of `--flag=value` in argv, or undefined. */
export function flagValue(argv: string[], flag: string): string | undefined {
  const hit = argv.find((a) => a.startsWith(`${flag}=`));
  return hit?.slice(flag.length + 1);
}

/**
 * Wraps a command so it sees `hosts` in /etc/hosts: a private mount namespace (as root, or in a
 * user namespace mapped to root otherwise) with a copy of /etc/hosts plus the entries bind-mounted
 * over it. Nothing outside the process changes.
 */
export function withHosts(
  hosts: Record<string, string>,
  hostsFile: string,
  command: string,
  args: string[],
  serviceAccountDir?: string,
): [string, string[]] {
  if (Object.keys(hosts).length === 0 && !serviceAccountDir) return [command, args];
  const original = existsSync('/etc/hosts') ? readFileSync('/etc/hosts', 'utf8') : '127.0.0.1 localhost\n';
  const extra = Object.entries(hosts)
    .map(([name, addr]) => `${addr} ${name}`)
    .join('\n');
  writeFileSync(hostsFile, `${original.trimEnd()}\n# test harness\n${extra}\n`);
  const userns = process.getuid?.() === 0 ? [] : ['--map-root-user'];
  // The kubelet's token mount, at the fixed path client-go's in-cluster config reads.
  const sa = serviceAccountDir
    ? `mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount && cp "${serviceAccountDir}"/* /run/secrets/kubernetes.io/serviceaccount/ && `
    : '';
  return [
    'unshare',
    [
      ...userns,
      '--mount',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      '-c',
      `${sa}mount --bind "$0" /etc/hosts && exec "$@"`,
      hostsFile,
      command,
      ...args,
    ],
  ];
}

/**
 * Prepares `workload`'s pod to run locally (see the file comment for what is rewritten). Ports are
 * allocated here; no process starts until `runInitContainers` / `start`.
 */
export async function preparePod(opts: PreparePodOptions): Promise<PreparedPod> {
  const { workload, objects } = opts;
  const namespace = workload.metadata.namespace ?? 'default';
  const spec = podSpecOf(workload);
  const dir = mkdtempSync(join(tmpdir(), `mmo-pod-${opts.podName}-`));
  const { mounts, origins } = materializeVolumes(spec, objects, namespace, dir);
  const pod = { name: opts.podName, namespace };

  // One free port per distinct port value the render gave a port flag, shared by all containers.
  const portMap = new Map<string, number>();
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) {
      const flag = PORT_FLAGS.find((f) => arg.startsWith(`${f}=`));
      if (flag) {
        const value = portOfFlagValue(arg.slice(flag.length + 1));
        if (value === undefined) throw new Error(`${c.name}: ${arg} names no port`);
        if (!portMap.has(value)) portMap.set(value, await freePort());
      } else if (PORT_FLAGS.some((f) => arg === f)) {
        throw new Error(`${c.name}: port flag ${arg} without "=": the harness rewrites only --flag=value`);
      }
    }
  }

  const prepare = (c: V1Container): PreparedContainer => {
    const rendered = [...(c.command ?? []), ...(c.args ?? [])];
    const env = resolveEnv(c, objects, pod);
    const cmounts = mounts(c.name);
    const rewrites: ArgRewrite[] = [];
    const argv = rendered.map((arg, index) => {
      let value = arg;
      const record = (to: string, reason: RewriteReason) => {
        if (to !== value) rewrites.push({ index, from: value, to, reason });
        value = to;
      };
      if (index === 0) {
        const local = opts.binaries[arg];
        if (!local) throw new Error(`${c.name}: no local binary for ${arg}`);
        record(local, 'binary');
        return value;
      }
      record(expandRefs(value, env).value, 'env');
      const flag = PORT_FLAGS.find((f) => value.startsWith(`${f}=`));
      if (flag) {
        const given = value.slice(flag.length + 1);
        const port = portOfFlagValue(given) ?? '';
        record(`${flag}=${given.slice(0, given.length - port.length)}${portMap.get(port) ?? ''}`, 'port');
      }
      record(
        value.replace(LOOPBACK_URL, (all, prefix: string, port: string) => {
          const local = portMap.get(port);
          return local === undefined ? all : `${prefix}${local}`;
        }),
        'port',
      );
      record(rewriteMountPath(value, cmounts), 'mount-path');
      return value;
    });
    assertOnlyRecordedRewrites(c.name, rendered, argv, rewrites);
    return { name: c.name, rendered, argv, rewrites, env, mounts: cmounts };
  };
  const initContainers = (spec.initContainers ?? []).map(prepare);
  const containers = spec.containers.map(prepare);

  const ports: Record<string, number> = {};
  for (const c of spec.containers) {
    for (const p of c.ports ?? []) {
      const local = portMap.get(String(p.containerPort));
      if (local === undefined) {
        throw new Error(
          `${c.name}: container port ${p.name ?? ''}=${p.containerPort} is not set by any port flag (${PORT_FLAGS.join(', ')}), so it cannot be remapped`,
        );
      }
      if (p.name) ports[p.name] = local;
    }
  }

  const valueRewrites: ValueRewrite[] = [];
  const all = [...initContainers, ...containers];
  const fileOf = (flag: string): string | undefined => {
    for (const c of all) {
      const v = flagValue(c.argv, flag);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const rewriteFile = (flag: string, to: string, reason: string) => {
    const file = fileOf(flag);
    if (!file) throw new Error(`no container sets ${flag}`);
    const real = realFile(file);
    const from = readFileSync(real, 'utf8');
    if (from !== to) {
      writeFileSync(real, to);
      valueRewrites.push({ source: origins.get(real) ?? file, from, to, reason });
    }
  };
  if (opts.database) {
    if (opts.database.host !== undefined) {
      rewriteFile('--db-host-file', opts.database.host, 'the test PostgreSQL listens on loopback');
    }
    rewriteFile('--db-port-file', String(opts.database.port), 'the test PostgreSQL port');
  }
  if (opts.mqttBroker) {
    const file = fileOf('--message-broker-config-file');
    if (!file) throw new Error('no container sets --message-broker-config-file');
    const real = realFile(file);
    const doc = parseYaml(readFileSync(real, 'utf8')) as Record<string, unknown>;
    const source = origins.get(real) ?? file;
    const brokerHost = String(doc.brokerHost ?? '');
    const host = brokerHost.replace(/:\d+$/, '');
    const newHost = `${host}:${opts.mqttBroker.port}`;
    valueRewrites.push({
      source,
      from: `brokerHost: ${brokerHost}`,
      to: `brokerHost: ${newHost}`,
      reason: 'the test Mosquitto port',
    });
    doc.brokerHost = newHost;
    const service = containers.find((c) => flagValue(c.argv, '--message-broker-config-file') !== undefined);
    for (const key of ['caFile', 'clientCertFile', 'clientKeyFile'] as const) {
      const v = doc[key];
      if (typeof v === 'string' && service) {
        const local = rewriteMountPath(v, service.mounts);
        if (local !== v)
          valueRewrites.push({ source, from: `${key}: ${v}`, to: `${key}: ${local}`, reason: 'mount path' });
        doc[key] = local;
      }
    }
    writeFileSync(real, stringifyYaml(doc));
  }

  const hostsFile = join(dir, 'hosts');
  const saDir = join(dir, 'serviceaccount');
  if (spec.automountServiceAccountToken) {
    if (!opts.serviceAccount) throw new Error('the pod mounts a service account token: pass serviceAccount');
    mkdirSync(saDir, { recursive: true });
    writeFileSync(join(saDir, 'token'), opts.serviceAccount.token);
    writeFileSync(join(saDir, 'ca.crt'), opts.serviceAccount.caCert);
    writeFileSync(join(saDir, 'namespace'), namespace);
  }
  const saEnv: Record<string, string> =
    spec.automountServiceAccountToken && opts.serviceAccount
      ? {
          KUBERNETES_SERVICE_HOST: opts.serviceAccount.host,
          KUBERNETES_SERVICE_PORT: String(opts.serviceAccount.port),
        }
      : {};
  const procs: ManagedProcess[] = [];
  const logFile = (name: string) => join(dir, `${name}.log`);
  const spawn = (c: PreparedContainer): ManagedProcess => {
    const [cmd, args] = withHosts(
      opts.hosts ?? {},
      hostsFile,
      c.argv[0] ?? '',
      c.argv.slice(1),
      spec.automountServiceAccountToken ? saDir : undefined,
    );
    const cwd = join(dir, 'containers', c.name);
    mkdirSync(cwd, { recursive: true });
    const tmp = c.mounts['/tmp'];
    const proc = spawnManaged(`${opts.podName}/${c.name}`, cmd, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(tmp ? { TMPDIR: tmp } : {}), ...saEnv, ...c.env },
      cwd,
      logFile: logFile(c.name),
    });
    procs.push(proc);
    return proc;
  };

  return {
    dir,
    podName: opts.podName,
    initContainers,
    containers,
    ports,
    valueRewrites,
    logFile,
    probeUrl(name, kind) {
      const c = spec.containers.find((x) => x.name === name);
      const get = c?.[kind]?.httpGet;
      if (!get) throw new Error(`${name} has no ${kind} httpGet`);
      const port =
        typeof get.port === 'number'
          ? portMap.get(String(get.port))
          : (ports[String(get.port)] ?? portMap.get(String(get.port)));
      if (port === undefined) throw new Error(`${name} ${kind}: port ${String(get.port)} is not remapped`);
      return `http://127.0.0.1:${port}${get.path ?? '/'}`;
    },
    async runInitContainers() {
      for (const c of initContainers) {
        const code = await spawn(c).exited;
        if (code !== 0) {
          throw new Error(`init container ${c.name} exited with ${code}:\n${tail(logFile(c.name))}`);
        }
      }
    },
    start(name) {
      const c = containers.find((x) => x.name === name);
      if (!c) throw new Error(`no container ${name}`);
      return spawn(c);
    },
    async stop() {
      await Promise.all(procs.map((p) => p.stop('SIGTERM', 10_000)));
      if (process.env.KEEP_MAESTRO_PODS !== '1') rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Follows the mount symlink to the file in the volume directory. */
function realFile(path: string): string {
  if (!isAbsolute(path)) throw new Error(`${path} is not absolute`);
  const parts = normalize(path).split('/');
  for (let i = parts.length - 1; i > 0; i--) {
    const prefix = parts.slice(0, i).join('/');
    try {
      const target = readlinkSync(prefix);
      return join(target, ...parts.slice(i));
    } catch {
      // not a link: go up
    }
  }
  return path;
}

function assertOnlyRecordedRewrites(
  name: string,
  rendered: string[],
  argv: string[],
  rewrites: ArgRewrite[],
) {
  if (rendered.length !== argv.length) throw new Error(`${name}: argv length changed`);
  const touched = new Set(rewrites.map((r) => r.index));
  rendered.forEach((arg, i) => {
    if (!touched.has(i) && argv[i] !== arg)
      throw new Error(`${name}: argument ${i} changed without a record`);
  });
}

/** The last lines of a log file, for failure messages. */
export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
