/**
 * Per-tenant, per-connector rate limiting shared by all workers through PostgreSQL. Activities
 * wrap provider calls in `createConnectorLimiter(pool, config).run(key, fn)` and map a
 * RateLimitedError with `rateLimitedFailure`.
 */
export { rateLimitedFailure, rateLimitedFailureType } from './activity-failure';
export { realClock, type LimiterClock } from './clock';
export {
  createConnectorLimiter, CONCURRENCY_POLL_MS, CONCURRENCY_RETRY_MS, DEFAULT_LEASE_TTL_MS, DEFAULT_MAX_INLINE_WAIT_MS,
  type ConnectorLimiter, type LimiterConfig,
} from './connector-limiter';
export { RateLimitedError, type RateLimitReason } from './errors';
export {
  assertLimiterKey, MAX_PROVIDER_PAUSE_SECONDS, recordProviderThrottle, releaseLease, tryAcquire,
  type AcquireResult, type LeaseRequest, type LimiterKey,
} from './limiter-store';
export {
  connectorLimitsSchema, DEFAULT_CONNECTOR_LIMITS, FALLBACK_CONNECTOR_LIMITS, limitsFor, rateLimitConnectorPattern,
  rateLimitSettingsSchema, type ConnectorLimits, type RateLimitSettings,
} from './limits';
export { DEFAULT_PROVIDER_PAUSE_SECONDS, providerRetryAfterSeconds } from './provider-throttle';
