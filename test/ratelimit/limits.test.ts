/** Limits, settings, provider-throttle recognition and the Temporal mapping: no database. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { ServiceNowApiError } from '../../connectors/servicenow/errors';
import {
  createConnectorLimiter, DEFAULT_CONNECTOR_LIMITS, DEFAULT_PROVIDER_PAUSE_SECONDS, FALLBACK_CONNECTOR_LIMITS, limitsFor,
  providerRetryAfterSeconds, RateLimitedError, rateLimitedFailure, rateLimitSettingsSchema,
} from '../../ratelimit';
import type { Queryable } from '../../db/queryable';

describe('connector limits', () => {
  it('has defaults for the built-in connectors and a cautious fallback', () => {
    assert.deepEqual(limitsFor('servicenow'), { requestsPerSecond: 5, burst: 10, maxConcurrent: 4 });
    assert.deepEqual(limitsFor('slack'), { requestsPerSecond: 1, burst: 3, maxConcurrent: 2 });
    assert.equal(limitsFor('github').requestsPerSecond, 10);
    assert.deepEqual(limitsFor('stripe'), FALLBACK_CONNECTOR_LIMITS);
    assert.deepEqual(limitsFor('constructor'), FALLBACK_CONNECTOR_LIMITS, 'no Object.prototype lookups');
    assert.ok(Object.isFrozen(DEFAULT_CONNECTOR_LIMITS));
  });

  it('applies a tenant\'s overrides field by field', () => {
    const settings = rateLimitSettingsSchema.parse({ servicenow: { requestsPerSecond: 2 }, stripe: { burst: 1, maxConcurrent: 1 } });
    assert.deepEqual(limitsFor('servicenow', settings), { requestsPerSecond: 2, burst: 10, maxConcurrent: 4 });
    assert.deepEqual(limitsFor('stripe', settings), { requestsPerSecond: 2, burst: 1, maxConcurrent: 1 });
    assert.deepEqual(limitsFor('slack', settings), DEFAULT_CONNECTOR_LIMITS['slack']);
  });

  it('rejects settings that make no sense', () => {
    for (const bad of [
      { servicenow: { requestsPerSecond: 0 } },
      { servicenow: { burst: 0.5 } },
      { servicenow: { maxConcurrent: -1 } },
      { servicenow: { rps: 3 } },
      { 'Not A Connector': { burst: 2 } },
      { servicenow: 'fast' },
    ]) {
      assert.equal(rateLimitSettingsSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('recognises providers\' throttling answers', () => {
    assert.equal(providerRetryAfterSeconds(new ServiceNowApiError('rate_limited', '429', 429, 7)), 7);
    assert.equal(providerRetryAfterSeconds(new ServiceNowApiError('rate_limited', '429', 429)), DEFAULT_PROVIDER_PAUSE_SECONDS);
    assert.equal(providerRetryAfterSeconds({ code: 'rate_limited', retryAfterSeconds: 60 }), 60, 'GitHubApiError');
    assert.equal(providerRetryAfterSeconds({ code: 'slack_webapi_rate_limited_error', retryAfter: 30 }), 30);
    assert.equal(providerRetryAfterSeconds(new ServiceNowApiError('server_error', '503', 503)), undefined);
    assert.equal(providerRetryAfterSeconds(new Error('boom')), undefined);
    assert.equal(providerRetryAfterSeconds('rate_limited'), undefined);
  });

  it('maps RateLimitedError to a retryable Temporal failure with nextRetryDelay', () => {
    const failure = rateLimitedFailure(new RateLimitedError(4200, 'provider', 'servicenow'));
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.nextRetryDelay, 4200);
    assert.equal(failure.type, 'Gatehouse.rate_limited.provider');
    assert.deepEqual(failure.details, [{ connector: 'servicenow', reason: 'provider', retryAfterMs: 4200 }]);
  });

  it('refuses nonsensical limiter options', () => {
    const unused: Queryable = { query: async () => assert.fail('no query expected') };
    assert.throws(() => createConnectorLimiter(unused, { maxInlineWaitMs: -1 }), RangeError);
    assert.throws(() => createConnectorLimiter(unused, { leaseTtlMs: 0 }), RangeError);
    assert.throws(() => createConnectorLimiter(unused, { leaseTtlMs: 1.5 }), RangeError);
  });
});
