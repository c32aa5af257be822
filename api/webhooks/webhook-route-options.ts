/** Knobs of the inbound webhook routers that ApiDeps does not carry (tests use them too). */
import { DEFAULT_INBOUND_RATE_LIMIT, InboundRateLimiter, type InboundRateLimitConfig } from './inbound-rate-limit';

/** Options of the webhook routers; all optional. */
export interface WebhookRouteOptions {
  /** Limits per route token (default {@link DEFAULT_INBOUND_RATE_LIMIT}); ignored when `limiter` is given. */
  rateLimit?: InboundRateLimitConfig;
  /** A ready limiter, e.g. one shared by several routers or driven by a fake clock. */
  limiter?: InboundRateLimiter;
  /** Wall-clock milliseconds for the timestamp tolerance check (default Date.now). */
  now?: () => number;
  /** Largest body accepted, e.g. '256kb' (default: deps.webhookBodyLimit, else the route's own default). */
  bodyLimit?: string;
}

/** The limiter a router uses: the given one, or its own with the configured limits. */
export function routeLimiter(options: WebhookRouteOptions): InboundRateLimiter {
  return options.limiter ?? new InboundRateLimiter(options.rateLimit ?? DEFAULT_INBOUND_RATE_LIMIT);
}
