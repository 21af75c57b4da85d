/** What an action ended with, as the Alert shows it. */
import type { ActionResult } from './contract';
import { ApiFailure } from './http';

export type Outcome =
  { kind: 'error'; title: string; message: string; field?: string } | { kind: 'success'; message: string };

export function failureOutcome(err: unknown, what: string): Outcome {
  if (err instanceof ApiFailure) {
    const title = `${what} failed${err.status ? ` (HTTP ${err.status}${err.reason ? ` ${err.reason}` : ''})` : ''}`;
    return err.field !== undefined
      ? { kind: 'error', title, message: err.message, field: err.field }
      : { kind: 'error', title, message: err.message };
  }
  return {
    kind: 'error',
    title: `${what} failed`,
    message: err instanceof Error ? err.message : String(err),
  };
}

export function successOutcome(result: ActionResult, what: string): Outcome {
  const names = (refs: ActionResult['written'] = []) =>
    refs.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`).join(', ');
  const done = [
    ...(result.written.length ? [`wrote ${names(result.written)}`] : []),
    ...(result.deleted?.length ? [`deleted ${names(result.deleted)}`] : []),
  ];
  return { kind: 'success', message: done.length ? `${what}: ${done.join('; ')}` : `${what}: done` };
}

/** A local validation failure (the same contract schema the server applies), naming the field. */
export function validationOutcome(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  what: string,
): Outcome {
  const issue = issues[0];
  const field = issue ? issue.path.map(String).join('.') : undefined;
  const message = issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'invalid input';
  return field
    ? { kind: 'error', title: `${what}: invalid input`, message, field }
    : { kind: 'error', title: `${what}: invalid input`, message };
}

/** Whether an outcome's field names this form field (exactly, or a parent/child of it). */
export function fieldHasError(outcome: Outcome | undefined, field: string): boolean {
  if (!outcome || outcome.kind !== 'error' || outcome.field === undefined) return false;
  const f = outcome.field;
  return f === field || f.startsWith(`${field}.`) || field.startsWith(`${f}.`);
}
