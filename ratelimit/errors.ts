/**
 * The error a limited call fails with when the wait is too long to sit out in-process: the
 * activity layer turns it into a retryable Temporal failure whose next retry comes after
 * `retryAfterMs` (see activity-failure.ts), so the wait costs no worker slot.
 */

/**
 * Why a call may not go out yet: the tenant's token bucket for the connector is empty
 * (`rate`), its in-flight cap is reached (`concurrency`), or the provider itself asked for a
 * pause, e.g. through a 429 Retry-After (`provider`).
 */
export type RateLimitReason = 'rate' | 'concurrency' | 'provider';

/** A call was held back by the connector limiter; try again after `retryAfterMs`. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly code = 'rate_limited';

  constructor(
    /** Milliseconds after which another attempt may succeed (at least 1). */
    readonly retryAfterMs: number,
    readonly reason: RateLimitReason,
    /** The connector the call was for, for logs and failure types. */
    readonly connector: string,
  ) {
    super(`call to ${connector} held back (${reason}); retry in ${retryAfterMs} ms`);
  }
}
