import type { RequestHandler } from 'express';
import { defaultErrorFor, secondaryRateLimited } from './errors';
import type { RateLimiter } from './rate-limiter';
import { contextOf } from './request-context';
import { sendError } from './respond';

/** Which requests a fault applies to; omitted parts match everything. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Start of the path (no query, no `/api/v3`), e.g. `/repos/acme/widgets/pulls`. */
  pathPrefix?: string;
}

/** Options of `faults.secondaryRateLimit`. */
export interface SecondaryRateLimitFault extends FaultMatch {
  count: number;
  /** Default 403 (GitHub sends 403 or 429). */
  status?: 403 | 429;
  /** `retry-after` seconds; default 60; null sends no `retry-after` (clients then wait at least a minute). */
  retryAfterSeconds?: number | null;
}

/** Options of `faults.primaryRateLimit`. */
export interface PrimaryRateLimitFault extends FaultMatch {
  count: number;
  /** Default 403. */
  status?: 403 | 429;
}

/** Options of `faults.error`. */
export interface ErrorFault extends FaultMatch {
  count: number;
  status: number;
  message?: string;
}

/** The fault-injection surface tests drive. */
export interface FaultInjector {
  /** Next N matching requests hit a secondary rate limit (remaining stays above 0). */
  secondaryRateLimit(opts: SecondaryRateLimitFault): void;
  /** Next N matching requests answer as an exhausted primary limit (`x-ratelimit-remaining: 0`, reset in the caller's window). */
  primaryRateLimit(opts: PrimaryRateLimitFault): void;
  /** Next N matching requests answer `status` with GitHub's error shape. */
  error(opts: ErrorFault): void;
  /** Disarms every fault not yet consumed. */
  clear(): void;
}

type Armed =
  | { kind: 'secondary'; remaining: number; match: FaultMatch; status: 403 | 429; retryAfterSeconds: number | null }
  | { kind: 'primary'; remaining: number; match: FaultMatch; status: 403 | 429 }
  | { kind: 'error'; remaining: number; match: FaultMatch; status: number; message: string | undefined };

function assertCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new Error(`fault count must be a positive integer, got ${count}`);
}

/**
 * Queued faults. Each request consumes at most one fault: the first armed one (in the order the
 * test added them) that matches it. Faults apply after authentication and rate-limit counting,
 * so answers carry the caller's real `x-ratelimit-*` headers, as GitHub's would.
 */
export class FaultQueue implements FaultInjector {
  private armed: Armed[] = [];

  constructor(private readonly rateLimiter: RateLimiter) {}

  secondaryRateLimit(opts: SecondaryRateLimitFault): void {
    assertCount(opts.count);
    const retryAfterSeconds = opts.retryAfterSeconds === undefined ? 60 : opts.retryAfterSeconds;
    this.armed.push({ kind: 'secondary', remaining: opts.count, match: opts, status: opts.status ?? 403, retryAfterSeconds });
  }

  primaryRateLimit(opts: PrimaryRateLimitFault): void {
    assertCount(opts.count);
    this.armed.push({ kind: 'primary', remaining: opts.count, match: opts, status: opts.status ?? 403 });
  }

  error(opts: ErrorFault): void {
    assertCount(opts.count);
    if (!Number.isInteger(opts.status) || opts.status < 400 || opts.status > 599) throw new Error(`fault status must be 4xx/5xx, got ${opts.status}`);
    this.armed.push({ kind: 'error', remaining: opts.count, match: opts, status: opts.status, message: opts.message });
  }

  clear(): void {
    this.armed = [];
  }

  private take(method: string, path: string): Armed | undefined {
    const fault = this.armed.find(({ match }) =>
      (match.method === undefined || match.method.toUpperCase() === method) &&
      (match.pathPrefix === undefined || path.startsWith(match.pathPrefix)));
    if (fault && --fault.remaining === 0) this.armed = this.armed.filter((f) => f !== fault);
    return fault;
  }

  /** Middleware that answers a request claimed by a fault. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const fault = this.take(req.method, req.path);
      if (fault === undefined) {
        next();
      } else if (fault.kind === 'secondary') {
        if (fault.retryAfterSeconds !== null) res.setHeader('retry-after', String(fault.retryAfterSeconds));
        sendError(res, secondaryRateLimited(fault.status, contextOf(req).requestId));
      } else if (fault.kind === 'primary') {
        this.rateLimiter.sendExhausted(req, res, fault.status);
      } else {
        const spec = defaultErrorFor(fault.status);
        sendError(res, { ...spec, status: fault.status, message: fault.message ?? spec.message });
      }
    };
  }
}
