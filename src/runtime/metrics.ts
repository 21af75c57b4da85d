/**
 * The runtime's Prometheus metrics, under the names controller-runtime and client-go use so
 * existing dashboards and alerts for Go operators work unchanged. One registry per process;
 * `/metrics` serves it (see `http-servers.ts`).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The process-wide registry `/metrics` serves. Other modules register their metrics here too. */
export const registry = new Registry();

let defaultsOn = false;
/** Adds Node's default process metrics (CPU, memory, event loop lag) to the registry, once. */
export function enableDefaultMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry });
}

const registers = [registry];

// controller-runtime's reconcile time buckets (pkg/internal/controller/metrics).
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
// client-go's workqueue buckets: prometheus.ExponentialBuckets(10e-9, 10, 12).
const QUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);

export const reconcileTotal = new Counter({
  name: 'controller_runtime_reconcile_total',
  help: 'Total number of reconciliations per controller',
  labelNames: ['controller', 'result'] as const,
  registers,
});
export const reconcileErrors = new Counter({
  name: 'controller_runtime_reconcile_errors_total',
  help: 'Total number of reconciliation errors per controller',
  labelNames: ['controller'] as const,
  registers,
});
export const terminalReconcileErrors = new Counter({
  name: 'controller_runtime_terminal_reconcile_errors_total',
  help: 'Total number of terminal reconciliation errors per controller',
  labelNames: ['controller'] as const,
  registers,
});
export const reconcileTime = new Histogram({
  name: 'controller_runtime_reconcile_time_seconds',
  help: 'Length of time per reconciliation per controller',
  labelNames: ['controller'] as const,
  buckets: RECONCILE_BUCKETS,
  registers,
});
export const maxConcurrentReconciles = new Gauge({
  name: 'controller_runtime_max_concurrent_reconciles',
  help: 'Maximum number of concurrent reconciles per controller',
  labelNames: ['controller'] as const,
  registers,
});
export const activeWorkers = new Gauge({
  name: 'controller_runtime_active_workers',
  help: 'Number of currently used workers per controller',
  labelNames: ['controller'] as const,
  registers,
});

export const queueDepth = new Gauge({
  name: 'workqueue_depth',
  help: 'Current depth of workqueue',
  labelNames: ['name'] as const,
  registers,
});
export const queueAdds = new Counter({
  name: 'workqueue_adds_total',
  help: 'Total number of adds handled by workqueue',
  labelNames: ['name'] as const,
  registers,
});
export const queueRetries = new Counter({
  name: 'workqueue_retries_total',
  help: 'Total number of retries handled by workqueue',
  labelNames: ['name'] as const,
  registers,
});
export const queueLatency = new Histogram({
  name: 'workqueue_queue_duration_seconds',
  help: 'How long in seconds an item stays in workqueue before being requested',
  labelNames: ['name'] as const,
  buckets: QUEUE_BUCKETS,
  registers,
});
export const workDuration = new Histogram({
  name: 'workqueue_work_duration_seconds',
  help: 'How long in seconds processing an item from workqueue takes',
  labelNames: ['name'] as const,
  buckets: QUEUE_BUCKETS,
  registers,
});

/** What a live work queue reports at scrape time for the two "in flight" gauges. */
export interface InFlightReporter {
  readonly name: string;
  /** Seconds of work in progress not yet observed by work_duration, summed over items. */
  unfinishedWorkSeconds(): number;
  /** Seconds the longest-running item has been processed. */
  longestRunningProcessorSeconds(): number;
}
const inFlight = new Set<InFlightReporter>();

/** Registers a queue for the in-flight gauges; the returned function unregisters it. */
export function reportInFlight(reporter: InFlightReporter): () => void {
  inFlight.add(reporter);
  return () => {
    inFlight.delete(reporter);
    unfinishedWork.remove({ name: reporter.name });
    longestRunning.remove({ name: reporter.name });
  };
}

const unfinishedWork = new Gauge({
  name: 'workqueue_unfinished_work_seconds',
  help: 'How many seconds of work has been done that is in progress and has not been observed by work_duration',
  labelNames: ['name'] as const,
  registers,
  collect() {
    for (const q of inFlight) this.set({ name: q.name }, q.unfinishedWorkSeconds());
  },
});
const longestRunning = new Gauge({
  name: 'workqueue_longest_running_processor_seconds',
  help: 'How many seconds has the longest running processor for workqueue been running',
  labelNames: ['name'] as const,
  registers,
  collect() {
    for (const q of inFlight) this.set({ name: q.name }, q.longestRunningProcessorSeconds());
  },
});

export const restRequests = new Counter({
  name: 'rest_client_requests_total',
  help: 'Number of HTTP requests, partitioned by status code, method, and host',
  labelNames: ['code', 'method', 'host'] as const,
  registers,
});
export const restLatency = new Histogram({
  name: 'rest_client_request_duration_seconds',
  help: 'Request latency in seconds. Broken down by verb, and host',
  labelNames: ['verb', 'host'] as const,
  buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0],
  registers,
});
export const restRateLimiterLatency = new Histogram({
  name: 'rest_client_rate_limiter_duration_seconds',
  help: 'Client side rate limiter latency in seconds. Broken down by verb, and host',
  labelNames: ['verb', 'host'] as const,
  buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0],
  registers,
});

/** Writes by resource: how benchmarks tell cluster writes from status writes, and a dashboard too. */
export const apiWrites = new Counter({
  name: 'mce_maestro_api_writes_total',
  help: 'Write requests sent to the API server, by verb, resource and subresource.',
  labelNames: ['verb', 'resource', 'subresource'] as const,
  registers,
});

export const leaderStatus = new Gauge({
  name: 'leader_election_master_status',
  help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
  labelNames: ['name'] as const,
  registers,
});
