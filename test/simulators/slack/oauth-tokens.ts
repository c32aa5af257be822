import { randomBytes } from 'node:crypto';
import type { RefreshTokenRotationMode, WorkspaceRecord } from './types';

/** One installation of an OAuth app into a workspace: every token issued for it shares this. */
export interface OAuthGrant {
  clientId: string;
  teamId: string;
  teamName: string;
  /** The installing user (`authed_user.id`). */
  userId: string;
  scopes: readonly string[];
  /** The app's bot identity in that workspace, as Web API methods see it. */
  bot: WorkspaceRecord;
  rotation: boolean;
  lifetimeSeconds: number;
}

/** An issued bot access token. */
interface AccessTokenRecord {
  grant: OAuthGrant;
  /** Absent for non-rotating tokens, which never expire. */
  expiresAtMs?: number;
  revoked: boolean;
  /** The refresh token this one was refreshed from, still alive in the grace-period mode. */
  supersedes?: RefreshTokenRecord;
}

/** An issued refresh token (rotation only). */
interface RefreshTokenRecord {
  grant: OAuthGrant;
  revoked: boolean;
  supersedes?: RefreshTokenRecord;
}

/** Tokens handed out by one issue or refresh, as oauth.v2.access reports them. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  expiresIn?: number;
}

/** Result of presenting an access token on a Web API call. */
export type AccessTokenCheck =
  | { kind: 'unknown' }
  | { kind: 'revoked' }
  | { kind: 'expired' }
  | { kind: 'valid'; grant: OAuthGrant };

/** Result of presenting a refresh token. */
export type RefreshOutcome = { ok: true; grant: OAuthGrant; tokens: IssuedTokens } | { ok: false };

/**
 * Access and refresh tokens issued through OAuth. Kept apart from the seeded bot tokens so
 * those keep their old semantics (all scopes, no expiry).
 */
export class OAuthTokenLedger {
  private readonly access = new Map<string, AccessTokenRecord>();
  private readonly refresh = new Map<string, RefreshTokenRecord>();
  private mode: RefreshTokenRotationMode = 'rotate-revoke-previous';

  constructor(private readonly now: () => number) {}

  setRotationMode(mode: RefreshTokenRotationMode): void {
    this.mode = mode;
  }

  /** Issues the first tokens of a fresh install. */
  issue(grant: OAuthGrant): IssuedTokens {
    return this.mint(grant, undefined);
  }

  /**
   * Redeems a refresh token for a new access token and a new refresh token. The presented one
   * is revoked now, or (grace mode) once one of its successors is used.
   */
  redeem(refreshToken: string, clientId: string): RefreshOutcome {
    const record = this.refresh.get(refreshToken);
    if (record === undefined || record.revoked || record.grant.clientId !== clientId) return { ok: false };
    // Presenting a successor retires its predecessor even in grace mode.
    retire(record);
    if (this.mode === 'rotate-revoke-previous') record.revoked = true;
    return { ok: true, grant: record.grant, tokens: this.mint(record.grant, record) };
  }

  /** Checks an access token for a Web API call; a successful use retires a superseded refresh token. */
  useAccessToken(token: string): AccessTokenCheck {
    const record = this.access.get(token);
    if (record === undefined) return { kind: 'unknown' };
    if (record.revoked) return { kind: 'revoked' };
    if (record.expiresAtMs !== undefined && this.now() >= record.expiresAtMs) return { kind: 'expired' };
    retire(record);
    return { kind: 'valid', grant: record.grant };
  }

  /** auth.revoke with an OAuth token: the token dies, and so do the refresh tokens of its install. */
  revokeAccessToken(token: string): void {
    const record = this.access.get(token);
    if (record === undefined) return;
    record.revoked = true;
    for (const r of this.refresh.values()) if (r.grant === record.grant) r.revoked = true;
  }

  /** An uninstall: every token of every install of the app stops working. */
  revokeClient(clientId: string): void {
    for (const r of this.access.values()) if (r.grant.clientId === clientId) r.revoked = true;
    for (const r of this.refresh.values()) if (r.grant.clientId === clientId) r.revoked = true;
  }

  /** Fast-forwards every expiring access token past its expiry. */
  expireAll(): void {
    const past = this.now() - 1;
    for (const r of this.access.values()) if (r.expiresAtMs !== undefined) r.expiresAtMs = past;
  }

  private mint(grant: OAuthGrant, supersedes: RefreshTokenRecord | undefined): IssuedTokens {
    const graceFor = this.mode === 'rotate-previous-valid-until-new-used' ? supersedes : undefined;
    if (!grant.rotation) {
      const accessToken = `xoxb-${digits(grant.teamId)}-${randomDigits()}-${randomToken(24)}`;
      this.access.set(accessToken, { grant, revoked: false });
      return { accessToken };
    }
    // The exact xoxe form is unconfirmed by Slack's docs; this matches what installs show in practice.
    const accessToken = `xoxe.xoxb-1-${randomToken(40)}`;
    const refreshToken = `xoxe-1-${randomToken(40)}`;
    this.access.set(accessToken, {
      grant,
      revoked: false,
      expiresAtMs: this.now() + grant.lifetimeSeconds * 1000,
      ...(graceFor === undefined ? {} : { supersedes: graceFor }),
    });
    this.refresh.set(refreshToken, { grant, revoked: false, ...(graceFor === undefined ? {} : { supersedes: graceFor }) });
    return { accessToken, refreshToken, expiresIn: grant.lifetimeSeconds };
  }
}

/** Ends the grace period of the refresh token a record replaced. */
function retire(record: { supersedes?: RefreshTokenRecord }): void {
  if (record.supersedes === undefined) return;
  record.supersedes.revoked = true;
  delete record.supersedes;
}

/** Random URL-safe characters, like the opaque tails of Slack tokens. */
function randomToken(length: number): string {
  return randomBytes(length).toString('base64url').slice(0, length);
}

function randomDigits(): string {
  return String(randomBytes(5).readUIntBE(0, 5)).padStart(13, '1');
}

/** A numeric stand-in for the team id inside xoxb tokens (real ones carry the team's numeric id). */
function digits(teamId: string): string {
  const n = [...teamId].reduce((acc, ch) => (acc * 31 + ch.charCodeAt(0)) % 1e11, 7);
  return String(n).padStart(11, '1');
}
