import type { ClusterSummary } from '../lib/contract';

/**
 * Values the hub holds for a cluster that an agent may or may not have reported, each with the mark
 * shown when it did not: then it is what the hub renders or recorded for the cluster, not
 * necessarily what runs there.
 */
const UNOBSERVED = {
  klusterletVersion: {
    mark: (c: ClusterSummary) => (c.klusterletVersionSource === 'rendered' ? 'rendered' : undefined),
    title: 'Not reported by the agent: the version the hub renders for this cluster',
  },
  transport: {
    mark: (c: ClusterSummary) => (c.transportSource === 'recorded' ? 'recorded' : undefined),
    title: "Not reported by the agents: the transport the cluster's last transport rollout recorded",
  },
} as const;

export function ShownValue({
  cluster,
  field,
  empty = '',
}: {
  cluster: ClusterSummary;
  field: keyof typeof UNOBSERVED;
  empty?: string;
}) {
  const value = cluster[field];
  if (!value) return <>{empty}</>;
  const { mark, title } = UNOBSERVED[field];
  const unobserved = mark(cluster);
  if (!unobserved) return <>{value}</>;
  return (
    <span title={title}>
      {value} <small style={{ color: 'var(--pf-t--global--text--color--subtle)' }}>({unobserved})</small>
    </span>
  );
}
