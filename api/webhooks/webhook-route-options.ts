/** Knobs of the inbound webhook routers that ApiDeps does not carry (tests use them too). */
import { InboundRateLimiter, ROUTE_TOKEN_RATE_LIMIT, type InboundRateLimitConfig } from './inbound-rate-limit';
import { TenantInboundLimiter } from './tenant-rate-limit';

/** Options of the webhook routers; all optional. */
export interface WebhookRouteOptions {
  /** Limits per route token before authentication (default {@link ROUTE_TOKEN_RATE_LIMIT}); ignored when `limiter` is given. */
  rateLimit?: InboundRateLimitConfig;
  /** A ready pre-authentication limiter, e.g. one shared by several routers or driven by a fake clock. */
  limiter?: InboundRateLimiter;
  /** The per-tenant stage after authentication (default: a fresh one, per router, per process). */
  tenantLimiter?: TenantInboundLimiter;
  /** Wall-clock milliseconds for the timestamp tolerance check (default Date.now). */
  now?: () => number;
  /** Largest body accepted, e.g. '256kb' (default: deps.webhookBodyLimit, else the route's own default). */
  bodyLimit?: string;
}

/** The pre-authentication limiter a router uses: the given one, or its own with the configured limits. */
export function routeLimiter(options: WebhookRouteOptions): InboundRateLimiter {
  return options.limiter ?? new InboundRateLimiter(options.rateLimit ?? ROUTE_TOKEN_RATE_LIMIT);
}

/** The per-tenant limiter a router uses: the given one, or its own. */
export function tenantLimiter(options: WebhookRouteOptions): TenantInboundLimiter {
  return options.tenantLimiter ?? new TenantInboundLimiter();
}
