/**
 * What a failed wait on the real OCM world prints, so a CI failure on a loaded machine can be
 * explained from its log alone: per cluster, the agent pod the process kubelet runs (its driver
 * flags, starts, last log lines), the hub's ManagedCluster conditions, the cluster's CSRs and its
 * ManifestWorks' conditions; and the last error lines of each hub program.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../../src/runtime/index.js';
import type { OcmHub } from './hub.js';
import { isAccepted, isAvailable, managedClusterRef } from './managed-cluster.js';
import { AGENT_NAMESPACE, type OcmSpoke } from './spoke.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  lastTransitionTime?: string;
}

// The agent logs this every few seconds on a control plane without the request-header CA.
const NOISE = /configmap_cafile_content|Waiting for caches to sync|Caches are synced/;

function lastLines(file: string, n: number, keep: (line: string) => boolean = () => true): string[] {
  if (!existsSync(file)) return [`(no log at ${file})`];
  const lines = readFileSync(file, 'utf8').split('\n');
  return lines
    .filter((l) => l.length > 0 && !NOISE.test(l) && keep(l))
    .slice(-n)
    .map((l) => `    ${l.slice(0, 300)}`);
}

const conditionsOf = (o: KubeObject | undefined) =>
  ((o as { status?: { conditions?: Condition[] } } | undefined)?.status?.conditions ?? [])
    .map((c) => `${c.type}=${c.status}${c.reason ? `(${c.reason})` : ''}@${c.lastTransitionTime ?? '?'}`)
    .join(' ');

/**
 * A multi-line report of the world's state (never throws: it runs when something already failed).
 * Clusters that are not Available come first and in full; an Available one gets a line, so the
 * one that failed is not cut from a long CI log.
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
      return { available, lines: await describeCluster(world.hub, spoke, mc, available, csrs?.items ?? []) };
    }),
  );
  const out: string[] = [`--- real OCM world at ${new Date().toISOString()} ---`];
  for (const c of clusters) if (!c.available) out.push(...c.lines);
  for (const c of clusters) if (c.available) out.push(...c.lines);
  const logs = join(world.hub.cp.dir, 'ocm');
  for (const name of world.hub.controllers.keys()) {
    out.push(`hub ${name}:`);
    out.push(...lastLines(join(logs, `${name}.log`), 10, (l) => /^[EW]\d{4}/.test(l)));
  }
  return out.join('\n');
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
  if (pod) {
    const flags = pod.argv.filter((a) => /registration-auth|workload-source-driver/.test(a)).join(' ');
    out.push(`  agent pod: ${flags} starts=${pod.starts} running=${pod.running()}`);
    out.push(...lastLines(pod.logFile, 25));
  } else {
    out.push('  agent pod: none');
  }
  // Which credentials the agent finds on the cluster: the keys only, never their values.
  const secret = await spoke.client
    .get({ apiVersion: 'v1', kind: 'Secret', namespace: AGENT_NAMESPACE, name: 'hub-kubeconfig-secret' })
    .catch((err: unknown) => String(err));
  const keys = (s: KubeObject | undefined) => Object.keys((s as { data?: object } | undefined)?.data ?? {});
  out.push(
    `  hub-kubeconfig-secret: ${typeof secret === 'string' ? secret : secret ? keys(secret).join(',') || '(empty)' : 'absent'}`,
  );
  out.push(
    `  ManagedCluster: ${typeof mc === 'string' ? mc : mc ? `accepted=${isAccepted(mc)} ${conditionsOf(mc)}` : 'absent'}`,
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
