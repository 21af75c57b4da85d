import type { ClusterSummary } from '../lib/contract';

/**
 * A value the hub holds for a cluster, marked when no agent reported it: then it is what the hub
 * renders or recorded for the cluster, not necessarily what runs there.
 */
function ShownValue({
  value,
  unobserved,
  title,
  empty,
}: {
  value: string | undefined;
  /** The mark, e.g. "rendered"; undefined when the value was observed. */
  unobserved: string | undefined;
  title: string;
  empty: string;
}) {
  if (!value) return <>{empty}</>;
  if (!unobserved) return <>{value}</>;
  return (
    <span title={title}>
      {value} <small style={{ color: 'var(--pf-t--global--text--color--subtle)' }}>({unobserved})</small>
    </span>
  );
}

type Cluster = Pick<
  ClusterSummary,
  'klusterletVersion' | 'klusterletVersionSource' | 'transport' | 'transportSource'
>;

export function KlusterletVersion({ cluster, empty = '' }: { cluster: Cluster; empty?: string }) {
  return (
    <ShownValue
      value={cluster.klusterletVersion}
      unobserved={cluster.klusterletVersionSource === 'rendered' ? 'rendered' : undefined}
      title="Not reported by the agent: the version the hub renders for this cluster"
      empty={empty}
    />
  );
}

export function Transport({ cluster, empty = '' }: { cluster: Cluster; empty?: string }) {
  return (
    <ShownValue
      value={cluster.transport}
      unobserved={cluster.transportSource === 'recorded' ? 'recorded' : undefined}
      title="Not reported by the agents: the transport the cluster's last transport rollout recorded"
      empty={empty}
    />
  );
}
