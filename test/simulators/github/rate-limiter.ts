import type { Request, RequestHandler, Response } from 'express';
import { primaryRateLimited, type ErrorSpec } from './errors';
import { contextOf, type Identity } from './request-context';
import { sendError } from './respond';
import { epochSeconds } from './time';
import type { Clock, RateLimitConfig } from './types';

/** One rate-limit window of one caller. */
interface Bucket {
  limit: number;
  used: number;
  /** Epoch seconds when the window ends. */
  reset: number;
}

/** What `GET /rate_limit` reports for one resource. */
export interface RateSnapshot {
  limit: number;
  used: number;
  remaining: number;
  reset: number;
}

/** Unauthenticated callers get 60 requests an hour; everyone else 5,000 unless a test says otherwise. */
const ANONYMOUS_LIMIT = 60;
const DEFAULT_LIMIT = 5000;
const WINDOW_SECONDS = 3600;

/** The path whose requests never count against the limit (GitHub documents this). */
export const RATE_LIMIT_PATH = '/rate_limit';

/**
 * The primary ("core") rate limit: one hourly bucket per installation, per app (JWT calls) and
 * per anonymous client address, with `x-ratelimit-*` headers on every answer. An exhausted
 * bucket answers 403 (or 429) with `x-ratelimit-remaining: 0`, and no `retry-after`: a client
 * waits until `x-ratelimit-reset`.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private limit = DEFAULT_LIMIT;
  private exhaustedStatus: 403 | 429 = 403;

  constructor(private readonly clock: Clock) {}

  configure(config: RateLimitConfig): void {
    if (!Number.isInteger(config.limit) || config.limit < 0) throw new Error(`rate limit must be a non-negative integer, got ${config.limit}`);
    this.limit = config.limit;
    this.exhaustedStatus = config.exhaustedStatus ?? 403;
    this.buckets.clear();
  }

  /** Counts the request (except `/rate_limit`), sets the headers, and answers when the bucket is exhausted. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const bucket = this.bucketOf(req);
      if (req.path !== RATE_LIMIT_PATH) {
        if (bucket.used >= bucket.limit) {
          this.sendExhausted(req, res, this.exhaustedStatus);
          return;
        }
        bucket.used += 1;
      }
      this.setHeaders(res, bucket);
      next();
    };
  }

  /** Answers as an exhausted primary limit would (also used by the `primaryRateLimit` fault). */
  sendExhausted(req: Request, res: Response, status: 403 | 429): void {
    const bucket = this.bucketOf(req);
    this.setHeaders(res, { ...bucket, used: bucket.limit });
    const spec: ErrorSpec = primaryRateLimited(status, subjectOf(contextOf(req).identity));
    sendError(res, spec);
  }

  /** The caller's core bucket, for `GET /rate_limit`. */
  snapshot(req: Request): RateSnapshot {
    const bucket = this.bucketOf(req);
    return { limit: bucket.limit, used: bucket.used, remaining: Math.max(0, bucket.limit - bucket.used), reset: bucket.reset };
  }

  private setHeaders(res: Response, bucket: Bucket): void {
    res.setHeader('x-ratelimit-limit', String(bucket.limit));
    res.setHeader('x-ratelimit-remaining', String(Math.max(0, bucket.limit - bucket.used)));
    res.setHeader('x-ratelimit-used', String(bucket.used));
    res.setHeader('x-ratelimit-reset', String(bucket.reset));
    res.setHeader('x-ratelimit-resource', 'core');
  }

  private bucketOf(req: Request): Bucket {
    const identity = contextOf(req).identity;
    const key = identity.kind === 'installation' ? `installation:${identity.installation.id}`
      : identity.kind === 'app' ? `app:${identity.app.id}`
      : `anonymous:${req.socket.remoteAddress ?? ''}`;
    const now = epochSeconds(this.clock());
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.reset <= now) {
      bucket = { limit: key.startsWith('anonymous:') ? ANONYMOUS_LIMIT : this.limit, used: 0, reset: now + WINDOW_SECONDS };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

function subjectOf(identity: Identity): string {
  if (identity.kind === 'installation') return `installation ID ${identity.installation.id}`;
  if (identity.kind === 'app') return `app ID ${identity.app.id}`;
  return 'this address';
}
