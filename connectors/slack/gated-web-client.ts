/**
 * A Slack WebClient whose every Web API call (chat.postMessage, users.info, pagination pages…)
 * runs under the tenant's shared rate limit. Every method of WebClient funnels into `apiCall`,
 * so gating that one method covers them all, including ones added in later SDK versions.
 */
import { WebClient, type WebAPICallResult, type WebClientOptions } from '@slack/web-api';
import type { CallGate } from '../framework/call-gate';

export class GatedWebClient extends WebClient {
  readonly #gate: CallGate;

  constructor(token: string, options: WebClientOptions, gate: CallGate) {
    super(token, options);
    this.#gate = gate;
  }

  override apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    return this.#gate(() => super.apiCall(method, options));
  }
}
