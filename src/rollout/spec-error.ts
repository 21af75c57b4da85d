/** Refusals of bad settings, each naming the field path and the value found there. */
import { parseGoDuration } from './go-duration.js';

/** One refusal: where, what was there, and why. */
export interface SpecError {
  path: string;
  value: unknown;
  message: string;
}

/** Formats an error as `path: message`. */
export function formatSpecError(e: SpecError): string {
  return `${e.path}: ${e.message}`;
}

/** Thrown by the planner when its settings do not validate; `errors` lists every problem. */
export class InvalidRolloutPolicyError extends Error {
  constructor(readonly errors: SpecError[]) {
    super(errors.map(formatSpecError).join('; '));
    this.name = 'InvalidRolloutPolicyError';
  }
}

/** Records a refusal at a path relative to the settings' root. */
export type Fail = (path: string, value: unknown, message: string) => void;

/** A Go duration in milliseconds; a malformed one is refused (and read as 0 to go on checking). */
export function duration(text: string, path: string, fail: Fail): number {
  const ms = parseGoDuration(text);
  if (ms === null) fail(path, text, `not a Go duration: ${JSON.stringify(text)}`);
  return ms ?? 0;
}

/** Refuses the second and later uses of a name in a list. */
export function duplicates(names: string[], list: string, field: string, fail: Fail): void {
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i)
      fail(`${list}[${i}].${field}`, name, `duplicate ${field} ${JSON.stringify(name)}`);
  });
}
