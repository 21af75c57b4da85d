/**
 * The Maestro conditions for a reconcile report, as data (types and reasons from
 * `api/maestro-conditions.ts`). Pure: the status writer applies them with `setCondition`.
 */
import { MaestroConditionReason as R, MaestroConditionType as T } from '../../api/maestro-conditions.js';
import type { ConditionInput } from '../../runtime/index.js';
import { databaseTlsCondition } from './database-tls.js';
import { legacyAddonCondition } from './legacy-addon.js';
import type { FinishedReport, Outcome } from './outcome.js';
import { formatFieldError } from './render/index.js';

const MCE_API = 'multicluster.openshift.io/v1';

function degraded(report: FinishedReport): ConditionInput {
  const { outcome, failure } = report;
  if (outcome.kind === 'InvalidSpec') {
    return {
      type: T.Degraded,
      status: 'True',
      reason: R.Degraded.InvalidSpec,
      message: `${outcome.errors.map(formatFieldError).join('; ')} (nothing was changed or removed)`,
    };
  }
  if (outcome.kind === 'Blocked') {
    const reason = outcome.reason ? R.Degraded[outcome.reason] : R.Degraded.ApplyFailed;
    return { type: T.Degraded, status: 'True', reason, message: outcome.message };
  }
  if (failure) return { type: T.Degraded, status: 'True', reason: R.Degraded.ApplyFailed, message: failure };
  return { type: T.Degraded, status: 'False', reason: R.Degraded.AsExpected, message: 'no problems' };
}

function withNote(message: string, note: string | undefined): string {
  return note ? `${message}; ${note}` : message;
}

function enabledConditions(o: Extract<Outcome, { kind: 'Enabled' }>): ConditionInput[] {
  const { rendered, operands } = o;
  const waiting = [...operands.waiting];
  if (rendered.transport === 'grpc' && !o.clusterManagerWired)
    waiting.push('ClusterManager gRPC fields not applied yet');
  const available: ConditionInput =
    operands.available && waiting.length === 0
      ? {
          type: T.Available,
          status: 'True',
          reason: R.Available.Available,
          message:
            `Maestro is available (transport ${rendered.transport}): REST ${rendered.endpoints.rest}, ` +
            `gRPC ${rendered.endpoints.grpc}` +
            (rendered.endpoints.agents ? `, agents dial ${rendered.endpoints.agents}` : ''),
        }
      : {
          type: T.Available,
          status: 'False',
          reason: R.Available.OperandsUnavailable,
          message: `waiting for ${waiting.join(', ')}`,
        };
  const busy = [...operands.waiting];
  if (o.drain.kind === 'Waiting') busy.push(o.drain.message);
  const progressing: ConditionInput =
    busy.length > 0
      ? {
          type: T.Progressing,
          status: 'True',
          reason: R.Progressing.Reconciling,
          message: withNote(busy.join('; '), o.note),
        }
      : {
          type: T.Progressing,
          status: 'False',
          reason: R.Progressing.Reconciled,
          message: withNote('every object is applied and rolled out', o.note),
        };
  return [available, progressing];
}

function disabledConditions(o: Extract<Outcome, { kind: 'Disabled' }>): ConditionInput[] {
  const available: ConditionInput = {
    type: T.Available,
    status: 'False',
    reason:
      o.reason === 'ComponentDisabled'
        ? R.Available.ComponentDisabled
        : R.Available.MultiClusterEngineNotFound,
    message: o.message,
  };
  const busy =
    o.drain.kind === 'Waiting' ? [`${o.drain.message} before removing the gRPC server configuration`] : [];
  if (o.remaining.length > 0) busy.push(`removing ${o.remaining.join(', ')}`);
  const kept = o.retained.length > 0 ? `; kept (retainDataOnDisable): ${o.retained.join(', ')}` : '';
  const progressing: ConditionInput =
    busy.length > 0
      ? {
          type: T.Progressing,
          status: 'True',
          reason: R.Progressing.Removing,
          message: withNote(busy.join('; '), o.note),
        }
      : {
          type: T.Progressing,
          status: 'False',
          reason: R.Progressing.Reconciled,
          message: withNote(`Maestro is not installed${kept}`, o.note),
        };
  return [available, progressing];
}

/**
 * The conditions to set for a report. Available and Progressing are left as they were (absent
 * from the result) when the settings are invalid or blocked, except on first sight.
 */
export function maestroConditions(
  report: FinishedReport,
  legacyAddon: { served: boolean; present: boolean },
  has: (type: string) => boolean,
): ConditionInput[] {
  const o = report.outcome;
  const out: ConditionInput[] = [];
  switch (o.kind) {
    case 'WaitingForMceApi':
      out.push(
        {
          type: T.Available,
          status: 'False',
          reason: R.Available.MultiClusterEngineNotFound,
          message: `the MultiClusterEngine API (${MCE_API}) is not served: waiting for MCE to be installed; nothing is installed or removed until then`,
        },
        {
          type: T.Progressing,
          status: 'True',
          reason: R.Progressing.Reconciling,
          message: `waiting for the MultiClusterEngine API (${MCE_API})`,
        },
      );
      break;
    case 'InvalidSpec':
    case 'Blocked':
      if (!has(T.Available)) {
        out.push({
          type: T.Available,
          status: 'False',
          reason: R.Available.OperandsUnavailable,
          message: 'not installed: the settings can not be used',
        });
      }
      if (!has(T.Progressing)) {
        out.push({
          type: T.Progressing,
          status: 'False',
          reason: R.Progressing.Reconciled,
          message: 'stopped until the problem in Degraded is fixed',
        });
      }
      break;
    case 'Enabled':
      out.push(...enabledConditions(o), databaseTlsCondition(o.rendered));
      break;
    case 'Disabled':
      out.push(...disabledConditions(o));
      break;
  }
  out.push(degraded(report), legacyAddonCondition(legacyAddon));
  return out;
}
