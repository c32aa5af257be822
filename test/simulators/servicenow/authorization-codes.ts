import { newOpaqueToken } from './ids';
import { verifierMatches } from './pkce';
import type { TokenResponse, TokenStore } from './token-store';
import type { Clock } from './types';

/** RFC 6749 4.1.2 recommends at most ten minutes; the simulator is stricter so tests can reach expiry. */
const CODE_LIFETIME_MS = 60_000;

/** What the authorize step bound the code to. */
export interface CodeBinding {
  clientId: string;
  /** The redirect_uri the request named; undefined when it relied on the single registered one. */
  redirectUri: string | undefined;
  userName: string;
  /** S256 code_challenge, when the request carried one. */
  codeChallenge?: string;
}

interface CodeRecord extends CodeBinding {
  expiresAt: number;
  /** Set once exchanged: the token family issued from it, revoked if the code comes back. */
  family?: string;
}

/** What the token request presented along with the code. */
export interface CodePresentation {
  clientId: string;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
}

/** Authorization codes: issued by the authorize page, exchanged once at the token endpoint. */
export class AuthorizationCodes {
  // Used codes are kept (not deleted) so a replay can be recognised and its tokens revoked.
  private readonly codes = new Map<string, CodeRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly tokens: TokenStore,
  ) {}

  issue(binding: CodeBinding): string {
    const code = newOpaqueToken();
    this.codes.set(code, { ...binding, expiresAt: this.clock().getTime() + CODE_LIFETIME_MS });
    return code;
  }

  /**
   * Exchanges a code for tokens, or undefined when refused. A code of another client is simply
   * unknown to this one; a code already used is refused and the tokens issued from it revoked
   * (RFC 6749 4.1.2). A wrong redirect_uri or verifier does not burn the code.
   */
  redeem(code: string, presented: CodePresentation): TokenResponse | undefined {
    const record = this.codes.get(code);
    if (!record || record.clientId !== presented.clientId) return undefined;
    if (record.family !== undefined) {
      this.tokens.revokeFamily(record.family);
      return undefined;
    }
    if (record.expiresAt <= this.clock().getTime()) return undefined;
    if (record.redirectUri !== presented.redirectUri) return undefined;
    if (record.codeChallenge !== undefined && !verifierMatches(presented.codeVerifier, record.codeChallenge)) return undefined;
    const issued = this.tokens.issueForCode(record.clientId, record.userName);
    record.family = issued.family;
    return issued.response;
  }
}
