/**
 * Building blocks for zod schemas that double as CRD OpenAPI schemas.
 *
 * Our zod schemas are the single source of truth: TypeScript types come from `z.infer`, the
 * runtime validates with `.safeParse`, and `make manifests` turns them into structural OpenAPI v3
 * for the CRDs (see `src/api/openapi.ts`). To keep that last step possible, schemas follow a few
 * rules:
 *
 * - every field has a `.describe()`: it becomes the field's description in the CRD and in `docs/`;
 * - defaults are `.default()`, enums are `z.enum`, bounds are `.min()`/`.max()`/`.regex()`;
 * - no unions of object shapes (a structural schema can't express them); use optional fields and a
 *   CEL rule (`celRules`) for "exactly one of";
 * - int-or-string values use `intOrString` below, which marks them `x-kubernetes-int-or-string`;
 * - rules zod can check but the API server can't are fine (they run in the operator and surface as
 *   an `InvalidSpec` condition naming the field); rules the API server should enforce get a CEL
 *   rule as well.
 */
import { z } from 'zod';

/** A CEL validation rule as `x-kubernetes-validations` expects it. */
export interface CelRule {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

/** Attaches CEL rules to a schema; the CRD generator copies them into `x-kubernetes-validations`. */
export function celRules<T extends z.ZodType>(schema: T, ...rules: CelRule[]): T {
  return schema.meta({ 'x-kubernetes-validations': rules }) as T;
}

/** Percentages as OCM writes them: `"25%"`, 0 to 100. */
export const PERCENT_PATTERN = /^(100|[1-9]?[0-9])%$/;

/**
 * A count or a percentage, like OCM's `maxConcurrency` and `maxFailures`: a non-negative integer,
 * or a string `"N%"` with N from 0 to 100. Shown in the CRD as `x-kubernetes-int-or-string`.
 */
export function intOrPercent(description: string) {
  return z
    .union([
      z.number().int().min(0),
      z
        .string()
        .regex(
          /^(100|[1-9]?[0-9])%$|^[0-9]+$/,
          'must be a non-negative integer or a percentage from 0% to 100%',
        ),
    ])
    .meta({ 'x-kubernetes-int-or-string': true, pattern: '^((100|[1-9]?[0-9])%|[0-9]+)$' })
    .describe(description);
}

/** Go duration strings as `time.ParseDuration` accepts them without a sign, e.g. `90s`, `1h30m`. */
export const GO_DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/** A Go duration string (`metav1.Duration` on the wire). `"0"` is accepted as zero, as Go does. */
export function goDuration(description: string) {
  return z
    .string()
    .regex(/^0$|^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/, 'must be a Go duration such as 30s, 5m or 1h30m')
    .describe(description);
}

/** A Kubernetes object name (DNS-1123 subdomain). */
export function dnsSubdomain(description: string) {
  return z
    .string()
    .min(1)
    .max(253)
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
      'must be a DNS-1123 subdomain',
    )
    .describe(description);
}

/** A DNS-1123 label (namespaces, most names we create ourselves). */
export function dnsLabel(description: string) {
  return z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label')
    .describe(description);
}

/** An optional `observedGeneration` (status or condition): which .metadata.generation it reflects. */
export function observedGeneration(description: string) {
  return z.number().int().min(0).optional().describe(description);
}

/** metav1.Condition, as written in `status.conditions` of our kinds. */
export const conditionSchema = z
  .object({
    type: z.string().describe('Type of condition in CamelCase.'),
    status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition.'),
    observedGeneration: observedGeneration('The .metadata.generation that the condition was set based upon.'),
    lastTransitionTime: z
      .string()
      .describe('Last time the condition transitioned from one status to another.'),
    reason: z
      .string()
      .describe('A programmatic identifier for the reason of the last transition, in CamelCase.'),
    message: z.string().describe('A human readable message with details about the transition.'),
  })
  .describe('A condition in metav1.Condition form.');

export type Condition = z.infer<typeof conditionSchema>;
