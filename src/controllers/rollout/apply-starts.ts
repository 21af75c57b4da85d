/**
 * Starting (or reverting) the clusters of a step: shared objects first (`prepare`), then one
 * write per cluster, a bounded number in flight. A failed write leaves that cluster pending, so
 * the next reconcile tries it again; nothing is written twice for a cluster whose write succeeded.
 */
import { errorSummary, isConflict, type Logger } from '../../runtime/index.js';
import type { ClusterStart } from '../../rollout/index.js';
import type { ClusterFacts, DriverContext, TargetDriver } from './drivers/types.js';

/**
 * Cluster writes in flight at once: enough that the client's QPS limiter paces them, not the round
 * trip (a busy API server answers a patch in ~100 ms; at 200 qps that is 20 in flight).
 */
export const WRITE_CONCURRENCY = 64;

export interface StartOutcome {
  written: number;
  failures: number;
  firstError: string | null;
}

export async function applyStarts(
  driver: TargetDriver,
  ctx: DriverContext,
  starts: readonly ClusterStart[],
  facts: ReadonlyMap<string, ClusterFacts>,
  log: Logger,
): Promise<StartOutcome> {
  const outcome: StartOutcome = { written: 0, failures: 0, firstError: null };
  if (starts.length === 0) return outcome;
  await driver.prepare(starts, facts, ctx);
  let next = 0;
  const worker = async () => {
    while (next < starts.length) {
      const start = starts[next++];
      if (!start) break;
      const f = facts.get(start.name);
      if (!f) continue;
      try {
        await driver.start(start, f, ctx);
        outcome.written++;
        log.debug(
          { cluster: start.name, direction: start.direction, group: start.group.name },
          'cluster started',
        );
      } catch (err) {
        outcome.failures++;
        outcome.firstError ??= errorSummary(err).message;
        if (isConflict(err))
          log.debug({ cluster: start.name }, 'cluster changed under us; retrying next reconcile');
        else log.warn({ cluster: start.name, err: errorSummary(err) }, 'starting cluster failed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, starts.length) }, worker));
  log.info({ started: outcome.written, failed: outcome.failures }, 'step applied');
  return outcome;
}
