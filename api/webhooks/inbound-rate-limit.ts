/**
 * Token buckets for inbound requests, in process memory: every limit here is PER API PROCESS
 * (N processes admit N times the rate). Two stages use them:
 *
 * 1. before authentication, one bucket per route token ({@link ROUTE_TOKEN_RATE_LIMIT}): cheap,
 *    generous, and the same for known and unknown tokens, it stops a flood on one URL before any
 *    database lookup or HMAC work;
 * 2. once the signature verified, one bucket per tenant and connector, sized by the tenant's
 *    `inbound` settings ({@link DEFAULT_TENANT_INBOUND_RATE_LIMIT} when absent): see
 *    tenant-rate-limit.ts.
 *
 * The PostgreSQL limiter in ratelimit/ is deliberately not used: before authentication the
 * tenant is unknown, and a database write per unauthenticated request would make the limiter
 * itself the thing to flood; after it, a shared bucket would cost a write per accepted webhook.
 */
import { inboundLimitBounds } from '../../tenancy/tenant-settings';

/** Limits of one bucket. */
export interface InboundRateLimitConfig {
  /** Sustained requests per second (the bucket's refill rate). */
  requestsPerSecond: number;
  /** Requests accepted back to back after a quiet spell (the bucket's size). */
  burst: number;
  /**
   * Buckets kept at most; the least recently used goes first. Bounds memory when someone sprays
   * random tokens (each gets a bucket, since unknown tokens must be treated like known ones).
   */
  maxRoutes?: number;
  /** At most one `rate` audit event per bucket per this many milliseconds (default 10000). */
  auditIntervalMs?: number;
}

/**
 * A tenant's inbound budget per connector unless its settings say otherwise: 200 requests a
 * second sustained, bursts of 2,000. Why these numbers: a real ServiceNow storm (a major outage,
 * a list edit or an import touching hundreds of incidents) measured 200 deliveries within two
 * seconds, and ServiceNow's async business rule does not retry a refused delivery, so the burst
 * holds ten such storms back to back. Sustained, 200/s is 720,000 an hour, far above the incident
 * churn of any instance: a sender beyond that is looping (a rule triggering itself), which is
 * what the limit is for. Reconciliation picks up any incident whose delivery was refused.
 */
export const DEFAULT_TENANT_INBOUND_RATE_LIMIT: Readonly<InboundRateLimitConfig> = Object.freeze({ requestsPerSecond: 200, burst: 2000 });

/**
 * Each route token's bucket before authentication: the highest a tenant may configure
 * (`inboundLimitBounds`), so this stage never refuses what the tenant's own bucket would admit,
 * while one URL hammered beyond it is stopped before a database lookup or HMAC is spent on it.
 */
export const ROUTE_TOKEN_RATE_LIMIT: Readonly<InboundRateLimitConfig> = Object.freeze({
  requestsPerSecond: inboundLimitBounds.requestsPerSecond, burst: inboundLimitBounds.burst,
});

const DEFAULT_MAX_ROUTES = 10_000;
const DEFAULT_AUDIT_INTERVAL_MS = 10_000;

interface Bucket {
  tokens: number;
  refilledAt: number;
  /** When a `rate` refusal from this bucket was last audited (-Infinity: never). */
  auditedAt: number;
  /** Refusals since then, reported with the next audited one. */
  unaudited: number;
}

/** The verdict on one request. */
export type RateDecision =
  | { allowed: true }
  | {
    allowed: false;
    /** Whole seconds until a token is back (at least 1): the Retry-After value. */
    retryAfterSeconds: number;
    /** Whether this refusal should be audited (sampled per bucket to keep a flood off the database). */
    audit: boolean;
    /** Refusals from this bucket not audited since the last audited one. */
    suppressed: number;
  };

/** Token buckets keyed by an opaque key (a route token's hash, or a tenant and connector). */
export class InboundRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxRoutes: number;
  private readonly auditIntervalMs: number;

  /**
   * @param config - the limits of every bucket, unless {@link take} is given others
   * @param now - monotonic milliseconds (tests pass a fake clock)
   */
  constructor(private readonly config: InboundRateLimitConfig = ROUTE_TOKEN_RATE_LIMIT, private readonly now: () => number = () => performance.now()) {
    assertLimits(config);
    this.maxRoutes = config.maxRoutes ?? DEFAULT_MAX_ROUTES;
    this.auditIntervalMs = config.auditIntervalMs ?? DEFAULT_AUDIT_INTERVAL_MS;
  }

  /**
   * Takes a token from `key`'s bucket if there is one.
   *
   * @param limits - this bucket's limits when they differ per key (a tenant's settings); a
   *   change applies from this call on, the tokens already in the bucket capped at the new burst
   */
  take(key: string, limits: Pick<InboundRateLimitConfig, 'requestsPerSecond' | 'burst'> = this.config): RateDecision {
    assertLimits(limits);
    const now = this.now();
    const bucket = this.bucketFor(key, now, limits.burst);
    bucket.tokens = Math.min(limits.burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * limits.requestsPerSecond);
    bucket.refilledAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limits.requestsPerSecond));
    if (now - bucket.auditedAt >= this.auditIntervalMs) {
      const suppressed = bucket.unaudited;
      bucket.auditedAt = now;
      bucket.unaudited = 0;
      return { allowed: false, retryAfterSeconds, audit: true, suppressed };
    }
    bucket.unaudited += 1;
    return { allowed: false, retryAfterSeconds, audit: false, suppressed: bucket.unaudited };
  }

  /** Buckets currently tracked (for tests and diagnostics). */
  get size(): number {
    return this.buckets.size;
  }

  private bucketFor(key: string, now: number, burst: number): Bucket {
    const existing = this.buckets.get(key);
    if (existing) {
      // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
      this.buckets.delete(key);
      this.buckets.set(key, existing);
      return existing;
    }
    if (this.buckets.size >= this.maxRoutes) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    const fresh: Bucket = { tokens: burst, refilledAt: now, auditedAt: Number.NEGATIVE_INFINITY, unaudited: 0 };
    this.buckets.set(key, fresh);
    return fresh;
  }
}

function assertLimits(limits: Pick<InboundRateLimitConfig, 'requestsPerSecond' | 'burst'>): void {
  if (!(limits.requestsPerSecond > 0) || !(limits.burst >= 1)) throw new RangeError('inbound rate limit: requestsPerSecond must be > 0 and burst >= 1');
}
