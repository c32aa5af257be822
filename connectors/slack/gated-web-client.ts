/**
 * A Slack WebClient whose every Web API call (chat.postMessage, users.info, pagination pages…)
 * runs under the tenant's shared rate limit. Every method of WebClient funnels into `apiCall`,
 * so gating that one method covers them all, including ones added in later SDK versions. Each
 * call names its method and channel, because Slack limits methods separately and
 * chat.postMessage per channel: a post must not wait behind an update or another channel.
 */
import { WebClient, type WebAPICallResult, type WebClientOptions } from '@slack/web-api';
import type { CallDescriptor, CallGate } from '../framework/call-gate';

/** The method, and the channel when the call has one (the limiter decides whether it matters). */
function describeCall(method: string, options: Record<string, unknown> | undefined): CallDescriptor {
  const channel = options?.['channel'];
  return typeof channel === 'string' && channel !== '' ? { resource: method, partition: channel } : { resource: method };
}

export class GatedWebClient extends WebClient {
  readonly #gate: CallGate;

  constructor(token: string, options: WebClientOptions, gate: CallGate) {
    super(token, options);
    this.#gate = gate;
  }

  override apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    return this.#gate(() => super.apiCall(method, options), describeCall(method, options));
  }
}
