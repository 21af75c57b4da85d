/**
 * What a failed wait on the real OCM world prints, so a CI failure on a loaded machine can be
 * explained from its log alone: per cluster, the agent pod the process kubelet runs (its driver
 * flags, starts, last log lines), the hub's ManagedCluster conditions, the cluster's CSRs and its
 * ManifestWorks' conditions; and the last error lines of each hub program.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../../src/runtime/index.js';
import type { ManagedProcess } from '../processes.js';
import type { OcmHub } from './hub.js';
import { isAccepted, isAvailable, managedClusterRef } from './managed-cluster.js';
import { AGENT_NAMESPACE, agentLogFile, type OcmSpoke } from './spoke.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  lastTransitionTime?: string;
}

// The agent logs the first every few seconds on a control plane without the request-header CA;
// the others are start-up lines, one per controller and worker.
const NOISE =
  /configmap_cafile_content|Waiting for caches to sync|Caches are synced|Starting worker of controller/;

function lastLines(file: string, n: number, keep: (line: string) => boolean = () => true): string[] {
  if (!existsSync(file)) return [`(no log at ${file})`];
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0 && !NOISE.test(l) && keep(l));
  // A forbidden agent repeats the same few reflector errors every second: keep each message once
  // (its last time) with how often it came, so the lines that differ still fit in CI's log.
  const counts = new Map<string, { line: string; count: number }>();
  for (const line of lines) {
    const shape = line.replace(/^[IWEF]\d{4} [\d:.]+\s+\d+ /, '');
    const seen = counts.get(shape);
    counts.delete(shape);
    counts.set(shape, { line, count: (seen?.count ?? 0) + 1 });
  }
  return [...counts.values()]
    .slice(-n)
    .map(({ line, count }) => `    ${count > 1 ? `(${count}×) ` : ''}${line.slice(0, 300)}`);
}

const conditionsOf = (o: KubeObject | undefined) =>
  ((o as { status?: { conditions?: Condition[] } } | undefined)?.status?.conditions ?? [])
    .map((c) => `${c.type}=${c.status}${c.reason ? `(${c.reason})` : ''}@${c.lastTransitionTime ?? '?'}`)
    .join(' ');

/**
 * A multi-line report of the world's state (never throws: it runs when something already failed).
 * CI keeps the head and the tail of a long log, so the order is: each cluster that is not
 * Available (its hub objects), a line per Available one, the hub programs' last errors, and last
 * the failing clusters' agent logs.
 */
export async function describeWorld(world: {
  readonly hub: OcmHub;
  readonly spokes: readonly OcmSpoke[];
}): Promise<string> {
  const hub = world.hub.client;
  const csrs = await hub.list('certificates.k8s.io/v1', 'CertificateSigningRequest').catch(() => undefined);
  const clusters = await Promise.all(
    world.spokes.map(async (spoke) => {
      const mc = await hub.get(managedClusterRef(spoke.name)).catch((err: unknown) => String(err));
      const available = typeof mc !== 'string' && isAvailable(mc);
      return {
        spoke,
        available,
        lines: await describeCluster(world.hub, spoke, mc, available, csrs?.items ?? []),
      };
    }),
  );
  const out: string[] = [`--- real OCM world at ${new Date().toISOString()} ---`];
  for (const c of clusters) if (!c.available) out.push(...c.lines);
  for (const c of clusters) if (c.available) out.push(...c.lines);
  const logs = join(world.hub.cp.dir, 'ocm');
  for (const [name, program] of world.hub.controllers) {
    // A hub program that died says so: nothing restarts it here, as a Deployment would.
    out.push(`hub ${name} (${await stateOf(program)}):`);
    out.push(...lastLines(join(logs, `${name}.log`), 10, (l) => /^[EW]\d{4}/.test(l)));
  }
  // What the registration controller did about each failing cluster (its Events are log lines:
  // approved, namespace and RBAC created, accepted), and the errors it met on the way.
  for (const c of clusters) {
    if (c.available || !world.hub.controllers.has('registration-controller')) continue;
    const mentions = new RegExp(`\\b${c.spoke.name}\\b`);
    out.push(`hub registration-controller on ${c.spoke.name}:`);
    out.push(...lastLines(join(logs, 'registration-controller.log'), 12, (l) => mentions.test(l)));
  }
  for (const c of clusters) if (!c.available) out.push(...(await agentLog(c.spoke)));
  return out.join('\n');
}

/** `running`, or how the process ended (its exit code or signal; resolved once it has exited). */
const stateOf = async (p: ManagedProcess) => (p.running() ? 'running' : `exited: ${await p.exited}`);

async function agentLog(spoke: OcmSpoke): Promise<string[]> {
  const pod = spoke.processKubelet()?.pod(`${AGENT_NAMESPACE}/klusterlet-agent`);
  if (!pod) {
    // A cluster that is not imported runs its agent as a plain process (spoke.ts).
    const agent = spoke.agent();
    if (!agent) return [`cluster ${spoke.name} agent: none`];
    return [
      `cluster ${spoke.name} agent process: ${await stateOf(agent)}`,
      ...lastLines(agentLogFile(spoke.cp), 15),
    ];
  }
  const flags = pod.argv.filter((a) => /registration-auth|workload-source-driver/.test(a)).join(' ');
  return [
    `cluster ${spoke.name} agent pod: ${flags} starts=${pod.starts} running=${pod.running()}`,
    ...lastLines(pod.logFile, 15),
  ];
}

async function describeCluster(
  hub: OcmHub,
  spoke: OcmSpoke,
  mc: KubeObject | undefined | string,
  available: boolean,
  csrs: KubeObject[],
): Promise<string[]> {
  const pod = spoke.processKubelet()?.pod(`${AGENT_NAMESPACE}/klusterlet-agent`);
  const starts = pod ? ` (agent pod starts=${pod.starts})` : '';
  if (available) return [`cluster ${spoke.name}: Available${starts}`];
  const out = [`cluster ${spoke.name}:`];
  // Which credentials the agent finds on the cluster: the keys only, never their values.
  const secret = await spoke.client
    .get({ apiVersion: 'v1', kind: 'Secret', namespace: AGENT_NAMESPACE, name: 'hub-kubeconfig-secret' })
    .catch((err: unknown) => String(err));
  const keys = (s: KubeObject | undefined) => Object.keys((s as { data?: object } | undefined)?.data ?? {});
  out.push(
    `  hub-kubeconfig-secret: ${typeof secret === 'string' ? secret : secret ? keys(secret).join(',') || '(empty)' : 'absent'}`,
  );
  out.push(`  ManagedCluster: ${typeof mc === 'string' ? mc : mc ? describeManagedCluster(mc) : 'absent'}`);
  // What the registration controller writes once it accepts the cluster: without them the agent
  // is forbidden whatever its certificate says.
  const binding = await hub.client
    .get({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      name: `open-cluster-management:managedcluster:${spoke.name}`,
    })
    .catch((err: unknown) => String(err));
  const roleBindings = await hub.client
    .list('rbac.authorization.k8s.io/v1', 'RoleBinding', { namespace: spoke.name })
    .catch((err: unknown) => String(err));
  out.push(
    `  hub RBAC: ClusterRoleBinding ${typeof binding === 'string' ? binding : binding ? 'present' : 'absent'}; RoleBindings in ${spoke.name}: ${
      typeof roleBindings === 'string'
        ? roleBindings
        : roleBindings.items.map((r) => r.metadata.name).join(',') || 'none'
    }`,
  );
  for (const c of csrs) {
    if (c.metadata.labels?.['open-cluster-management.io/cluster-name'] !== spoke.name) continue;
    const csr = c as KubeObject & {
      spec?: { signerName?: string; username?: string };
      status?: { certificate?: string };
    };
    out.push(
      `  CSR ${c.metadata.name ?? ''}: signer=${csr.spec?.signerName ?? ''} user=${csr.spec?.username ?? ''} ${conditionsOf(c)} issued=${(csr.status?.certificate ?? '').length > 0}`,
    );
  }
  const works = await hub.client
    .list('work.open-cluster-management.io/v1', 'ManifestWork', { namespace: spoke.name })
    .catch(() => undefined);
  for (const w of works?.items ?? []) out.push(`  ManifestWork ${w.metadata.name ?? ''}: ${conditionsOf(w)}`);
  return out;
}

/** Accepted, by whom (the auto-approval's annotation), finalizers and conditions. */
function describeManagedCluster(mc: KubeObject): string {
  const autoAccepted = mc.metadata.annotations?.['open-cluster-management.io/automatically-accepted-on'];
  return [
    `accepted=${isAccepted(mc)}`,
    `auto-accepted=${autoAccepted ?? 'no'}`,
    `finalizers=${(mc.metadata.finalizers ?? []).join(',') || 'none'}`,
    `created=${mc.metadata.creationTimestamp ?? '?'}`,
    conditionsOf(mc),
  ].join(' ');
}
