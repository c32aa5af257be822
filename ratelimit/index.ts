/**
 * Per-tenant outbound rate limiting shared by all workers through PostgreSQL: per connector,
 * and per provider operation where the provider limits operations separately (Slack methods,
 * chat.postMessage per channel). Activities wrap provider calls in
 * `createConnectorLimiter(pool, config).run(key, fn)` and map a RateLimitedError with
 * `rateLimitedFailure`.
 */
export { rateLimitedFailure, rateLimitedFailureType } from './activity-failure';
export { bucketsFor, throttledBucketKey, type LimitBucket } from './buckets';
export { realClock, type LimiterClock } from './clock';
export {
  createConnectorLimiter, CONCURRENCY_POLL_MS, CONCURRENCY_RETRY_MS, DEFAULT_LEASE_TTL_MS, DEFAULT_MAX_INLINE_WAIT_MS,
  type ConnectorLimiter, type LimiterConfig, type RunOptions,
} from './connector-limiter';
export { RateLimitedError, type RateLimitReason } from './errors';
export { assertLimiterKey, partitionKeyPart, type LimiterKey } from './limiter-key';
export {
  MAX_PROVIDER_PAUSE_SECONDS, recordProviderThrottle, releaseLeases, tryAcquire,
  type AcquireResult, type LeaseRelease, type LeaseRequest,
} from './limiter-store';
export {
  connectorLimitsSchema, DEFAULT_CONNECTOR_LIMITS, FALLBACK_CONNECTOR_LIMITS, limitsFor, rateLimitConnectorPattern,
  rateLimitResourcePattern, rateLimitSettingsKeyPattern, rateLimitSettingsSchema,
  type BucketLimits, type ConnectorLimits, type RateLimitSettings,
} from './limits';
export { DEFAULT_PROVIDER_PAUSE_SECONDS, providerRetryAfterSeconds } from './provider-throttle';
export { DEFAULT_RELEASE_FLUSH_MS } from './release-batch';
export {
  SLACK_METHOD_LIMITS, SLACK_TIER_LIMITS, SLACK_UNKNOWN_METHOD_TIER, slackMethodDefaults,
  type SlackMethodLimit, type SlackTier,
} from './slack-method-tiers';
