/**
 * Every non-2xx answer is an `apiErrorSchema` body. Malformed input names the field (the zod issue
 * path joined with '.'); an API server refusal is passed on verbatim, status and message.
 */
import type { z } from 'zod';
import type { ApiError as ApiErrorBody } from '../contract.js';
import { ApiError as KubeApiError, NotServedError } from '../../runtime/client/errors.js';

/** An answer other than 2xx, thrown by handlers and written by the server. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  body(): ApiErrorBody {
    return {
      status: this.status,
      reason: this.reason,
      message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
    };
  }
}

export const badRequest = (message: string, field?: string) =>
  new HttpError(400, 'BadRequest', message, field);
export const notFound = (message: string) => new HttpError(404, 'NotFound', message);

/** The first zod issue, naming its field; `prefix` is the request part (e.g. none for a body). */
export function fromZod(error: z.ZodError, prefix = ''): HttpError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const field = [prefix, path].filter((p) => p !== '').join('.');
  return badRequest(`${field || 'body'}: ${issue?.message ?? 'invalid'}`, field || undefined);
}

/**
 * The API server's refusal as the caller gets it: 4xx verbatim (the hub's RBAC and admission
 * decided), anything else a 502 saying the API server failed.
 */
export function fromKube(err: unknown): HttpError {
  if (err instanceof KubeApiError) {
    if (err.code >= 400 && err.code < 500) {
      const field = err.details?.causes?.find((c) => c.field)?.field;
      return new HttpError(err.code, err.reason, err.message, field);
    }
    return new HttpError(502, 'BadGateway', `the API server answered ${err.code}: ${err.message}`);
  }
  if (err instanceof HttpError) return err;
  if (err instanceof NotServedError)
    return new HttpError(404, 'NotFound', `this hub does not serve the API: ${err.message}`);
  return new HttpError(502, 'BadGateway', `the API server could not be reached: ${(err as Error).message}`);
}
