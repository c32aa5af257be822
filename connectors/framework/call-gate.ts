/**
 * How a connector client runs each provider call under the tenant's shared rate limit (see
 * ratelimit/): the client stays unaware of the limiter, the tenant layer passes a gate bound
 * to the tenant and connector. The default runs the call directly (tools, tests).
 */
export type CallGate = <T>(call: () => Promise<T>) => Promise<T>;

/** Runs the call at once. */
export const ungated: CallGate = (call) => call();
