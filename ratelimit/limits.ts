/**
 * How hard Gatehouse may call each connector's provider, per tenant: built-in defaults that
 * stay well inside the providers' documented limits, and a settings schema through which a
 * tenant can lower (or, for a large instance, raise) them.
 */
import { z } from 'zod';

/**
 * Connector ids the limiter accepts. Same rule as the manifest's `connectorIdPattern`
 * (connectors/framework/manifest-schema.ts), restated so this module stays dependency-free.
 */
export const rateLimitConnectorPattern = /^[a-z][a-z0-9_]{1,62}$/;

/** The limits for one tenant's use of one connector. */
export const connectorLimitsSchema = z.object({
  /** Sustained requests per second (the token bucket's refill rate). */
  requestsPerSecond: z.number().positive().max(10_000),
  /** Requests that may go out back to back after a quiet spell (the bucket's capacity). */
  burst: z.number().int().min(1).max(10_000),
  /** Calls in flight at once across all workers. */
  maxConcurrent: z.number().int().min(1).max(1_000),
}).strict();

/** The limits for one tenant's use of one connector. */
export type ConnectorLimits = z.infer<typeof connectorLimitsSchema>;

/**
 * A tenant's overrides, by connector id; each field left out keeps the default. Exported so
 * tenant settings can embed it (e.g. `rateLimits: rateLimitSettingsSchema.optional()`).
 */
export const rateLimitSettingsSchema = z.record(
  z.string().regex(rateLimitConnectorPattern, 'must be a connector id (lowercase letters, digits and underscores)'),
  connectorLimitsSchema.partial(),
);

/** A tenant's overrides, by connector id (see {@link rateLimitSettingsSchema}). */
export type RateLimitSettings = z.infer<typeof rateLimitSettingsSchema>;

/**
 * Built-in defaults. ServiceNow instances are shared with the customer's own integrations and
 * throttle per user, so Gatehouse takes a modest share. Slack's chat.postMessage allows about
 * one message per second per channel (Tier "special"), hence 1 rps with a small burst. GitHub
 * allows 5,000 requests an hour per installation (about 1.4 rps sustained) but punishes bursts
 * of concurrent requests with secondary limits, so concurrency is kept low and the primary
 * budget is left to its reset headers (fed back through noteThrottled).
 */
export const DEFAULT_CONNECTOR_LIMITS: Readonly<Record<string, ConnectorLimits>> = Object.freeze({
  servicenow: { requestsPerSecond: 5, burst: 10, maxConcurrent: 4 },
  slack: { requestsPerSecond: 1, burst: 3, maxConcurrent: 2 },
  github: { requestsPerSecond: 10, burst: 10, maxConcurrent: 4 },
});

/** Limits for a connector without built-in defaults: cautious, since we know nothing of it. */
export const FALLBACK_CONNECTOR_LIMITS: Readonly<ConnectorLimits> = Object.freeze({ requestsPerSecond: 2, burst: 5, maxConcurrent: 2 });

/**
 * The limits in force for `connector`: its default (or the fallback), with the tenant's
 * overrides applied field by field. `overrides` is trusted to have passed
 * {@link rateLimitSettingsSchema}; the result is validated again so a bad merge cannot slip by.
 */
export function limitsFor(connector: string, overrides?: RateLimitSettings): ConnectorLimits {
  const base = Object.hasOwn(DEFAULT_CONNECTOR_LIMITS, connector) ? DEFAULT_CONNECTOR_LIMITS[connector] : undefined;
  // Object.hasOwn: a connector named like an Object.prototype member must not pick that up.
  const override = overrides && Object.hasOwn(overrides, connector) ? overrides[connector] : undefined;
  const merged = { ...(base ?? FALLBACK_CONNECTOR_LIMITS) };
  if (override?.requestsPerSecond !== undefined) merged.requestsPerSecond = override.requestsPerSecond;
  if (override?.burst !== undefined) merged.burst = override.burst;
  if (override?.maxConcurrent !== undefined) merged.maxConcurrent = override.maxConcurrent;
  return connectorLimitsSchema.parse(merged);
}
