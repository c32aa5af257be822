/** Limits, settings, provider-throttle recognition and the Temporal mapping: no database. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { ServiceNowApiError } from '../../connectors/servicenow/errors';
import {
  bucketsFor, createConnectorLimiter, DEFAULT_CONNECTOR_LIMITS, DEFAULT_PROVIDER_PAUSE_SECONDS, FALLBACK_CONNECTOR_LIMITS, limitsFor,
  providerRetryAfterSeconds, RateLimitedError, rateLimitedFailure, rateLimitSettingsSchema, SLACK_TIER_LIMITS, throttledBucketKey,
} from '../../ratelimit';
import { tenantSettingsSchema } from '../../tenancy/tenant-settings';
import type { Queryable } from '../../db/queryable';

describe('connector limits', () => {
  it('has defaults for the built-in connectors and a cautious fallback', () => {
    assert.deepEqual(limitsFor('servicenow'), { requestsPerSecond: 5, burst: 10, maxConcurrent: 4 });
    assert.deepEqual(limitsFor('slack'), { requestsPerSecond: 10, burst: 20 }, 'a guard rail without a concurrency cap');
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

  it('maps RateLimitedError to a retryable, benign Temporal failure with nextRetryDelay', () => {
    const failure = rateLimitedFailure(new RateLimitedError(4200, 'provider', 'servicenow'));
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.nextRetryDelay, 4200);
    assert.equal(failure.type, 'Gatehouse.rate_limited.provider');
    assert.deepEqual(failure.details, [{ connector: 'servicenow', bucket: 'servicenow', reason: 'provider', retryAfterMs: 4200 }]);
    // BENIGN: the worker logs the planned wait at debug level, without a warning and stack trace.
    assert.equal(failure.category, ApplicationFailureCategory.BENIGN);
    const rate = rateLimitedFailure(new RateLimitedError(900, 'rate', 'slack', 'slack:chat.postMessage:C0APPROVALS'));
    assert.equal(rate.type, 'Gatehouse.rate_limited.rate');
    assert.equal(rate.category, ApplicationFailureCategory.BENIGN);
    assert.deepEqual(rate.details, [{ connector: 'slack', bucket: 'slack:chat.postMessage:C0APPROVALS', reason: 'rate', retryAfterMs: 900 }]);
  });

  it('charges a Slack call to the connector and to its method, chat.postMessage per channel', () => {
    const tenantId = '00000000-0000-4000-8000-000000000001';
    const keys = (resource?: string, partition?: string) =>
      bucketsFor({ tenantId, connector: 'slack', ...(resource ? { resource } : {}), ...(partition ? { partition } : {}) }).map((b) => b.key);
    assert.deepEqual(keys('chat.postMessage', 'C0A'), ['slack', 'slack:chat.postMessage:C0A']);
    assert.deepEqual(keys('chat.update', 'C0A'), ['slack', 'slack:chat.update'], 'chat.update is limited per workspace');
    assert.deepEqual(keys('chat.postEphemeral', 'C0A'), ['slack', 'slack:chat.postEphemeral']);
    assert.deepEqual(keys('chat.postMessage'), ['slack', 'slack:chat.postMessage'], 'no channel said: one bucket for the method');
    assert.deepEqual(keys(), ['slack']);
    const odd = keys('chat.postMessage', `#${'x'.repeat(200)}`)[1] ?? '';
    assert.match(odd, /^slack:chat\.postMessage:sha256-[0-9a-f]{32}$/, 'odd channel names are digested');

    const limits = (resource: string) => bucketsFor({ tenantId, connector: 'slack', resource, partition: 'C0A' })[1]?.limits;
    assert.deepEqual(limits('chat.postMessage'), { requestsPerSecond: 1, burst: 3 });
    assert.deepEqual(limits('chat.update'), SLACK_TIER_LIMITS[3]);
    assert.deepEqual(limits('chat.postEphemeral'), SLACK_TIER_LIMITS[4]);
    assert.deepEqual(limits('views.open'), SLACK_TIER_LIMITS[4]);
    assert.deepEqual(limits('users.info'), SLACK_TIER_LIMITS[4]);
    assert.deepEqual(limits('auth.revoke'), SLACK_TIER_LIMITS[3]);
    assert.deepEqual(limits('conversations.members'), SLACK_TIER_LIMITS[2], 'a method missing from the table gets Tier 2');
    assert.ok(Math.abs(SLACK_TIER_LIMITS[3].requestsPerSecond * 60 - 50) < 1e-9, 'Tier 3 is 50 a minute');

    // ServiceNow and GitHub publish one budget: a descriptor changes nothing.
    assert.deepEqual(bucketsFor({ tenantId, connector: 'servicenow', resource: 'incident', partition: 'x' }).map((b) => b.key), ['servicenow']);
  });

  it('pauses the most specific bucket on a provider throttle', () => {
    const tenantId = '00000000-0000-4000-8000-000000000001';
    assert.equal(throttledBucketKey({ tenantId, connector: 'slack', resource: 'chat.postMessage', partition: 'C0A' }), 'slack:chat.postMessage:C0A');
    assert.equal(throttledBucketKey({ tenantId, connector: 'slack', resource: 'chat.update', partition: 'C0A' }), 'slack:chat.update');
    assert.equal(throttledBucketKey({ tenantId, connector: 'servicenow' }), 'servicenow');
  });

  it('takes per-method overrides, and existing connector-wide settings still validate and apply', () => {
    const tenantId = '00000000-0000-4000-8000-000000000001';
    const settings = rateLimitSettingsSchema.parse({
      slack: { requestsPerSecond: 2, burst: 2, maxConcurrent: 1 },
      'slack.chat.postMessage': { burst: 1 },
      'slack.chat.update': { requestsPerSecond: 0.5 },
    });
    const post = bucketsFor({ tenantId, connector: 'slack', resource: 'chat.postMessage', partition: 'C0A' }, settings);
    assert.deepEqual(post, [
      { key: 'slack', limits: { requestsPerSecond: 2, burst: 2, maxConcurrent: 1 } },
      { key: 'slack:chat.postMessage:C0A', limits: { requestsPerSecond: 1, burst: 1 } },
    ]);
    assert.deepEqual(bucketsFor({ tenantId, connector: 'slack', resource: 'chat.update' }, settings)[1]?.limits, { requestsPerSecond: 0.5, burst: 10 });

    for (const rateLimits of [
      { servicenow: { requestsPerSecond: 2, maxConcurrent: 1 } },
      { slack: { requestsPerSecond: 1, burst: 3, maxConcurrent: 2 } },
      { github: { requestsPerSecond: 10, burst: 10, maxConcurrent: 4 }, stripe: { burst: 1 } },
    ]) {
      assert.equal(rateLimitSettingsSchema.safeParse(rateLimits).success, true, JSON.stringify(rateLimits));
    }
    const tenant = tenantSettingsSchema.safeParse({
      servicenow: { instanceUrl: 'https://acme.service-now.com', auth: 'basic', username: 'gatehouse.integration' },
      slack: { apiBaseUrl: 'https://slack.com/api/', channel: 'C0APPROVALS', teamId: 'T0ACME' },
      approvals: { approvers: ['U0ALICE'] },
      rateLimits: { servicenow: { requestsPerSecond: 2, maxConcurrent: 1 }, 'slack.chat.postMessage': { burst: 2 } },
    });
    assert.equal(tenant.success, true, tenant.success ? '' : JSON.stringify(tenant.error.issues));
    for (const bad of ['slack.', 'slack..x', 'Slack.chat.update', 'slack.chat update', 'slack.1chat']) {
      assert.equal(rateLimitSettingsSchema.safeParse({ [bad]: { burst: 1 } }).success, false, bad);
    }
  });

  it('refuses nonsensical limiter options', () => {
    const unused: Queryable = { query: async () => assert.fail('no query expected') };
    assert.throws(() => createConnectorLimiter(unused, { maxInlineWaitMs: -1 }), RangeError);
    assert.throws(() => createConnectorLimiter(unused, { leaseTtlMs: 0 }), RangeError);
    assert.throws(() => createConnectorLimiter(unused, { leaseTtlMs: 1.5 }), RangeError);
    assert.throws(() => createConnectorLimiter(unused, { releaseFlushMs: -5 }), RangeError);
  });
});
