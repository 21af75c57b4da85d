/**
 * Errors of the Kubernetes client. An HTTP error from the API server becomes an `ApiError`
 * carrying the `metav1.Status` fields; the predicates below are what callers should test
 * (like apimachinery's `errors.IsNotFound`), never message strings.
 */

/** The `details` of a `metav1.Status`. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason?: string; message?: string; field?: string }[];
  retryAfterSeconds?: number;
}

/** An error status returned by the API server. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The HTTP status code (404, 409, 410, 422, 429, 500…). */
    readonly code: number,
    /** The machine-readable `Status.reason` (`NotFound`, `Conflict`, `Expired`, …). */
    readonly reason: string,
    message: string,
    readonly details: StatusDetails | undefined,
    /** From the `Retry-After` header or `details.retryAfterSeconds`. */
    readonly retryAfterSeconds: number | undefined,
    /** `METHOD path`, without the query string, for logs. */
    readonly request: string,
  ) {
    super(message);
  }

  /** Builds an ApiError from a response; the body is expected to be a `metav1.Status`. */
  static fromResponse(
    status: number,
    body: string,
    retryAfter: string | undefined,
    request: string,
  ): ApiError {
    let parsed: { reason?: unknown; message?: unknown; details?: unknown; code?: unknown } = {};
    try {
      const value: unknown = JSON.parse(body);
      if (value && typeof value === 'object') parsed = value;
    } catch {
      // Not JSON (a proxy's HTML page, a plain-text 503): keep a bounded excerpt as the message.
    }
    const details =
      parsed.details && typeof parsed.details === 'object' ? (parsed.details as StatusDetails) : undefined;
    const headerSeconds = retryAfter !== undefined ? Number(retryAfter) : NaN;
    const retryAfterSeconds = Number.isFinite(headerSeconds) ? headerSeconds : details?.retryAfterSeconds;
    const message =
      typeof parsed.message === 'string' && parsed.message !== ''
        ? parsed.message
        : `${request}: HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
    const reason = typeof parsed.reason === 'string' ? parsed.reason : reasonForCode(status);
    return new ApiError(status, reason, message, details, retryAfterSeconds, request);
  }
}

/** The apiVersion/kind is not served by the API server (yet): a CRD not installed or not Established. */
export class NotServedError extends Error {
  override readonly name = 'NotServedError';
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`${kind} in ${apiVersion} is not served by the API server`);
  }
}

function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    410: 'Expired',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}

const hasCode = (err: unknown, code: number): err is ApiError => err instanceof ApiError && err.code === code;

/** 404: the object (or its namespace) does not exist. */
export const isNotFound = (err: unknown): err is ApiError => hasCode(err, 404);
/** 409 Conflict: a stale resourceVersion or an apply conflict (not AlreadyExists). */
export const isConflict = (err: unknown): err is ApiError =>
  hasCode(err, 409) && err.reason !== 'AlreadyExists';
/** 409 AlreadyExists on create. */
export const isAlreadyExists = (err: unknown): err is ApiError =>
  hasCode(err, 409) && err.reason === 'AlreadyExists';
/** 410 Gone / Expired: a resourceVersion or continue token too old; re-list. */
export const isGone = (err: unknown): err is ApiError =>
  err instanceof ApiError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');
/** 403: RBAC denies the request. */
export const isForbidden = (err: unknown): err is ApiError => hasCode(err, 403);
/** 401: the credentials were rejected. */
export const isUnauthorized = (err: unknown): err is ApiError => hasCode(err, 401);
/** 422: the object failed validation. */
export const isInvalid = (err: unknown): err is ApiError => hasCode(err, 422);
/** 429: throttled by API priority and fairness; wait `retryAfterSeconds`. */
export const isTooManyRequests = (err: unknown): err is ApiError => hasCode(err, 429);
/** 5xx: the API server (or something in front of it) failed; worth retrying. */
export const isServerError = (err: unknown): err is ApiError => err instanceof ApiError && err.code >= 500;
/** The kind is not served (CRD missing). */
export const isNotServed = (err: unknown): err is NotServedError => err instanceof NotServedError;

/** True for errors of the connection rather than the API (refused, reset, DNS, TLS, timeout). */
export function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^(E[A-Z_]+|ERR_[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code);
}

/** A short description of an error for logs: message and code, never request bodies. */
export function errorSummary(err: unknown): { message: string; code?: string | number } {
  if (err instanceof Error) {
    const code = (err as { code?: string | number }).code;
    return code === undefined ? { message: err.message } : { message: err.message, code };
  }
  return { message: String(err) };
}
