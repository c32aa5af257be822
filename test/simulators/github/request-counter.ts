import type { RequestHandler } from 'express';

/** Counts every request received, keyed `"METHOD /path"` (no query), for call-count assertions. */
export class RequestCounter {
  private counts = new Map<string, number>();

  /** Middleware that records the request before anything can answer it (after the `/api/v3` prefix is stripped). */
  middleware(): RequestHandler {
    return (req, _res, next) => {
      const key = `${req.method} ${req.path}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      next();
    };
  }

  /** A snapshot of the counts. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Forgets all counts. */
  reset(): void {
    this.counts = new Map();
  }
}
