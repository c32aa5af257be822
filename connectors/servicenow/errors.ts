/**
 * ServiceNow HTTP failures, keeping status, ServiceNow's own message and Retry-After so the
 * activity layer can decide between retrying (429, 5xx, network) and failing for good (4xx).
 */
export type ServiceNowErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'bad_request'
  | 'rate_limited'
  | 'server_error'
  | 'network_error'
  /** The connection was refused by the egress guard (an address inside): retrying cannot help. */
  | 'egress_refused'
  | 'invalid_response';

export class ServiceNowApiError extends Error {
  override readonly name = 'ServiceNowApiError';
  constructor(
    readonly code: ServiceNowErrorCode,
    message: string,
    readonly status?: number,
    /** Seconds ServiceNow asked us to wait (429 Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Worth retrying later: throttling, server trouble, or a connection that failed. */
  get retryable(): boolean {
    return this.code === 'rate_limited' || this.code === 'server_error' || this.code === 'network_error';
  }
}

export function codeForStatus(status: number): ServiceNowErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

/**
 * Whether a failed fetch was the egress guard refusing the address (an error with code
 * `egress_refused` somewhere in its causes): a setting to correct, not an outage to retry.
 */
export function isEgressRefusal(err: unknown): boolean {
  for (let at: unknown = err, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) {
    if ((at as Error & { code?: unknown }).code === 'egress_refused') return true;
  }
  return false;
}

export { fetchFailure } from '../framework/fetch-failure';
