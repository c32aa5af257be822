import { createHash, randomBytes } from 'node:crypto';
import { OAuthTokenLedger } from './oauth-tokens';
import type { OAuthAppInput, OAuthConsent } from './types';

/** Slack's authorization codes are good for 10 minutes. */
const CODE_TTL_MS = 10 * 60 * 1000;

/** A registered app with its defaults filled in. */
export interface OAuthAppRecord {
  clientId: string;
  clientSecret: string;
  appId: string;
  redirectUris: readonly string[];
  tokenRotation: boolean;
  accessTokenLifetimeSeconds: number;
}

/** What an authorization code stands for until it is exchanged. */
export interface AuthorizationCode {
  clientId: string;
  /** The redirect_uri the authorize request named; absent when it relied on the registered one. */
  explicitRedirectUri?: string;
  redirectUri: string;
  teamId: string;
  userId: string;
  scopes: readonly string[];
  /** S256 PKCE challenge, when the authorize request carried one. */
  codeChallenge?: string;
  createdAtMs: number;
}

/** Why a code cannot be exchanged; all of them answer `invalid_code`. */
export type CodeLookup = { ok: true; code: AuthorizationCode } | { ok: false };

/**
 * OAuth state of the simulated Slack: registered apps, the consent the next installer gives,
 * outstanding authorization codes, issued tokens and per-grant-type call counts.
 */
export class OAuthStore {
  readonly tokens: OAuthTokenLedger;
  private readonly apps = new Map<string, OAuthAppRecord>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly accessCounts = new Map<string, number>();
  private consentAnswer: OAuthConsent = { decision: 'approve' };

  constructor(private readonly now: () => number = () => Date.now()) {
    this.tokens = new OAuthTokenLedger(now);
  }

  /** Registers an app; throws on a duplicate so a broken fixture fails loudly. */
  addApp(app: OAuthAppInput): void {
    if (this.apps.has(app.clientId)) throw new Error(`OAuth app ${app.clientId} already exists`);
    if (app.redirectUris.length === 0) throw new Error('OAuth app needs at least one redirect URI');
    this.apps.set(app.clientId, {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      appId: app.appId ?? defaultAppId(app.clientId),
      redirectUris: [...app.redirectUris],
      tokenRotation: app.tokenRotation ?? false,
      accessTokenLifetimeSeconds: app.accessTokenLifetimeSeconds ?? 43200,
    });
  }

  app(clientId: string): OAuthAppRecord | undefined {
    return this.apps.get(clientId);
  }

  setConsent(c: OAuthConsent): void {
    this.consentAnswer = { ...c, ...(c.grantScopes === undefined ? {} : { grantScopes: [...c.grantScopes] }) };
  }

  consent(): OAuthConsent {
    return this.consentAnswer;
  }

  /** Hands out a fresh single-use code. */
  createCode(code: Omit<AuthorizationCode, 'createdAtMs'>): string {
    const value = `${randomBytes(6).readUIntBE(0, 6)}.${randomBytes(16).toString('hex')}`;
    this.codes.set(value, { ...code, createdAtMs: this.now() });
    return value;
  }

  /** A code still exchangeable by `clientId`: known, unused, younger than 10 minutes. */
  findCode(value: string, clientId: string): CodeLookup {
    const code = this.codes.get(value);
    if (code === undefined || code.clientId !== clientId) return { ok: false };
    if (this.now() - code.createdAtMs >= CODE_TTL_MS) {
      this.codes.delete(value);
      return { ok: false };
    }
    return { ok: true, code };
  }

  /** Burns a code after a successful exchange, so a replay answers `invalid_code`. */
  consumeCode(value: string): void {
    this.codes.delete(value);
  }

  countAccess(grantType: string): void {
    this.accessCounts.set(grantType, (this.accessCounts.get(grantType) ?? 0) + 1);
  }

  accessCountsSnapshot(): Record<string, number> {
    return Object.fromEntries(this.accessCounts);
  }
}

/** RFC 7636 S256: BASE64URL(SHA256(verifier)). */
export function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A stable app id when the fixture gives none, so repeated runs print the same ids. */
function defaultAppId(clientId: string): string {
  return `A${createHash('sha256').update(clientId).digest('hex').slice(0, 9).toUpperCase()}`;
}
