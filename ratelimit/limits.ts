/**
 * How hard Gatehouse may call each connector's provider, per tenant: the connector-wide
 * defaults (every call of a tenant's connector together), and the settings schema through which
 * a tenant can lower or raise them, for the whole connector (`slack`) or for one provider
 * operation (`slack.chat.postMessage`). Per-operation defaults live with the provider's own
 * table (slack-method-tiers.ts); buckets.ts combines the two for a call.
 */
import { z } from 'zod';

/**
 * Connector ids the limiter accepts. Same rule as the manifest's `connectorIdPattern`
 * (connectors/framework/manifest-schema.ts), restated so this module stays dependency-free.
 */
export const rateLimitConnectorPattern = /^[a-z][a-z0-9_]{1,62}$/;

/** Provider operation names (Slack methods such as `chat.postMessage`, `users.info`). */
export const rateLimitResourcePattern = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

/**
 * Keys of a tenant's `rateLimits`: a connector id, or a connector id, a dot and an operation
 * (`slack.chat.postMessage`). The first dot separates the two; operation names may hold more.
 */
export const rateLimitSettingsKeyPattern = /^[a-z][a-z0-9_]{1,62}(?:\.[A-Za-z][A-Za-z0-9_.-]{0,99})?$/;

/** The limits of one bucket: a token bucket, and optionally a cap on calls in flight. */
export const connectorLimitsSchema = z.object({
  /** Sustained requests per second (the token bucket's refill rate). */
  requestsPerSecond: z.number().positive().max(10_000),
  /** Requests that may go out back to back after a quiet spell (the bucket's capacity). */
  burst: z.number().int().min(1).max(10_000),
  /**
   * Calls in flight at once across all workers. Absent: no cap, and the call then takes no
   * concurrency lease at all (nothing to release afterwards).
   */
  maxConcurrent: z.number().int().min(1).max(1_000).optional(),
}).strict();

/** The limits of one bucket (see {@link connectorLimitsSchema}). */
export type BucketLimits = z.infer<typeof connectorLimitsSchema>;

/** The limits for one tenant's use of one connector as a whole (a {@link BucketLimits}). */
export type ConnectorLimits = BucketLimits;

/**
 * A tenant's overrides, by connector id or `connector.operation`; each field left out keeps the
 * default. Exported so tenant settings can embed it (`rateLimits: rateLimitSettingsSchema.optional()`).
 */
export const rateLimitSettingsSchema = z.record(
  z.string().regex(rateLimitSettingsKeyPattern, 'must be a connector id (lowercase letters, digits and underscores), optionally followed by "." and an operation, e.g. slack.chat.postMessage'),
  connectorLimitsSchema.partial(),
);

/** A tenant's overrides (see {@link rateLimitSettingsSchema}). */
export type RateLimitSettings = z.infer<typeof rateLimitSettingsSchema>;

/**
 * Connector-wide defaults: every call a tenant makes to the connector draws from this bucket,
 * whatever else applies to it. ServiceNow instances are shared with the customer's own
 * integrations and throttle per user, so Gatehouse takes a modest share, with a concurrency cap
 * (instances limit concurrent API transactions). Slack limits each method on its own (see
 * slack-method-tiers.ts) and publishes no concurrency limit, so its connector-wide bucket is only
 * a guard rail well above what the per-method limits add up to in a run, with no cap and hence
 * no lease. GitHub allows 5,000 requests an hour per installation but punishes concurrent bursts
 * with secondary limits, so concurrency is kept low and the hourly budget is left to its reset
 * headers (fed back through noteThrottled).
 */
export const DEFAULT_CONNECTOR_LIMITS: Readonly<Record<string, Readonly<BucketLimits>>> = Object.freeze({
  servicenow: { requestsPerSecond: 5, burst: 10, maxConcurrent: 4 },
  slack: { requestsPerSecond: 10, burst: 20 },
  github: { requestsPerSecond: 10, burst: 10, maxConcurrent: 4 },
});

/** Limits for a connector without built-in defaults: cautious, since we know nothing of it. */
export const FALLBACK_CONNECTOR_LIMITS: Readonly<BucketLimits> = Object.freeze({ requestsPerSecond: 2, burst: 5, maxConcurrent: 2 });

/** The tenant's override stored under `settingsKey`, if any (never an Object.prototype member). */
export function overrideFor(overrides: RateLimitSettings | undefined, settingsKey: string): Partial<BucketLimits> | undefined {
  return overrides && Object.hasOwn(overrides, settingsKey) ? overrides[settingsKey] : undefined;
}

/**
 * `base` with `override` applied field by field. `override` is trusted to have passed
 * {@link rateLimitSettingsSchema}; the result is validated again so a bad merge cannot slip by.
 */
export function mergeLimits(base: Readonly<BucketLimits>, override: Partial<BucketLimits> | undefined): BucketLimits {
  const merged: BucketLimits = { ...base };
  if (override?.requestsPerSecond !== undefined) merged.requestsPerSecond = override.requestsPerSecond;
  if (override?.burst !== undefined) merged.burst = override.burst;
  if (override?.maxConcurrent !== undefined) merged.maxConcurrent = override.maxConcurrent;
  return connectorLimitsSchema.parse(merged);
}

/** The connector-wide limits in force for `connector`: its default (or the fallback) with the tenant's override. */
export function limitsFor(connector: string, overrides?: RateLimitSettings): BucketLimits {
  // Object.hasOwn: a connector named like an Object.prototype member must not pick that up.
  const base = Object.hasOwn(DEFAULT_CONNECTOR_LIMITS, connector) ? DEFAULT_CONNECTOR_LIMITS[connector] : undefined;
  return mergeLimits(base ?? FALLBACK_CONNECTOR_LIMITS, overrideFor(overrides, connector));
}
