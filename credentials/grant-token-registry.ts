/**
 * This process's GrantTokens, one per tenant and connector, kept apart from the tenant cache:
 * a client reopened after a configuration change must not forget the token it holds, and all
 * clients of one connector in this process must share one refresh.
 */
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { appendAudit } from '../db/audit-repo';
import type { SecretBox } from '../db/secret-box';
import { GrantTokens, type TokenEndpoint } from './grant-tokens';

/** Who hears that a connection needs re-authorisation (beyond the audit trail). */
export type ReauthorizationNotice = (tenantId: string, connectorId: string, reason: string) => Promise<void>;

export interface GrantTokenRegistryOptions {
  logger?: Logger;
  /** Tells the tenant admin (the worker posts to the tenant's approval channel). */
  notice?: ReauthorizationNotice;
  /** Lease and wait settings for every GrantTokens made here (tests shorten them). */
  leaseMs?: number;
  waitMs?: number;
}

export class GrantTokenRegistry {
  readonly #tokens = new Map<string, GrantTokens>();

  constructor(private readonly options: GrantTokenRegistryOptions = {}) {}

  /** The tenant's connector tokens; `endpoint` is used when this process makes them first. */
  tokensFor(deps: { pool: Pool; secrets: SecretBox }, tenantId: string, connectorId: string, endpoint: TokenEndpoint): GrantTokens {
    const key = `${tenantId}/${connectorId}`;
    let tokens = this.#tokens.get(key);
    if (!tokens) {
      const { logger, notice, leaseMs, waitMs } = this.options;
      tokens = new GrantTokens({
        pool: deps.pool, master: deps.secrets, tenantId, connectorId, endpoint,
        ...(leaseMs !== undefined ? { leaseMs } : {}), ...(waitMs !== undefined ? { waitMs } : {}),
        onInterruptedRefresh: (abandonedBy) => logger?.warn({ tenantId, connectorId, abandonedBy }, 'a token refresh was interrupted; refreshing again with the stored refresh token'),
        onRefused: async (reason) => {
          await appendAudit(deps.pool, {
            tenantId, workflowId: null, type: 'connector.reauthorization_required', outcome: 'needs_reauthorization',
            detail: { connectorId, reason },
          });
          logger?.warn({ tenantId, connectorId, reason }, 'connection needs re-authorisation');
          await notice?.(tenantId, connectorId, reason).catch((err: unknown) => logger?.warn({ err, tenantId, connectorId }, 'could not tell the tenant admin that a connection needs re-authorisation'));
        },
      });
      this.#tokens.set(key, tokens);
    }
    return tokens;
  }

  /** Drops the tokens held for a connector (disconnected). */
  forget(tenantId: string, connectorId: string): void {
    this.#tokens.delete(`${tenantId}/${connectorId}`);
  }
}
