/**
 * This process's GrantTokens, one per tenant and connector, kept apart from the tenant cache so
 * that all clients of one connector in this process share one refresh, reopened ones included.
 */
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { appendAudit } from '../db/audit-repo';
import type { SecretBox } from '../db/secret-box';
import type { AdminNotice } from './admin-notice';
import { reviewGrantChange, type ManifestScopes } from './grant-change';
import { GrantTokens, type TokenEndpoint } from './grant-tokens';

export interface GrantTokenRegistryOptions {
  logger?: Logger;
  /** Tells the tenant admin (the worker posts to the tenant's approval channel). */
  notice?: AdminNotice;
  /** The verified manifest's scopes of a connector, to judge a grant that changed after install. */
  manifestOf?: (connectorId: string) => ManifestScopes | undefined;
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
      const { logger, leaseMs, waitMs } = this.options;
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
          // A Slack connection that needs re-authorising cannot carry the message about itself.
          if (connectorId === 'slack') return;
          await this.#tell(tenantId, connectorId, (slug) => `it needs a tenant admin to authorise it again: ${reason}. Runs that need ${connectorId} fail until then. `
            + `Authorise it again in the console (Connections, then Authorise again) or with POST /admin/tenants/${slug}/connectors/${connectorId}/authorize.`);
        },
        onScopesChanged: async (granted) => {
          await this.reviewGrantChange(deps.pool, tenantId, connectorId, granted);
        },
      });
      this.#tokens.set(key, tokens);
    }
    return tokens;
  }

  /**
   * The provider now grants `granted` (a refresh's or a GitHub token's answer): holds or narrows
   * the install as credentials/grant-change.ts says. Never throws: a failure is logged, and the
   * next answer that differs checks again.
   */
  async reviewGrantChange(pool: Pool, tenantId: string, connectorId: string, granted: readonly string[]): Promise<void> {
    try {
      await reviewGrantChange(pool, tenantId, connectorId, granted, this.options.manifestOf?.(connectorId), (t, c, text) => this.#tell(t, c, text));
    } catch (err) {
      this.options.logger?.warn({ err, tenantId, connectorId }, 'could not review a changed provider grant');
    }
  }

  async #tell(tenantId: string, connectorId: string, text: (tenantSlug: string) => string): Promise<void> {
    await this.options.notice?.(tenantId, connectorId, text).catch((err: unknown) => this.options.logger?.warn({ err, tenantId, connectorId }, 'could not tell the tenant admin about a connection'));
  }

  /** Drops the tokens held for a connector (disconnected). */
  forget(tenantId: string, connectorId: string): void {
    this.#tokens.delete(`${tenantId}/${connectorId}`);
  }
}
