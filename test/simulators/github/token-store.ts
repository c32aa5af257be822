import { randomInt } from 'node:crypto';
import type { Clock, Permissions } from './types';

/** An issued installation access token. */
export interface TokenRecord {
  token: string;
  installationId: number;
  expiresAtMs: number;
  permissions: Permissions;
  /** Lower-cased repository names the token is limited to; null means everything the installation covers. */
  repositories: Set<string> | null;
  revoked: boolean;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `ghs_` + 36 random alphanumerics: today's format (clients must not rely on the length). */
function newToken(): string {
  let body = '';
  for (let i = 0; i < 36; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return `ghs_${body}`;
}

/** Installation access tokens: issue, look up (expired and revoked ones are not found), revoke. */
export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();
  private lifetimeSeconds = 3600;

  constructor(private readonly clock: Clock) {}

  setLifetimeSeconds(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`token lifetime must be a non-negative integer, got ${seconds}`);
    this.lifetimeSeconds = seconds;
  }

  issue(installationId: number, permissions: Permissions, repositories: Set<string> | null): TokenRecord {
    const record: TokenRecord = {
      token: newToken(),
      installationId,
      // Whole seconds: expires_at on the wire has no fractional part.
      expiresAtMs: Math.floor(this.clock().getTime() / 1000) * 1000 + this.lifetimeSeconds * 1000,
      permissions,
      repositories,
      revoked: false,
    };
    this.tokens.set(record.token, record);
    return record;
  }

  /** The live token, or undefined when unknown, revoked or expired. */
  find(token: string): TokenRecord | undefined {
    const record = this.tokens.get(token);
    if (!record || record.revoked || record.expiresAtMs <= this.clock().getTime()) return undefined;
    return record;
  }

  revoke(token: string): void {
    const record = this.tokens.get(token);
    if (!record) throw new Error('no such token');
    record.revoked = true;
  }

  /** Revokes every token of an installation (it was uninstalled). */
  revokeInstallation(installationId: number): void {
    for (const record of this.tokens.values()) {
      if (record.installationId === installationId) record.revoked = true;
    }
  }

  /** Tokens issued (successful mints, revoked or expired ones included) for one installation or all. */
  mintCount(installationId?: number): number {
    let count = 0;
    for (const record of this.tokens.values()) {
      if (installationId === undefined || record.installationId === installationId) count++;
    }
    return count;
  }

  /** Every token issued, oldest first. */
  issued(): string[] {
    return [...this.tokens.keys()];
  }
}
