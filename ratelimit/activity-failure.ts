/**
 * Turns a {@link RateLimitedError} into the Temporal failure the activity should throw: retryable,
 * with the next attempt scheduled after the limiter's wait, so waiting costs no worker slot.
 * It is a planned wait, not a fault, so the failure is BENIGN: the worker logs it at debug level
 * without a stack trace and leaves it out of its failure metrics (a burst of incidents used to
 * print hundreds of "Activity failed" warnings for throttling that worked as intended). The
 * attempt still shows in the Temporal UI with its type and details.
 */
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { RateLimitedError } from './errors';

/** The failure `type` operators can filter on, e.g. `Gatehouse.rate_limited.provider`. */
export function rateLimitedFailureType(err: RateLimitedError): string {
  return `Gatehouse.rate_limited.${err.reason}`;
}

/** A retryable, benign ApplicationFailure whose nextRetryDelay is the error's retryAfterMs. */
export function rateLimitedFailure(err: RateLimitedError): ApplicationFailure {
  return ApplicationFailure.create({
    type: rateLimitedFailureType(err),
    message: err.message,
    nonRetryable: false,
    nextRetryDelay: err.retryAfterMs,
    details: [{ connector: err.connector, bucket: err.bucket, reason: err.reason, retryAfterMs: err.retryAfterMs }],
    category: ApplicationFailureCategory.BENIGN,
  });
}
