/**
 * Reading a ManifestWork's conditions the way OCM's consumers do (ocm `workIsReady`): Applied and
 * Available True, both for the current generation.
 */
import { findOcmCondition, type ManifestWork } from '../../../api/upstream/ocm.js';

export interface WorkReadiness {
  /** Applied and Available True at the work's current generation. */
  current: boolean;
  generation: number | null;
  /** Degraded True, or Applied False at the current generation: the agent reported a failure. */
  failed: boolean;
  message: string | null;
}

export function workReadiness(work: ManifestWork | undefined): WorkReadiness {
  if (!work) return { current: false, generation: null, failed: false, message: null };
  const generation = work.metadata.generation ?? null;
  const conds = work.status?.conditions;
  const atGeneration = (type: string, status: string) => {
    const c = findOcmCondition(conds, type);
    return (
      c !== undefined &&
      c.status === status &&
      (c.observedGeneration === undefined || c.observedGeneration === generation)
    );
  };
  const degraded = findOcmCondition(conds, 'Degraded');
  const failed = degraded?.status === 'True' || atGeneration('Applied', 'False');
  const message = failed
    ? (degraded?.message ?? findOcmCondition(conds, 'Applied')?.message ?? 'work failed')
    : null;
  return {
    current: atGeneration('Applied', 'True') && atGeneration('Available', 'True'),
    generation,
    failed,
    message,
  };
}
