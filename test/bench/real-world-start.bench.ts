/**
 * How long the real world of the end-to-end tests takes to start once everything is built (the
 * warm start; the cold build is `hack/ensure-deps.sh`, timed in docs/testing.md): the real OCM hub
 * (kube-apiserver, etcd, kube-controller-manager, the hub controllers and the registration
 * webhook) and three real spokes, each its own kube-apiserver and etcd with the real klusterlet
 * agent, until every ManagedCluster is accepted, joined and Available; with the hub's gRPC server
 * too, as the transport tests start it.
 *
 * `make bench BENCH_ARGS=real-world`.
 */
import { startRealWorld } from '../harness/ocm/world.js';
import { figure, type BenchOptions, type BenchResult } from './types.js';

const SPOKES = ['cluster1', 'cluster2', 'cluster3'];
const seconds = (ms: number) => Math.round(ms / 100) / 10;

export async function run({ log }: BenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const grpc of [false, true]) {
    const started = Date.now();
    const world = await startRealWorld({ spokes: SPOKES, grpc });
    const ms = Date.now() - started;
    await world.stop();
    const what = grpc ? 'with the gRPC server' : 'without the gRPC server';
    log(`real hub ${what} and ${SPOKES.length} real spokes, every cluster Available: ${seconds(ms)} s`);
    results.push(figure(`realWorld.start.hubAnd3Spokes${grpc ? '.grpc' : ''}.seconds`, seconds(ms), ' s'));
  }
  return results;
}
