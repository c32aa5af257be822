/**
 * A Slack WebClient whose every Web API call (chat.postMessage, users.info, pagination pages…)
 * runs under the tenant's shared rate limit. Every method of WebClient funnels into `apiCall`,
 * so gating that one method covers them all, including ones added in later SDK versions. Each
 * call names its method and channel, because Slack limits methods separately and
 * chat.postMessage per channel: a post must not wait behind an update or another channel.
 *
 * Authenticated either with a fixed bot token or with the current access token of an OAuth
 * grant: then each call takes the token when it leaves, and a call Slack answers with
 * `token_expired` or `invalid_auth` is retried once with the token that replaced it.
 */
import { ErrorCode, WebClient, type WebAPICallResult, type WebAPIPlatformError, type WebClientOptions } from '@slack/web-api';
import type { AccessTokenSource } from '../framework/access-token-source';
import type { CallDescriptor, CallGate } from '../framework/call-gate';

/** The method, and the channel when the call has one (the limiter decides whether it matters). */
function describeCall(method: string, options: Record<string, unknown> | undefined): CallDescriptor {
  const channel = options?.['channel'];
  return typeof channel === 'string' && channel !== '' ? { resource: method, partition: channel } : { resource: method };
}

/** Slack's answer to a token that is no longer good (expired rotation token, revoked or replaced). */
function isRejectedToken(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || (err as { code?: unknown }).code !== ErrorCode.PlatformError) return false;
  const error = (err as WebAPIPlatformError).data?.error;
  return error === 'token_expired' || error === 'invalid_auth';
}

export class GatedWebClient extends WebClient {
  readonly #gate: CallGate;
  readonly #tokens: AccessTokenSource | undefined;

  constructor(token: string | AccessTokenSource, options: WebClientOptions, gate: CallGate) {
    super(typeof token === 'string' ? token : undefined, options);
    this.#gate = gate;
    this.#tokens = typeof token === 'string' ? undefined : token;
  }

  override apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    const tokens = this.#tokens;
    if (!tokens || typeof options?.['token'] === 'string') {
      return this.#gate(() => super.apiCall(method, options), describeCall(method, options));
    }
    const withToken = (token: string) => this.#gate(() => super.apiCall(method, { ...options, token }), describeCall(method, options));
    return (async () => {
      const token = await tokens.accessToken();
      try {
        return await withToken(token);
      } catch (err) {
        if (!isRejectedToken(err)) throw err;
        return withToken(await tokens.afterUnauthorized(token));
      }
    })();
  }
}
