/**
 * How a connector client runs each provider call under the tenant's shared rate limit (see
 * ratelimit/): the client stays unaware of the limiter, the tenant layer passes a gate bound
 * to the tenant and connector. The default runs the call directly (tools, tests).
 */

/**
 * What a client can say about one call, so the gate charges it to the provider's own limits
 * (Slack limits each method separately, and chat.postMessage per channel). A client that says
 * nothing is charged to its connector's limit only.
 */
export interface CallDescriptor {
  /** The provider operation, e.g. Slack's `chat.postMessage`. */
  resource?: string;
  /** What the provider may limit the operation per, e.g. the Slack channel the call is for. */
  partition?: string;
}

/** Runs `call` once the tenant's limits allow it; `descriptor` says which operation it is. */
export type CallGate = <T>(call: () => Promise<T>, descriptor?: CallDescriptor) => Promise<T>;

/** Runs the call at once. */
export const ungated: CallGate = (call) => call();
