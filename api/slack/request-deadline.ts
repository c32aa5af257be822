/**
 * When the answer to the Slack request being handled is due, carried through Bolt's handlers
 * with AsyncLocalStorage: Slack's 3 s run from the request's arrival, not from the moment Bolt
 * hands a click to its handler (verification and the replay record come first, and take longer
 * under load).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const deadlines = new AsyncLocalStorage<number>();

/** Runs `fn` with `deadline` (epoch ms) as the current request's answer deadline. */
export function withRequestDeadline<T>(deadline: number, fn: () => T): T {
  return deadlines.run(deadline, fn);
}

/** The current request's deadline, or `fallback` outside a request. */
export function requestDeadline(fallback: number): number {
  return deadlines.getStore() ?? fallback;
}
