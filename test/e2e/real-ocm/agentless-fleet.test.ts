/**
 * Scale without real spokes: ManagedClusters whose agents the fleet simulator plays (registration
 * agent: Joined, Available and lease renewal; work agent: ManifestWork status) under the real hub
 * controllers. The real registration controller keeps them Available while their leases are
 * renewed and turns one whose agent stops Unknown and taints it; the real add-on manager installs
 * a template add-on through a Placement and rolls a new config out over them with its own
 * Progressive strategy (without the lease renewal and work status it stalled at the first cluster).
 * This is the world of `test/bench/addon-side-by-side.bench.ts`, at test size.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADDON_API_VERSION, type ManagedClusterAddOn } from '../../../src/api/upstream/ocm.js';
import type { KubeObject } from '../../../src/runtime/index.js';
import { eventually, sleep } from '../../harness/eventually.js';
import { startFleet, UNREACHABLE_TAINT, type Fleet } from '../../harness/fleet/index.js';
import { bindToDefaultSet, hubImagesOf, templateAddOn } from '../../harness/ocm/fixtures.js';
import { startOcmHub, type OcmHub } from '../../harness/ocm/hub.js';
import { isAvailable, managedClusterRef } from '../../harness/ocm/managed-cluster.js';
import { createPlacement } from '../../integration/rollout/helpers.js';
import { addOnInstallStrategy, addOnConfigApplied } from './addon-strategy.js';

const CLUSTERS = 40;
const LEASE_SECONDS = 5;
const ADDON = 'hello-addon';
const CONFIG_NS = 'multicluster-engine';
const NS = 'addon-placements';

describe('agent-less clusters under the real hub controllers', () => {
  let hub: OcmHub;
  let fleet: Fleet;
  const mc = (name: string) => hub.client.get(managedClusterRef(name));
  const mca = async (cluster: string) =>
    (await hub.client.get({
      apiVersion: ADDON_API_VERSION,
      kind: 'ManagedClusterAddOn',
      namespace: cluster,
      name: ADDON,
    })) as ManagedClusterAddOn | undefined;

  beforeAll(async () => {
    hub = await startOcmHub();
    fleet = await startFleet({
      kubeConfig: hub.kubeConfig(),
      clusters: CLUSTERS,
      hub: { version: '2.17.1', images: hubImagesOf('2.17.1') },
      realHub: { leaseDurationSeconds: LEASE_SECONDS },
      setupTimeoutMs: 180_000,
    });
  });
  afterAll(async () => {
    await fleet?.stop();
    await hub?.stop();
  });

  it('are accepted, put in the default set and kept Available by the real registration controller', async () => {
    // Longer than the hub's grace (5 lease durations): only renewed leases keep them Available.
    await sleep(LEASE_SECONDS * 7 * 1000);
    for (const name of fleet.names) {
      const cluster = (await mc(name)) as KubeObject & { metadata: { labels?: Record<string, string> } };
      expect({ name, available: isAvailable(cluster) }).toEqual({ name, available: true });
      expect(cluster.metadata.labels?.['cluster.open-cluster-management.io/clusterset']).toBe('default');
      // The lease the hub created, renewed by the simulated agent within the last two durations.
      const lease = (await hub.client.get({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace: name,
        name: 'managed-cluster-lease',
      })) as (KubeObject & { spec?: { renewTime?: string } }) | undefined;
      expect(lease?.metadata.labels?.['open-cluster-management.io/cluster-name']).toBe(name);
      expect(Date.now() - Date.parse(lease?.spec?.renewTime ?? '')).toBeLessThan(LEASE_SECONDS * 2 * 1000);
    }
  }, 120_000);

  it("rolls an add-on config out with the real add-on manager's own Progressive strategy", async () => {
    for (const o of templateAddOn(ADDON, ['1.0.0', '1.1.0'], CONFIG_NS)) await hub.client.create(o);
    await bindToDefaultSet(hub.client, NS);
    await createPlacement(hub.client, NS, 'all', CLUSTERS);
    const install = (version: string) =>
      hub.client.patch(
        { apiVersion: ADDON_API_VERSION, kind: 'ClusterManagementAddOn', name: ADDON },
        {
          spec: { installStrategy: addOnInstallStrategy(NS, 'all', CONFIG_NS, `${ADDON}-${version}`, '25%') },
        },
        'merge',
      );
    await install('1.0.0');
    const allAt = (version: string, message: string) =>
      eventually(
        async () => {
          const pending: string[] = [];
          for (const name of fleet.names)
            if (!addOnConfigApplied(await mca(name), CONFIG_NS, `${ADDON}-${version}`)) pending.push(name);
          expect(pending).toEqual([]);
        },
        { timeout: 150_000, interval: 1_000, message },
      );
    await allAt('1.0.0', 'the add-on installed with 1.0.0 on every cluster');
    await install('1.1.0');
    await allAt('1.1.0', '1.1.0 applied on every cluster');
    // The agent the add-on manager rendered for a cluster, as the simulated work agent applied it.
    const work = fleet
      .spoke(fleet.names[0] ?? '')
      .get('apps/v1', 'Deployment', 'open-cluster-management-agent-addon', `${ADDON}-agent`);
    expect(JSON.stringify(work)).toContain('"value":"1.1.0"');
  }, 400_000);

  it('turns a cluster whose agent stopped Unknown, and taints it, after the lease grace', async () => {
    const [gone, other] = [fleet.names[0] ?? '', fleet.names[1] ?? ''];
    const stopped = Date.now();
    fleet.setReachable(gone, false);
    await eventually(
      async () => {
        const c = (await mc(gone)) as KubeObject & {
          spec?: { taints?: { key: string }[] };
          status?: { conditions?: { type: string; status: string }[] };
        };
        expect(c.status?.conditions?.find((x) => x.type === 'ManagedClusterConditionAvailable')?.status).toBe(
          'Unknown',
        );
        expect(c.spec?.taints?.map((t) => t.key)).toContain(UNREACHABLE_TAINT);
      },
      { timeout: LEASE_SECONDS * 12 * 1000, interval: 500, message: `${gone} to turn Unknown` },
    );
    // Not before the grace: the hub waited for 5 missed renewals.
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(LEASE_SECONDS * 4 * 1000);
    expect(isAvailable(await mc(other))).toBe(true);
  }, 120_000);
});
