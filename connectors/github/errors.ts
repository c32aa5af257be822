/**
 * GitHub failures as one typed error that keeps the HTTP status, GitHub's request id and how
 * long to wait before trying again, so the activity layer can choose between retrying
 * (throttling, outages, network) and failing for good. The client itself never retries:
 * Temporal's activity retry policy is the one retry layer.
 */

/** Stable codes an operator (and `toActivityFailure`) can filter on. */
export type GitHubErrorCode =
  /** 401: the app JWT or the installation token was refused (wrong app id or key, clock skew, revoked or expired token). */
  | 'unauthenticated'
  /** 403 `Resource not accessible by integration`: the installation lacks a permission. */
  | 'permission_denied'
  /** Any other 403. */
  | 'forbidden'
  /** 404: missing, or invisible to this installation (GitHub hides private repositories). */
  | 'not_found'
  /** 422. */
  | 'validation_failed'
  /** Other 4xx. */
  | 'bad_request'
  /** Primary limit exhausted or a secondary limit hit (403 or 429). */
  | 'rate_limited'
  | 'server_error'
  | 'network_error'
  /** GitHub answered with a shape the provider schema does not accept. */
  | 'invalid_response'
  /** The action's input failed its schema. */
  | 'invalid_input'
  /** The app credentials cannot be used at all (e.g. a private key that is not a PEM RSA key). */
  | 'configuration_error'
  /** `get-file-contents` refusals. */
  | 'not_a_file'
  | 'binary_file'
  | 'file_too_large';

/** Optional facts about a failure. */
export interface GitHubApiErrorDetails {
  status?: number;
  /** Seconds to wait before trying again (rate limits only). */
  retryAfterSeconds?: number;
  /** `x-github-request-id`, for GitHub support. */
  requestId?: string;
}

const RETRYABLE: ReadonlySet<GitHubErrorCode> = new Set(['rate_limited', 'server_error', 'network_error']);

/** A GitHub failure. Messages never contain tokens, JWTs or key material. */
export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(readonly code: GitHubErrorCode, message: string, details: GitHubApiErrorDetails = {}) {
    super(message);
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.requestId = details.requestId;
  }

  /** Worth retrying later: throttling, server trouble, or a connection that failed. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/** The code for an HTTP error status that is not a rate limit. */
export function codeForStatus(status: number): GitHubErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 422) return 'validation_failed';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}
