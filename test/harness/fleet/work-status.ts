/**
 * The status a work agent reports for a ManifestWork, from the simulated spoke: per manifest its
 * `resourceMeta`, Applied/Available conditions and status feedback (JSONPaths, and the well-known
 * Deployment values), then the work's Applied/Available/Progressing (and Degraded) conditions at
 * the applied generation. Condition reasons and messages are the ocm work agent's.
 */
import { setCondition, type Condition, type ConditionInput } from '../../../src/runtime/conditions.js';
import { parseApiVersion } from '../../../src/runtime/client/types.js';
import { goJson } from './gojson.js';
import { feedbackValue, JsonPathError } from './jsonpath.js';
import { resourceOf, strategyOf, type Spoke } from './spoke.js';
import type { FieldValue, ManifestStatus, SimWork } from './types.js';

const WELL_KNOWN_DEPLOYMENT = [
  { name: 'ReadyReplicas', path: '.status.readyReplicas' },
  { name: 'Replicas', path: '.status.replicas' },
  { name: 'AvailableReplicas', path: '.status.availableReplicas' },
];

export interface WorkStatus {
  conditions: Condition[];
  resourceStatus: { manifests: ManifestStatus[] };
}

/** The status to report for `work` whose generation `generation` was applied. */
export function workStatus(
  work: SimWork,
  spoke: Spoke,
  generation: number,
  degraded: boolean,
  now: Date,
): WorkStatus {
  const manifests = work.spec?.workload?.manifests ?? [];
  const previous = work.status?.resourceStatus?.manifests ?? [];
  let unavailable = 0;
  const statuses: ManifestStatus[] = manifests.map((m, ordinal) => {
    const { group, version } = parseApiVersion(m.apiVersion);
    const name = m.metadata.name ?? '';
    const namespace = m.metadata.namespace ?? '';
    const obj = spoke.get(m.apiVersion, m.kind, namespace || undefined, name);
    if (!obj) unavailable++;
    const inputs: ConditionInput[] = [
      {
        type: 'Applied',
        status: 'True',
        reason: 'AppliedManifestComplete',
        message: 'Apply manifest complete',
      },
      obj
        ? { type: 'Available', status: 'True', reason: 'ResourceAvailable', message: 'Resource is available' }
        : {
            type: 'Available',
            status: 'False',
            reason: 'ResourceNotAvailable',
            message: 'Resource is not available',
          },
    ];
    const rules = strategyOf(m, work.spec?.manifestConfigs)?.feedbackRules ?? [];
    const values: { name: string; fieldValue: FieldValue }[] = [];
    const errors: string[] = [];
    for (const rule of rules) {
      const paths =
        rule.type === 'WellKnownStatus'
          ? m.kind === 'Deployment'
            ? WELL_KNOWN_DEPLOYMENT
            : []
          : (rule.jsonPaths ?? []);
      if (rule.type === 'WellKnownStatus' && paths.length === 0)
        errors.push(
          `cannot find the wellknown statuses for resource with gvk ${m.apiVersion}, Kind=${m.kind}`,
        );
      for (const p of paths) {
        if (!obj) continue;
        try {
          const fieldValue = feedbackValue(p.path, obj);
          if (fieldValue) values.push({ name: p.name, fieldValue });
        } catch (err) {
          errors.push(err instanceof JsonPathError ? err.message : String(err));
        }
      }
    }
    inputs.push(
      rules.length === 0
        ? { type: 'StatusFeedbackSynced', status: 'True', reason: 'NoStatusFeedbackSynced', message: '' }
        : errors.length > 0
          ? {
              type: 'StatusFeedbackSynced',
              status: 'False',
              reason: 'StatusFeedbackSyncFailed',
              message: errors.join('; '),
            }
          : { type: 'StatusFeedbackSynced', status: 'True', reason: 'StatusFeedbackSynced', message: '' },
    );
    const old = previous.find((p) => p.resourceMeta.ordinal === ordinal)?.conditions;
    let conditions = (old ?? []).filter((c) => inputs.some((i) => i.type === c.type));
    for (const input of inputs) conditions = setCondition(conditions, input, { now });
    return {
      resourceMeta: { ordinal, group, version, kind: m.kind, resource: resourceOf(m.kind), name, namespace },
      statusFeedback: values.length > 0 ? { values } : {},
      conditions,
    };
  });

  const total = manifests.length;
  const inputs: ConditionInput[] = [
    {
      type: 'Applied',
      status: 'True',
      reason: 'AppliedManifestWorkComplete',
      message: 'Apply manifest work complete',
    },
  ];
  if (degraded) {
    inputs.push(
      {
        type: 'Available',
        status: 'False',
        reason: 'ResourcesNotAvailable',
        message: 'the agent is not available (simulated failure)',
      },
      { type: 'Progressing', status: 'True', reason: 'Applying', message: 'resources are not yet available' },
      {
        type: 'Degraded',
        status: 'True',
        reason: 'ResourcesDegraded',
        message: 'the agent is crash looping (simulated failure)',
      },
    );
  } else {
    inputs.push(
      unavailable === 0
        ? {
            type: 'Available',
            status: 'True',
            reason: 'ResourcesAvailable',
            message: 'All resources are available',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'ResourcesNotAvailable',
            message: `${unavailable} of ${total} resources are not available`,
          },
      { type: 'Progressing', status: 'False', reason: 'Completed', message: 'All resources are applied' },
    );
  }
  let conditions = (work.status?.conditions ?? []).filter((c) => inputs.some((i) => i.type === c.type));
  for (const input of inputs)
    conditions = setCondition(conditions, input, { now, observedGeneration: generation });
  return { conditions, resourceStatus: { manifests: statuses } };
}

/** A fingerprint of a work status without transition times, to skip writes that change nothing. */
export function workStatusFingerprint(status: SimWork['status'] | WorkStatus | undefined): string {
  const conds = (cs: Condition[] | undefined) =>
    (cs ?? []).map(({ type, status: s, reason, message, observedGeneration }) => ({
      type,
      s,
      reason,
      message,
      observedGeneration,
    }));
  return goJson({
    c: conds(status?.conditions),
    m: (status?.resourceStatus?.manifests ?? []).map((m) => ({
      r: m.resourceMeta,
      v: m.statusFeedback?.values ?? [],
      c: conds(m.conditions),
    })),
  });
}
