/**
 * Whether the operand workloads are rolled out and available, from their cached status, the way
 * kubectl rollout status judges it: the controller has seen the latest generation, and the
 * desired number of replicas is updated and available (ready, for a StatefulSet).
 */
import type { KubeObject } from '../../runtime/index.js';
import type { RenderedObject } from './render/index.js';

interface WorkloadStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  conditions?: { type?: string; status?: string }[];
}

type Workload = KubeObject & { spec?: { replicas?: number }; status?: WorkloadStatus };

export interface OperandReadiness {
  /** Every workload is rolled out (possibly to zero replicas). */
  settled: boolean;
  /** Settled, and every workload runs at least one replica. */
  available: boolean;
  /** One phrase per workload that is not there yet, e.g. `Deployment maestro/maestro 1/2 available`. */
  waiting: string[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet']);

/** The phrase for one workload that is not rolled out, or undefined when it is. */
export function workloadWaiting(
  desired: Workload,
  observed: Workload | undefined,
  justApplied: boolean,
): string | undefined {
  const name = `${desired.kind} ${desired.metadata.namespace ?? ''}/${desired.metadata.name ?? ''}`;
  const want = desired.spec?.replicas ?? 1;
  if (!observed) return `${name} not created yet`;
  if (justApplied) return `${name} updating`;
  const s = observed.status ?? {};
  if ((s.observedGeneration ?? 0) < (observed.metadata.generation ?? 0)) return `${name} updating`;
  const ready = desired.kind === 'StatefulSet' ? (s.readyReplicas ?? 0) : (s.availableReplicas ?? 0);
  const word = desired.kind === 'StatefulSet' ? 'ready' : 'available';
  if ((s.updatedReplicas ?? 0) < want || ready < want)
    return `${name} ${Math.min(ready, want)}/${want} ${word}`;
  if (
    desired.kind === 'Deployment' &&
    s.conditions?.some((c) => c.type === 'Available' && c.status === 'False')
  ) {
    return `${name} not available`;
  }
  return undefined;
}

/**
 * Readiness of the desired workloads. `find` returns the cached object; `applied` holds keys
 * (`kind/namespace/name`) of objects written in this reconcile, whose cache entry is stale.
 */
export function operandReadiness<T extends RenderedObject>(
  desired: readonly T[],
  find: (o: T) => KubeObject | undefined,
  applied: ReadonlySet<string>,
): OperandReadiness {
  const waiting: string[] = [];
  let scaledToZero = false;
  for (const o of desired) {
    if (!WORKLOAD_KINDS.has(o.object.kind)) continue;
    const w = o.object as Workload;
    if ((w.spec?.replicas ?? 1) === 0) scaledToZero = true;
    const key = `${w.kind}/${w.metadata.namespace ?? ''}/${w.metadata.name}`;
    const phrase = workloadWaiting(w, find(o) as Workload | undefined, applied.has(key));
    if (phrase) waiting.push(phrase);
  }
  const settled = waiting.length === 0;
  if (settled && scaledToZero) waiting.push('a workload is scaled to 0 replicas');
  return { settled, available: settled && !scaledToZero, waiting };
}
