import type { RequestHandler } from 'express';

/** Counts every request received, keyed `"METHOD /path"` (no query), for call-count assertions. */
export class RequestCounter {
  private counts = new Map<string, number>();
  private log: Array<{ at: number; key: string }> = [];

  /** Middleware that records the request before anything can answer it (mounted after any `/api/v3` prefix is stripped). */
  middleware(): RequestHandler {
    return (req, _res, next) => {
      const key = `${req.method} ${req.path}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      this.log.push({ at: Date.now(), key });
      next();
    };
  }

  /** A snapshot of the counts. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Every request with the wall-clock time it arrived (ms), oldest first: for rate assertions. */
  timeline(): Array<{ at: number; key: string }> {
    return [...this.log];
  }

  /** Forgets all counts. */
  reset(): void {
    this.counts = new Map();
    this.log = [];
  }
}
