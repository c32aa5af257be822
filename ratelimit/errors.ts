/**
 * The error a limited call fails with when the wait is too long to sit out in-process: the
 * activity layer turns it into a retryable Temporal failure whose next retry comes after
 * `retryAfterMs` (see activity-failure.ts), so the wait costs no worker slot.
 */

/**
 * Why a call may not go out yet: a token bucket it draws from is empty (`rate`), an in-flight
 * cap is reached (`concurrency`), or the provider itself asked for a pause, e.g. through a 429
 * Retry-After (`provider`).
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
    /** The bucket that held the call back, e.g. `slack:chat.postMessage:C0123` (see buckets.ts). */
    readonly bucket: string = connector,
  ) {
    super(`call to ${bucket} held back (${reason}); retry in ${retryAfterMs} ms`);
  }
}
