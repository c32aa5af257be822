/**
 * Local time for the limiter's in-process waits. The limits themselves are measured on the
 * database's clock (shared by every worker); this clock only times how long one call sits out
 * a short wait, so tests can observe or shorten those waits.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Milliseconds now, and a way to wait. */
export interface LimiterClock {
  /** Monotonic milliseconds (only differences are used). */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock: performance.now() and a real timer. */
export const realClock: LimiterClock = {
  now: () => performance.now(),
  sleep: async (ms) => { await delay(ms); },
};
