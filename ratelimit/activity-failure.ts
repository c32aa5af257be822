/**
 * Turns a {@link RateLimitedError} into the Temporal failure the activity should throw: retryable,
 * with the next attempt scheduled after the limiter's wait, so waiting costs no worker slot.
 */
import { ApplicationFailure } from '@temporalio/common';
import { RateLimitedError } from './errors';

/** The failure `type` operators can filter on, e.g. `Gatehouse.rate_limited.provider`. */
export function rateLimitedFailureType(err: RateLimitedError): string {
  return `Gatehouse.rate_limited.${err.reason}`;
}

/** A retryable ApplicationFailure whose nextRetryDelay is the error's retryAfterMs. */
export function rateLimitedFailure(err: RateLimitedError): ApplicationFailure {
  return ApplicationFailure.create({
    type: rateLimitedFailureType(err),
    message: err.message,
    nonRetryable: false,
    nextRetryDelay: err.retryAfterMs,
    details: [{ connector: err.connector, reason: err.reason, retryAfterMs: err.retryAfterMs }],
  });
}
