import type { ClusterSummary } from '../lib/contract';

/**
 * A cluster's klusterlet version, marked when no agent reported it: then it is what the hub renders
 * for the cluster, not necessarily what runs there.
 */
export function KlusterletVersion({
  cluster,
  empty = '',
}: {
  cluster: Pick<ClusterSummary, 'klusterletVersion' | 'klusterletVersionSource'>;
  empty?: string;
}) {
  if (!cluster.klusterletVersion) return <>{empty}</>;
  if (cluster.klusterletVersionSource !== 'rendered') return <>{cluster.klusterletVersion}</>;
  return (
    <span title="Not reported by the agent: the version the hub renders for this cluster">
      {cluster.klusterletVersion}{' '}
      <small style={{ color: 'var(--pf-t--global--text--color--subtle)' }}>(rendered)</small>
    </span>
  );
}
