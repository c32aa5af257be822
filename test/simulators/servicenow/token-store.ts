import { secretsEqual } from './directory';
import { newOpaqueToken } from './ids';
import type { Clock } from './types';

/** Body of a successful `POST /oauth_token.do`. */
export interface TokenResponse {
  access_token: string;
  /** Present on the password grant only; the refresh grant keeps the caller's refresh token valid. */
  refresh_token?: string;
  scope: 'useraccount';
  token_type: 'Bearer';
  expires_in: number;
}

interface AccessGrant {
  clientId: string;
  userName: string;
  refreshToken: string;
  expiresAt: number;
}

interface RefreshGrant {
  clientId: string;
  userName: string;
  expiresAt: number;
}

/** Default lifetimes of a base instance (wire reference §1 "OAuth"). */
const DEFAULT_ACCESS_LIFETIME_SECONDS = 1800;
const REFRESH_LIFETIME_SECONDS = 8_640_000;

/** OAuth clients (application registry entries) and the tokens issued to them. */
export class TokenStore {
  private readonly clients = new Map<string, string>();
  private readonly accessTokens = new Map<string, AccessGrant>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private accessLifetimeSeconds = DEFAULT_ACCESS_LIFETIME_SECONDS;

  constructor(private readonly clock: Clock) {}

  private now(): number {
    return this.clock().getTime();
  }

  /** Registers an OAuth client. */
  addClient(clientId: string, clientSecret: string): void {
    this.clients.set(clientId, clientSecret);
  }

  /** True when the client exists and the secret matches. */
  verifyClient(clientId: string, clientSecret: string): boolean {
    const expected = this.clients.get(clientId);
    const ok = secretsEqual(expected ?? '\u0000no-such-client', clientSecret);
    return expected !== undefined && ok;
  }

  /** Lifetime of access tokens issued from now on; 0 issues tokens that are already expired. */
  setAccessLifetimeSeconds(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error('access token lifetime must be >= 0 seconds');
    this.accessLifetimeSeconds = seconds;
  }

  private response(accessToken: string, refreshToken: string | undefined): TokenResponse {
    // Instances report one second less than the configured lifetime (1799 for 1800).
    const expiresIn = Math.max(0, Math.ceil(this.accessLifetimeSeconds) - 1);
    const base = { access_token: accessToken, scope: 'useraccount', token_type: 'Bearer', expires_in: expiresIn } as const;
    return refreshToken === undefined ? base : { ...base, refresh_token: refreshToken };
  }

  private newAccessToken(clientId: string, userName: string, refreshToken: string): string {
    const token = newOpaqueToken();
    this.accessTokens.set(token, { clientId, userName, refreshToken, expiresAt: this.now() + this.accessLifetimeSeconds * 1000 });
    return token;
  }

  /**
   * Password grant (credentials already checked). Re-requesting while a token of the same
   * client and user is still valid returns that token with its expiry extended, as instances do.
   */
  issueForPassword(clientId: string, userName: string): TokenResponse {
    const now = this.now();
    for (const [token, grant] of this.accessTokens) {
      if (grant.clientId === clientId && grant.userName === userName && grant.expiresAt > now) {
        grant.expiresAt = now + this.accessLifetimeSeconds * 1000;
        return this.response(token, grant.refreshToken);
      }
    }
    const refreshToken = newOpaqueToken();
    this.refreshTokens.set(refreshToken, { clientId, userName, expiresAt: now + REFRESH_LIFETIME_SECONDS * 1000 });
    return this.response(this.newAccessToken(clientId, userName, refreshToken), refreshToken);
  }

  /**
   * Refresh grant: a new access token for a valid refresh token of the same client.
   * The documented answer carries only the access token; the refresh token stays valid.
   */
  refresh(clientId: string, refreshToken: string): TokenResponse | undefined {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant || grant.clientId !== clientId || grant.expiresAt <= this.now()) return undefined;
    return this.response(this.newAccessToken(clientId, grant.userName, refreshToken), undefined);
  }

  /** user_name behind a valid, unexpired access token. */
  userForAccessToken(token: string): string | undefined {
    const grant = this.accessTokens.get(token);
    return grant && grant.expiresAt > this.now() ? grant.userName : undefined;
  }
}
