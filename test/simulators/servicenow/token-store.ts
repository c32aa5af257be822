import { newOpaqueToken } from './ids';
import type { Clock } from './types';

/** Body of a successful `POST /oauth_token.do`. */
export interface TokenResponse {
  access_token: string;
  /**
   * Present on the password and authorization_code grants, and on the refresh grant only when
   * rotation is on; absent on client_credentials.
   */
  refresh_token?: string;
  scope: 'useraccount';
  token_type: 'Bearer';
  expires_in: number;
}

/** How the refresh grant treats the refresh token it was given. */
export type RefreshTokenRotation = 'off' | 'rotate-previous-valid-until-new-used' | 'rotate-revoke-previous';

/** The grant a token family started from. */
type Origin = 'password' | 'authorization_code' | 'client_credentials';

/**
 * Every token descends from one authorization grant, its family; revoking a grant (code reuse,
 * revoking a refresh token) revokes the whole family, as RFC 6749 4.1.2 and RFC 7009 2.1 ask.
 */
interface Family {
  family: string;
  origin: Origin;
  clientId: string;
  userName: string;
}

interface AccessGrant extends Family {
  /** The refresh token it was issued with or from; none for client_credentials. */
  refreshToken?: string;
  expiresAt: number;
}

interface RefreshGrant extends Family {
  expiresAt: number;
  /** In the grace rotation mode: the token this one replaced, alive until this one is used. */
  previous?: string;
}

/** Default lifetimes of a base instance (wire reference §1 "OAuth"). */
const DEFAULT_ACCESS_LIFETIME_SECONDS = 1800;
const REFRESH_LIFETIME_SECONDS = 8_640_000;

/** The access and refresh tokens issued by the instance. Client authentication lives in OAuthClients. */
export class TokenStore {
  private readonly accessTokens = new Map<string, AccessGrant>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private accessLifetimeSeconds = DEFAULT_ACCESS_LIFETIME_SECONDS;
  private rotation: RefreshTokenRotation = 'off';

  constructor(private readonly clock: Clock) {}

  private now(): number {
    return this.clock().getTime();
  }

  /** Lifetime of access tokens issued from now on; 0 issues tokens that are already expired. */
  setAccessLifetimeSeconds(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error('access token lifetime must be >= 0 seconds');
    this.accessLifetimeSeconds = seconds;
  }

  setRotation(mode: RefreshTokenRotation): void {
    this.rotation = mode;
  }

  private response(accessToken: string, refreshToken: string | undefined): TokenResponse {
    // Instances report one second less than the configured lifetime (1799 for 1800).
    const expiresIn = Math.max(0, Math.ceil(this.accessLifetimeSeconds) - 1);
    const base = { access_token: accessToken, scope: 'useraccount', token_type: 'Bearer', expires_in: expiresIn } as const;
    return refreshToken === undefined ? base : { ...base, refresh_token: refreshToken };
  }

  private newAccessToken(family: Family, refreshToken: string | undefined): string {
    const token = newOpaqueToken();
    this.accessTokens.set(token, { ...family, refreshToken, expiresAt: this.now() + this.accessLifetimeSeconds * 1000 });
    return token;
  }

  private newRefreshToken(family: Family, previous?: string): string {
    const token = newOpaqueToken();
    this.refreshTokens.set(token, { ...family, previous, expiresAt: this.now() + REFRESH_LIFETIME_SECONDS * 1000 });
    return token;
  }

  private newFamily(origin: Origin, clientId: string, userName: string): Family {
    return { family: newOpaqueToken(), origin, clientId, userName };
  }

  /**
   * Password grant (credentials already checked). Re-requesting while a token of the same
   * client and user is still valid returns that token with its expiry extended, as instances do.
   */
  issueForPassword(clientId: string, userName: string): TokenResponse {
    const now = this.now();
    for (const [token, grant] of this.accessTokens) {
      const reusable = grant.origin === 'password' && grant.clientId === clientId && grant.userName === userName;
      // A refresh token revoked by rotation must not be handed out again with the old access token.
      if (reusable && grant.expiresAt > now && grant.refreshToken !== undefined && this.refreshTokens.has(grant.refreshToken)) {
        grant.expiresAt = now + this.accessLifetimeSeconds * 1000;
        return this.response(token, grant.refreshToken);
      }
    }
    return this.issueWithRefresh(this.newFamily('password', clientId, userName)).response;
  }

  /** Authorization-code grant (code already checked): a new token family for the consenting user. */
  issueForCode(clientId: string, userName: string): { family: string; response: TokenResponse } {
    return this.issueWithRefresh(this.newFamily('authorization_code', clientId, userName));
  }

  /** Client-credentials grant: an access token only, as the RFC 6749 4.4.3 answer has no refresh token. */
  issueForClientCredentials(clientId: string, userName: string): TokenResponse {
    const family = this.newFamily('client_credentials', clientId, userName);
    return this.response(this.newAccessToken(family, undefined), undefined);
  }

  private issueWithRefresh(family: Family): { family: string; response: TokenResponse } {
    const refreshToken = this.newRefreshToken(family);
    return { family: family.family, response: this.response(this.newAccessToken(family, refreshToken), refreshToken) };
  }

  /**
   * Refresh grant: a new access token for a valid refresh token of the same client. With
   * rotation off (the documented answer) the refresh token stays valid and is not repeated;
   * the rotating modes hand out a new one and retire the presented one now or once the new
   * one is used.
   */
  refresh(clientId: string, refreshToken: string): TokenResponse | undefined {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant || grant.clientId !== clientId || grant.expiresAt <= this.now()) return undefined;
    this.retirePrevious(grant);
    const family: Family = { family: grant.family, origin: grant.origin, clientId: grant.clientId, userName: grant.userName };
    if (this.rotation === 'off') return this.response(this.newAccessToken(family, refreshToken), undefined);
    const grace = this.rotation === 'rotate-previous-valid-until-new-used';
    const next = this.newRefreshToken(family, grace ? refreshToken : undefined);
    if (!grace) this.refreshTokens.delete(refreshToken);
    return this.response(this.newAccessToken(family, next), next);
  }

  /** The new refresh token (or an access token issued with it) was used: the one it replaced dies. */
  private retirePrevious(grant: RefreshGrant): void {
    if (grant.previous === undefined) return;
    this.refreshTokens.delete(grant.previous);
    grant.previous = undefined;
  }

  /** user_name behind a valid, unexpired access token; using it ends a rotation's grace period. */
  userForAccessToken(token: string): string | undefined {
    const grant = this.accessTokens.get(token);
    if (!grant || grant.expiresAt <= this.now()) return undefined;
    const refresh = grant.refreshToken === undefined ? undefined : this.refreshTokens.get(grant.refreshToken);
    if (refresh) this.retirePrevious(refresh);
    return grant.userName;
  }

  /**
   * `/oauth_revoke_token.do`: an access token dies alone; a refresh token takes its whole grant
   * with it (RFC 7009 2.1). Tokens of other clients and unknown tokens are left alone.
   */
  revoke(clientId: string, token: string): void {
    const access = this.accessTokens.get(token);
    if (access?.clientId === clientId) this.accessTokens.delete(token);
    const refresh = this.refreshTokens.get(token);
    if (refresh?.clientId === clientId) this.revokeFamily(refresh.family);
  }

  /** Revokes every token descending from one grant. */
  revokeFamily(family: string): void {
    for (const [token, grant] of this.accessTokens) if (grant.family === family) this.accessTokens.delete(token);
    for (const [token, grant] of this.refreshTokens) if (grant.family === family) this.refreshTokens.delete(token);
  }

  /** An admin revoking all of an application's tokens in the instance. */
  revokeAllOfClient(clientId: string): void {
    for (const [token, grant] of this.accessTokens) if (grant.clientId === clientId) this.accessTokens.delete(token);
    for (const [token, grant] of this.refreshTokens) if (grant.clientId === clientId) this.refreshTokens.delete(token);
  }

  /** Every access token issued so far expires now; refresh tokens are untouched. */
  expireAccessTokens(): void {
    const now = this.now();
    for (const grant of this.accessTokens.values()) grant.expiresAt = Math.min(grant.expiresAt, now);
  }
}
