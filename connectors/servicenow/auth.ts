/**
 * Authorization headers for the Table API: Basic for an integration user, or OAuth (password
 * grant, then refresh) against `/oauth_token.do`, which accepts form-urlencoded bodies only.
 */
import type { AccessTokenSource } from '../framework/access-token-source';
import { fetchFailure, isEgressRefusal, ServiceNowApiError } from './errors';

export type ServiceNowCredentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth'; username: string; password: string; clientId: string; clientSecret: string }
  | { kind: 'grant'; tokens: AccessTokenSource };

interface CachedToken {
  accessToken: string;
  refreshToken?: string;
  expiresAtMs: number;
}

/** Refresh this long before expiry so a request never leaves with a token about to lapse. */
const expirySlackMs = 60_000;

export class ServiceNowAuth {
  private token: CachedToken | undefined;
  /** The grant token last sent and refused with a 401 (grant credentials only). */
  private sent: string | undefined;
  private rejected: string | undefined;

  constructor(
    private readonly instanceUrl: string,
    private readonly credentials: ServiceNowCredentials,
    private readonly now: () => number = Date.now,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async header(): Promise<string> {
    if (this.credentials.kind === 'basic') {
      const pair = `${this.credentials.username}:${this.credentials.password}`;
      return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    }
    if (this.credentials.kind === 'grant') {
      const rejected = this.rejected;
      this.rejected = undefined;
      this.sent = rejected ? await this.credentials.tokens.afterUnauthorized(rejected) : await this.credentials.tokens.accessToken();
      return `Bearer ${this.sent}`;
    }
    if (!this.token || this.token.expiresAtMs - expirySlackMs <= this.now()) {
      this.token = await this.fetchToken();
    }
    return `Bearer ${this.token.accessToken}`;
  }

  /** Forget the cached token (after a 401), so the next call authenticates afresh. */
  invalidate(): void {
    this.token = undefined;
    this.rejected = this.sent;
  }

  private async fetchToken(): Promise<CachedToken> {
    const creds = this.credentials;
    if (creds.kind !== 'oauth') throw new Error('fetchToken needs OAuth credentials');
    const refresh = this.token?.refreshToken;
    if (refresh) {
      const refreshed = await this.requestToken({
        grant_type: 'refresh_token', client_id: creds.clientId, client_secret: creds.clientSecret, refresh_token: refresh,
      }).catch(() => undefined);
      // ServiceNow's refresh grant may answer without a new refresh token: keep the old one.
      if (refreshed) return { ...refreshed, refreshToken: refreshed.refreshToken ?? refresh };
    }
    return this.requestToken({
      grant_type: 'password', client_id: creds.clientId, client_secret: creds.clientSecret,
      username: creds.username, password: creds.password,
    });
  }

  private async requestToken(form: Record<string, string>): Promise<CachedToken> {
    let response: Response;
    try {
      response = await this.fetchFn(new URL('/oauth_token.do', this.instanceUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new ServiceNowApiError(isEgressRefusal(err) ? 'egress_refused' : 'network_error', `ServiceNow token endpoint unreachable: ${fetchFailure(err)}`);
    }
    if (!response.ok) {
      // The body may echo request parameters on some instances: never include it in the error.
      throw new ServiceNowApiError(response.status >= 500 ? 'server_error' : 'unauthenticated',
        `ServiceNow refused the OAuth token request (HTTP ${response.status})`, response.status);
    }
    const body = (await response.json()) as { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string') {
      throw new ServiceNowApiError('invalid_response', 'ServiceNow token response has no access_token');
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 1800);
    return {
      accessToken: body.access_token,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
      expiresAtMs: this.now() + expiresIn * 1000,
    };
  }
}
