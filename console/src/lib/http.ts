/**
 * One request to one region: bearer token in the Authorization header only, no cookies, a
 * per-request timeout, and every answer parsed with the shared contract. Failures become an
 * `ApiFailure` whose message is the server's own (apiErrorSchema) when it sent one.
 */
import type { z } from 'zod';
import { apiErrorSchema } from './contract';

export const REQUEST_TIMEOUT_MS = 10_000;

export type FailureKind = 'network' | 'timeout' | 'http' | 'parse' | 'aborted';

export class ApiFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
    readonly field?: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  token?: string;
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

/** Joins a region base URL and an API path. */
export function apiUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

export function authHeaders(
  token: string | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** Links a caller's signal to a timeout; `cancel` clears the timer. */
export function timeoutSignal(
  timeoutMs: number,
  outer?: AbortSignal,
): { signal: AbortSignal; timedOut: () => boolean; clearTimer: () => void; cancel: () => void } {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  if (outer) {
    if (outer.aborted) controller.abort();
    else outer.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    timedOut: () => expired,
    // Keeps the link to the caller's signal (a stream goes on after its headers came in time).
    clearTimer: () => clearTimeout(timer),
    cancel: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/** Turns a non-2xx answer into an ApiFailure, keeping the server's message verbatim. */
export async function failureFromResponse(res: Response): Promise<ApiFailure> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    // The body is best effort: the status alone still says what went wrong.
  }
  try {
    const parsed = apiErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      return new ApiFailure('http', parsed.data.message, res.status, parsed.data.field, parsed.data.reason);
    }
  } catch {
    // Not JSON: fall through to the plain status.
  }
  const detail = text.trim().slice(0, 500);
  return new ApiFailure(
    'http',
    `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${detail ? `: ${detail}` : ''}`,
    res.status,
  );
}

type Issue = z.ZodError['issues'][number];

/** The issue to name: inside a union, the one of the option the answer came closest to. */
function reportedIssue(issue: Issue | undefined): Issue | undefined {
  if (issue?.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const closest = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
  const inner = reportedIssue(closest[0]);
  return inner && { ...inner, path: [...issue.path, ...inner.path] };
}

export function describeThrown(
  err: unknown,
  timedOut: boolean,
  timeoutMs: number,
  outerAborted: boolean,
): ApiFailure {
  if (err instanceof ApiFailure) return err;
  if (timedOut)
    return new ApiFailure(
      'timeout',
      `no answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`,
    );
  if (outerAborted) return new ApiFailure('aborted', 'cancelled');
  const message = err instanceof Error ? err.message : String(err);
  return new ApiFailure('network', `cannot reach the region (${message})`);
}

export async function request<S extends z.ZodType>(
  base: string,
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.infer<S>> {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const t = timeoutSignal(timeoutMs, options.signal);
  const fetchImpl = options.fetchImpl ?? globalThis.fetch.bind(globalThis);
  try {
    const hasBody = options.body !== undefined;
    const res = await fetchImpl(apiUrl(base, path), {
      method: options.method ?? 'GET',
      headers: authHeaders(options.token, hasBody ? { 'Content-Type': 'application/json' } : {}),
      body: hasBody ? JSON.stringify(options.body) : undefined,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      signal: t.signal,
    });
    if (!res.ok) throw await failureFromResponse(res);
    const json: unknown = await res.json();
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = reportedIssue(parsed.error.issues[0]);
      throw new ApiFailure(
        'parse',
        `unexpected answer from ${path}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
        res.status,
      );
    }
    return parsed.data;
  } catch (err) {
    throw describeThrown(err, t.timedOut(), timeoutMs, options.signal?.aborted ?? false);
  } finally {
    t.cancel();
  }
}
