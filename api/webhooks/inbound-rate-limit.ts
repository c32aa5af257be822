/**
 * Inbound rate limits per route: an in-process token bucket per route token, so one noisy
 * sender cannot starve the others. Limits are per API process (N processes admit N times the
 * rate). The PostgreSQL limiter in ratelimit/ is deliberately not used here: it is keyed by
 * tenant, which an inbound request has not proven yet, and a database write per
 * unauthenticated request would make the limiter itself the thing to flood.
 */

/** Limits for one route. */
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
  /** At most one `rate` audit event per route per this many milliseconds (default 10000). */
  auditIntervalMs?: number;
}

/** 20 requests a second with bursts of 40: far above a ServiceNow business rule or a GitHub App. */
export const DEFAULT_INBOUND_RATE_LIMIT: Readonly<InboundRateLimitConfig> = Object.freeze({ requestsPerSecond: 20, burst: 40 });

const DEFAULT_MAX_ROUTES = 10_000;
const DEFAULT_AUDIT_INTERVAL_MS = 10_000;

interface Bucket {
  tokens: number;
  refilledAt: number;
  /** When a `rate` refusal of this route was last audited (-Infinity: never). */
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
    /** Whether this refusal should be audited (sampled per route to keep a flood off the database). */
    audit: boolean;
    /** Refusals of this route not audited since the last audited one. */
    suppressed: number;
  };

/** Token buckets keyed by an opaque route key (the route token's hash). */
export class InboundRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxRoutes: number;
  private readonly auditIntervalMs: number;

  /**
   * @param config - the limits; every route gets the same ones
   * @param now - monotonic milliseconds (tests pass a fake clock)
   */
  constructor(private readonly config: InboundRateLimitConfig = DEFAULT_INBOUND_RATE_LIMIT, private readonly now: () => number = () => performance.now()) {
    if (!(config.requestsPerSecond > 0) || !(config.burst >= 1)) throw new RangeError('inbound rate limit: requestsPerSecond must be > 0 and burst >= 1');
    this.maxRoutes = config.maxRoutes ?? DEFAULT_MAX_ROUTES;
    this.auditIntervalMs = config.auditIntervalMs ?? DEFAULT_AUDIT_INTERVAL_MS;
  }

  /** Takes a token from `key`'s bucket if there is one. */
  take(key: string): RateDecision {
    const now = this.now();
    const bucket = this.bucketFor(key, now);
    bucket.tokens = Math.min(this.config.burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * this.config.requestsPerSecond);
    bucket.refilledAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.config.requestsPerSecond));
    if (now - bucket.auditedAt >= this.auditIntervalMs) {
      const suppressed = bucket.unaudited;
      bucket.auditedAt = now;
      bucket.unaudited = 0;
      return { allowed: false, retryAfterSeconds, audit: true, suppressed };
    }
    bucket.unaudited += 1;
    return { allowed: false, retryAfterSeconds, audit: false, suppressed: bucket.unaudited };
  }

  /** Routes currently tracked (for tests and diagnostics). */
  get size(): number {
    return this.buckets.size;
  }

  private bucketFor(key: string, now: number): Bucket {
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
    const fresh: Bucket = { tokens: this.config.burst, refilledAt: now, auditedAt: Number.NEGATIVE_INFINITY, unaudited: 0 };
    this.buckets.set(key, fresh);
    return fresh;
  }
}
