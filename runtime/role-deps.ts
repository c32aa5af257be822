/**
 * What both roles (API and worker) build the same way from their options: the tenant cache,
 * the shared outbound limiter, the verified connector registry, the reconciliation Schedules.
 * Each process builds its own; shared state lives in PostgreSQL and Temporal.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { GrantTokenRegistry } from '../credentials/grant-token-registry';
import { approvalChannelNotice } from '../credentials/admin-notice';
import type { ActionRuntimeDeps } from '../action-runtime/runtime-deps';
import { defaultRegistryOptions, loadConnectorRegistry, type ConnectorRegistry } from '../connectors/framework/registry';
import { appendAudit } from '../db/audit-repo';
import type { SecretBox } from '../db/secret-box';
import { createConnectorLimiter } from '../ratelimit';
import { createReconcileSchedules, type ReconcileSchedules } from '../temporal/reconcile-schedule-sync';
import { TenantCache } from '../tenancy/tenant-cache';
import { loadTenant, type TenantDeps } from '../tenancy/tenant-context';
import type { UrlPolicy } from '../tenancy/url-guard';

/** Options every role takes. */
export interface RoleOptions {
  pool: Pool;
  secrets: SecretBox;
  masterKey: Buffer;
  logger: Logger;
  temporalClient: Client;
  namespace: string;
  taskQueue: string;
  urlPolicy: UrlPolicy;
  /** Verified connector manifests (default: this repository's, trusting development keys only if told to). */
  registry?: ConnectorRegistry;
  trustDevelopmentKeys?: boolean;
  /**
   * false turns the shared outbound rate limiter off. Only for tests on the time-skipping server,
   * whose skipped clock and the database's real clock would disagree about provider pauses.
   */
  rateLimiter?: false;
  /**
   * false: this process does not create, pause or resume tenants' reconciliation Schedules. Only
   * for the time-skipping test server, which has no Schedule API.
   */
  manageSchedules?: false;
}

/** The dependencies a role's parts are built from. */
export interface RoleDeps {
  tenantDeps: TenantDeps & { tenants: TenantCache };
  registry: ConnectorRegistry;
  reconcileSchedules: ReconcileSchedules;
  close(): void;
}

export async function buildRoleDeps(opts: RoleOptions): Promise<RoleDeps> {
  const tenants = new TenantCache(opts.pool);
  const baseDeps = { pool: opts.pool, secrets: opts.secrets, urlPolicy: opts.urlPolicy, tenants };
  // One limiter per process; its state lives in Postgres, so every worker shares the limits.
  const limiter = opts.rateLimiter === false ? undefined : createConnectorLimiter(opts.pool, {
    tenantLimits: async (tenantId) => (await loadTenant(baseDeps, tenantId)).settings.rateLimits,
    log: opts.logger.child({ component: 'ratelimit' }),
  });
  // One holder of OAuth grant tokens per process; the notice is wired once the registry exists.
  let runtimeDeps: ActionRuntimeDeps | undefined;
  const grantTokens = new GrantTokenRegistry({
    logger: opts.logger.child({ component: 'credentials' }),
    notice: approvalChannelNotice(() => runtimeDeps!),
    manifestOf: (connectorId) => runtimeDeps?.registry.list().find((c) => c.connectorId === connectorId)?.manifest,
  });
  const tenantDeps = { ...baseDeps, grantTokens, ...(limiter ? { limiter } : {}) };
  const registry = opts.registry ?? await loadConnectorRegistry({
    ...(await defaultRegistryOptions()),
    ...(opts.trustDevelopmentKeys !== undefined ? { trustDevelopmentKeys: opts.trustDevelopmentKeys } : {}),
    // Every refused connector artifact is audited: an unsigned or tampered connector never runs silently.
    onRefusal: (refusal) => void appendAudit(opts.pool, { type: 'connector.refused', outcome: refusal.reason, detail: { ...refusal } })
      .catch((err: unknown) => opts.logger.error({ err }, 'could not audit a connector refusal')),
  });
  for (const refusal of registry.refusals()) opts.logger.warn({ refusal }, 'connector refused');
  runtimeDeps = { ...tenantDeps, registry, logger: opts.logger.child({ component: 'credentials' }) };
  const reconcileSchedules = createReconcileSchedules({
    pool: opts.pool, logger: opts.logger, taskQueue: opts.taskQueue,
    temporal: opts.manageSchedules === false ? undefined : opts.temporalClient,
  });
  return { tenantDeps, registry, reconcileSchedules, close: () => tenants.close() };
}
