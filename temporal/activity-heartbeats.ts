/**
 * Heartbeats for every activity that runs longer than a moment, so a worker that dies (SIGKILL,
 * OOM, a lost machine) gives its activities back to Temporal within the heartbeat timeout
 * instead of the multi-minute start-to-close timeout. The activities themselves stay free of
 * heartbeat code.
 *
 * Cost: nothing for the common activity (finished before the first beat is due); one small
 * request per beat for a slow one (throttled by the SDK to a fraction of the timeout).
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptors } from '@temporalio/worker';

/** The first beat waits this long: most activities are done before it. */
export const FIRST_HEARTBEAT_MS = 1_000;
/** Beats after the first (the SDK throttles further to 80 % of the heartbeat timeout). */
export const HEARTBEAT_EVERY_MS = 2_000;

/** Worker interceptor factory: `interceptors: { activity: [heartbeatInterceptor] }`. */
export function heartbeatInterceptor(ctx: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        // Only activities whose caller asked for heartbeats (a heartbeat timeout) are beaten for.
        if (!ctx.info.heartbeatTimeoutMs) return next(input);
        let every: NodeJS.Timeout | undefined;
        const first = setTimeout(() => {
          ctx.heartbeat();
          every = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
        }, FIRST_HEARTBEAT_MS);
        try {
          return await next(input);
        } finally {
          clearTimeout(first);
          if (every) clearInterval(every);
        }
      },
    },
  };
}
