/**
 * The access token of one tenant's connector grant, refreshed once however many callers need it.
 *
 * - Before expiry: a token within `refreshBeforeMs` of lapsing is refreshed, so no request leaves
 *   with one about to expire.
 * - Once on a 401: {@link GrantTokens.afterUnauthorized} refreshes the generation the rejected
 *   token belongs to, unless another caller already moved past it.
 * - One refresh across processes: callers in this process share one promise; processes share
 *   the grant row's lease (connector-grants-repo.ts), and the losers wait for the new
 *   generation instead of calling the provider.
 * - Crash safety: the new tokens (refresh token included) are stored in one statement before the
 *   new access token is handed to anyone. A process that dies between the provider's answer and
 *   that write leaves the old refresh token stored and its lease to run out; the next refresher
 *   uses the old refresh token, which providers that keep it valid until the new pair is used
 *   still accept. A provider that had already revoked it answers with a refusal, and the
 *   connection is marked as needing re-authorisation, with the interruption named as the cause.
 * - A refused grant marks the connection as needing re-authorisation (once; `onRefused` tells the
 *   tenant admin) and every later call fails with that reason instead of retrying.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  claimRefreshLease, markNeedsReauthorization, readGrant, releaseLease, storeRefreshed,
  type IssuedTokens, type StoredGrant,
} from '../db/connector-grants-repo';
import type { SecretBox } from '../db/secret-box';
import type { AccessTokenSource } from '../connectors/framework/access-token-source';
import { ConnectionNeedsReauthorizationError, GrantRefusedError, TokenRefreshUnavailableError } from './grant-errors';

/** The provider's side of a refresh: exchange the stored grant for new tokens. */
export interface TokenEndpoint {
  /** @throws GrantRefusedError when the provider refuses the grant itself. */
  refresh(grant: StoredGrant): Promise<IssuedTokens>;
}

export interface GrantTokensOptions {
  pool: Pool;
  master: SecretBox;
  tenantId: string;
  connectorId: string;
  endpoint: TokenEndpoint;
  /** Told once, when the provider refused the grant and the connection was marked. */
  onRefused?: (reason: string) => Promise<void>;
  /** Told when a refresh answered with other scopes than the grant had (scope drift after install). */
  onScopesChanged?: (granted: string[]) => Promise<void>;
  /** Told when a refresh found the lease of an interrupted one (a crashed process). */
  onInterruptedRefresh?: (abandonedBy: string) => void;
  /** Default 60 s. */
  refreshBeforeMs?: number;
  /** How long one refresher may hold the lease; default 30 s. */
  leaseMs?: number;
  /** How long a caller waits for another process's refresh; default 30 s. */
  waitMs?: number;
  /** Default 100 ms. */
  pollMs?: number;
  now?: () => number;
}

interface HeldToken {
  token: string;
  expiresAtMs: number | null;
  generation: number;
}

const sameScopes = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s) => b.includes(s));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class GrantTokens implements AccessTokenSource {
  /** Identifies this holder's leases in the database (process and instance). */
  readonly owner = `${process.pid}/${randomUUID()}`;
  #held: HeldToken | undefined;
  #pending: Promise<HeldToken> | undefined;
  readonly #opts: Required<Pick<GrantTokensOptions, 'refreshBeforeMs' | 'leaseMs' | 'waitMs' | 'pollMs' | 'now'>> & GrantTokensOptions;

  constructor(options: GrantTokensOptions) {
    this.#opts = { refreshBeforeMs: 60_000, leaseMs: 30_000, waitMs: 30_000, pollMs: 100, now: Date.now, ...options };
  }

  /** A token that is not about to expire. */
  async accessToken(): Promise<string> {
    const held = this.#held;
    if (held && this.#fresh(held.expiresAtMs)) return held.token;
    return (await this.#shared(held?.generation ?? 0, false)).token;
  }

  /**
   * Drops the token held in memory, so the next call reads the grant again: a client reopened
   * after the tenant's configuration changed (a re-authorisation among others) must not keep
   * using the previous grant's token.
   */
  forgetHeld(): void {
    this.#held = undefined;
  }

  /**
   * The provider answered 401 to `rejected`: a token of a newer generation, refreshed once if
   * nobody did already. The caller retries its request once with it.
   */
  async afterUnauthorized(rejected: string): Promise<string> {
    const held = this.#held;
    if (held && held.token !== rejected) return held.token;
    return (await this.#shared(held?.generation ?? 0, true)).token;
  }

  #fresh(expiresAtMs: number | null): boolean {
    return expiresAtMs === null || expiresAtMs - this.#opts.refreshBeforeMs > this.#opts.now();
  }

  #shared(seenGeneration: number, force: boolean): Promise<HeldToken> {
    this.#pending ??= this.#obtain(seenGeneration, force).then((held) => {
      this.#held = held;
      return held;
    }, (err: unknown) => {
      // The grant was refused: the token held is dead too, so later calls must fail with the
      // reason (read from the row, no provider request) rather than hand it out again.
      if (err instanceof ConnectionNeedsReauthorizationError) this.#held = undefined;
      throw err;
    }).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #obtain(seenGeneration: number, force: boolean): Promise<HeldToken> {
    const { pool, master, tenantId, connectorId } = this.#opts;
    const deadline = this.#opts.now() + this.#opts.waitMs;
    for (;;) {
      const grant = await readGrant(pool, master, tenantId, connectorId);
      if (!grant) throw new ConnectionNeedsReauthorizationError(connectorId, 'it has never been authorised (no token is stored)');
      if (grant.status === 'needs_reauthorization') throw new ConnectionNeedsReauthorizationError(connectorId, grant.reauthReason ?? 'the provider refused the grant');
      const expiresAtMs = grant.accessExpiresAt?.getTime() ?? null;
      const movedOn = grant.generation > seenGeneration;
      if (this.#fresh(expiresAtMs) && (movedOn || !force)) return { token: grant.accessToken, expiresAtMs, generation: grant.generation };

      const claim = await claimRefreshLease(pool, tenantId, connectorId, grant.generation, this.owner, this.#opts.leaseMs);
      if (!claim.claimed) {
        if (this.#opts.now() >= deadline) throw new TokenRefreshUnavailableError(`the ${connectorId} token is being refreshed by another process that has not finished; try again`);
        await sleep(this.#opts.pollMs);
        continue;
      }
      if (claim.abandonedBy) this.#opts.onInterruptedRefresh?.(claim.abandonedBy);
      return this.#refresh(grant, claim.abandonedBy);
    }
  }

  async #refresh(grant: StoredGrant, abandonedBy: string | null): Promise<HeldToken> {
    const { pool, master, tenantId, connectorId } = this.#opts;
    let issued: IssuedTokens;
    try {
      issued = await this.#opts.endpoint.refresh(grant);
    } catch (err) {
      if (err instanceof GrantRefusedError) {
        const reason = abandonedBy
          ? `the provider refused the stored refresh token after an interrupted refresh (${err.message}); it had probably rotated it already`
          : err.message;
        if (await markNeedsReauthorization(pool, tenantId, connectorId, reason)) await this.#opts.onRefused?.(reason);
        throw new ConnectionNeedsReauthorizationError(connectorId, reason);
      }
      await releaseLease(pool, tenantId, connectorId, this.owner);
      throw err;
    }
    const refreshToken = issued.refreshToken ?? grant.refreshToken;
    const stored = await storeRefreshed(pool, master, {
      tenantId, connectorId, generation: grant.generation, owner: this.owner, ...issued,
      ...(refreshToken === undefined ? {} : { refreshToken }),
    });
    if (!stored) {
      // Our lease ran out and another process refreshed meanwhile: its tokens are the stored ones.
      throw new TokenRefreshUnavailableError(`the ${connectorId} token refresh took longer than its lease; try again`);
    }
    if (issued.grantedScopes.length > 0 && !sameScopes(issued.grantedScopes, grant.grantedScopes)) await this.#opts.onScopesChanged?.(issued.grantedScopes);
    return { token: issued.accessToken, expiresAtMs: issued.accessExpiresAt?.getTime() ?? null, generation: grant.generation + 1 };
  }
}
