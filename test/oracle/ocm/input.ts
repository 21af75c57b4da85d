/**
 * The input of `computeOcmRollout`, in the JSON shape of OCM's types: a `RolloutStrategy`, the
 * Placement's decision groups, and the existing per-cluster rollout statuses. Fields OCM marks
 * `omitempty` may be left out and take Go's zero values.
 */
import { z } from 'zod';
import { parseGoDuration } from '../../../src/rollout/go-duration.js';
import { parseRfc3339 } from './go-text.js';

/** OCM's per-cluster rollout statuses, as `RolloutStatus` names them. */
export const OCM_STATUSES = ['ToApply', 'Progressing', 'Succeeded', 'Failed', 'TimeOut', 'Skip'] as const;
export type OcmStatus = (typeof OCM_STATUSES)[number];

const intOrString = z.union([z.number(), z.string()]);

const ocmConfigSchema = z.object({
  minSuccessTime: z.string().optional(),
  progressDeadline: z.string().optional(),
  maxFailures: intOrString.optional(),
  maxConcurrency: intOrString.optional(),
  mandatoryDecisionGroups: z
    .array(z.object({ groupName: z.string().optional(), groupIndex: z.number().int().optional() }))
    .nullish(),
});

const timestamp = z.union([z.string(), z.number()]);

export const ocmRolloutInputSchema = z.object({
  now: timestamp,
  strategy: z.object({
    type: z.string().default('All'),
    all: ocmConfigSchema.nullish(),
    progressive: ocmConfigSchema.nullish(),
    progressivePerGroup: ocmConfigSchema.nullish(),
  }),
  clusterGroups: z
    .array(
      z.object({
        groupName: z.string().default(''),
        groupIndex: z.number().int().default(0),
        clusters: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
  existingStatus: z
    .array(
      z.object({
        clusterName: z.string().default(''),
        groupName: z.string().default(''),
        groupIndex: z.number().int().default(0),
        status: z.enum(OCM_STATUSES),
        lastTransitionTime: timestamp.nullish(),
      }),
    )
    .nullish(),
});

/** What `computeOcmRollout` accepts. */
export type OcmRolloutInput = z.input<typeof ocmRolloutInputSchema>;
export type OcmConfig = z.output<typeof ocmConfigSchema>;

/** A refused input: `field` is the JSON path, `value` what was found there. */
export class OcmRolloutError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${field}: ${reason} ${JSON.stringify(value)}`);
    this.name = 'OcmRolloutError';
  }
}

/** Parses the input, throwing `OcmRolloutError` that names the first offending field. */
export function parseOcmRolloutInput(input: OcmRolloutInput): z.output<typeof ocmRolloutInputSchema> {
  const parsed = ocmRolloutInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  throw new OcmRolloutError(
    path.replace(/^\./, '') || 'input',
    valueAt(input, issue?.path ?? []),
    issue?.message ?? 'invalid',
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** A timestamp as epoch milliseconds: an RFC 3339 string or a number of milliseconds. */
export function ocmTime(field: string, value: string | number): number {
  const ms = typeof value === 'number' ? value : parseRfc3339(value);
  if (ms === null || !Number.isFinite(ms)) throw new OcmRolloutError(field, value, 'not an RFC 3339 time:');
  return ms;
}

/** `minSuccessTime` as a `metav1.Duration` (a Go duration string), in milliseconds. */
export function ocmMinSuccessTime(field: string, value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const ms = parseGoDuration(value);
  if (ms === null) throw new OcmRolloutError(field, value, 'not a non-negative Go duration:');
  return ms;
}

const TIMEOUT_PATTERN = /^(([0-9])+[h|m|s])|None$/;

/**
 * OCM's `parseTimeout`: `None` or empty means no deadline (`null`); otherwise the text must match
 * OCM's pattern and parse as a Go duration.
 */
export function ocmProgressDeadline(field: string, value: string | undefined): number | null {
  if (value === undefined || value === '' || value === 'None') return null;
  const ms = TIMEOUT_PATTERN.test(value) ? parseGoDuration(value) : null;
  if (ms === null) throw new OcmRolloutError(field, value, 'invalid timeout format');
  return ms;
}

const OCM_PERCENT = /^(100|[0-9]{1,2})%$/;
const OCM_DIGITS = /^[0-9]+$/;

/**
 * OCM's `calculateRolloutSize`: a count, or a percentage of `total` rounded up (in floating point,
 * as Go does); a result of zero or less, or above `total`, becomes `fallback`. Values the OCM API
 * schema refuses (percentages above 100%, negative numbers) and strings the handler cannot read are
 * errors.
 */
export function ocmRolloutSize(
  field: string,
  value: number | string | undefined,
  total: number,
  fallback: number,
): number {
  const length = ocmSizeValue(field, value, total);
  return length === null || length <= 0 || length > total ? fallback : length;
}

/** Checks a size the way OCM's `parseRolloutSize` does, without using it. */
export function ocmCheckRolloutSize(field: string, value: number | string | undefined): void {
  ocmSizeValue(field, value, 0);
}

function ocmSizeValue(field: string, value: number | string | undefined, total: number): number | null {
  if (value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw new OcmRolloutError(field, value, 'must be a non-negative integer or a percentage, got');
    }
    return value;
  }
  if (OCM_PERCENT.test(value)) return Math.ceil((Number(value.slice(0, -1)) / 100) * total);
  if (OCM_DIGITS.test(value)) {
    throw new OcmRolloutError(
      field,
      value,
      'is an invalid maximum threshold value: string is not a percentage:',
    );
  }
  throw new OcmRolloutError(
    field,
    value,
    'must be a non-negative integer or a percentage from 0% to 100%, got',
  );
}
