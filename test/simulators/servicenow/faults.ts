import type { RequestHandler } from 'express';
import { defaultErrorFor, RATE_LIMITED } from './errors';
import { contextOf } from './request-context';
import { sendError } from './respond';

/** Which requests a fault applies to; omitted parts match everything. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Start of the path (no query), e.g. `/api/now/table/incident`. */
  pathPrefix?: string;
}

/** Options of `faults.rateLimit`. */
export interface RateLimitFault extends FaultMatch {
  count: number;
  retryAfterSeconds: number;
}

/** Options of `faults.error`. */
export interface ErrorFault extends FaultMatch {
  count: number;
  status: number;
  message?: string;
}

/** Options of `faults.dropResponseAfterCommit`. */
export interface DropFault extends FaultMatch {
  count: number;
}

/** The fault-injection surface tests drive. */
export interface FaultInjector {
  /** Next N matching requests get 429 + `Retry-After: retryAfterSeconds`. */
  rateLimit(opts: RateLimitFault): void;
  /** Next N matching requests answer `status` with the Table API error shape. */
  error(opts: ErrorFault): void;
  /** Next N matching requests are applied, then their connection is destroyed without a response. */
  dropResponseAfterCommit(opts: DropFault): void;
  /** Disarms every fault not yet consumed. */
  clear(): void;
}

type Armed =
  | { kind: 'rateLimit'; remaining: number; match: FaultMatch; retryAfterSeconds: number }
  | { kind: 'error'; remaining: number; match: FaultMatch; status: number; message: string | undefined }
  | { kind: 'drop'; remaining: number; match: FaultMatch };

function assertCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new Error(`fault count must be a positive integer, got ${count}`);
}

/**
 * Queued faults. Each request consumes at most one fault: the first armed one (in the order the
 * test added them) that matches it.
 */
export class FaultQueue implements FaultInjector {
  private armed: Armed[] = [];

  rateLimit(opts: RateLimitFault): void {
    assertCount(opts.count);
    this.armed.push({ kind: 'rateLimit', remaining: opts.count, match: opts, retryAfterSeconds: opts.retryAfterSeconds });
  }

  error(opts: ErrorFault): void {
    assertCount(opts.count);
    if (!Number.isInteger(opts.status) || opts.status < 400 || opts.status > 599) throw new Error(`fault status must be 4xx/5xx, got ${opts.status}`);
    this.armed.push({ kind: 'error', remaining: opts.count, match: opts, status: opts.status, message: opts.message });
  }

  dropResponseAfterCommit(opts: DropFault): void {
    assertCount(opts.count);
    this.armed.push({ kind: 'drop', remaining: opts.count, match: opts });
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

  /** Middleware that answers (or marks) a request claimed by a fault. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const fault = this.take(req.method, req.path);
      if (fault?.kind === 'rateLimit') {
        res.setHeader('Retry-After', String(fault.retryAfterSeconds));
        sendError(res, RATE_LIMITED);
      } else if (fault?.kind === 'error') {
        const spec = defaultErrorFor(fault.status);
        sendError(res, { ...spec, status: fault.status, message: fault.message ?? spec.message });
      } else {
        if (fault?.kind === 'drop') contextOf(req).dropResponse = true;
        next();
      }
    };
  }
}
