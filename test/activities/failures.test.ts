/**
 * How connector errors become Temporal failures: a provider's 429 is a planned wait (retried
 * after its Retry-After, logged as benign, not as a warning with a stack trace); an outage is a
 * loud retryable failure; a bad request fails for good.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { toActivityFailure } from '../../activities/failures';
import { ServiceNowApiError } from '../../connectors/servicenow/errors';

function asFailure(err: unknown): ApplicationFailure {
  const failure = toActivityFailure(err);
  assert.ok(failure instanceof ApplicationFailure);
  return failure;
}

describe('activity failures', () => {
  it('a ServiceNow 429 waits as long as asked and is benign; a 503 is a loud retry; a 400 is final', () => {
    const throttled = asFailure(new ServiceNowApiError('rate_limited', 'ServiceNow answered 429', 429, 120));
    assert.equal(throttled.nonRetryable, false);
    assert.equal(throttled.nextRetryDelay, '120 seconds');
    assert.equal(throttled.category, ApplicationFailureCategory.BENIGN);

    const outage = asFailure(new ServiceNowApiError('server_error', 'ServiceNow answered 503', 503));
    assert.equal(outage.nonRetryable, false);
    assert.notEqual(outage.category, ApplicationFailureCategory.BENIGN);

    const bad = asFailure(new ServiceNowApiError('bad_request', 'ServiceNow answered 400', 400));
    assert.equal(bad.nonRetryable, true);
  });
});
