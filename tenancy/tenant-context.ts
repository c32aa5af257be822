/**
 * Loads one tenant's validated settings and opens its connector clients with secrets fetched
 * just in time. Secrets stay inside the activity process: they never enter workflow payloads.
 */
import type { Pool } from 'pg';
import { GatedWebClient } from '../connectors/slack/gated-web-client';
import { ungated, type CallGate } from '../connectors/framework/call-gate';
import type { WebClient } from '@slack/web-api';
import { ServiceNowClient } from '../connectors/servicenow/client';
import type { ServiceNowCredentials } from '../connectors/servicenow/auth';
import { getTenantById } from '../db/tenants-repo';
import { getSecret } from '../db/secrets-repo';
import type { SecretBox } from '../db/secret-box';
import { secretNames, tenantSettingsSchema, type SecretName, type TenantSettings } from './tenant-settings';
import { assertSafeTenantUrl, type UrlPolicy } from './url-guard';
import { guardedFetch } from './guarded-fetch';
import type { ConnectorLimiter } from '../ratelimit';
import { UnknownTenantError, type CachedTenantRow, type TenantCache } from './tenant-cache';
import { grantTokensFor } from '../credentials/connection-tokens';
import type { GrantTokenRegistry } from '../credentials/grant-token-registry';
import { hasGrant } from '../db/connector-grants-repo';

export class TenantConfigError extends Error {
  override readonly name = 'TenantConfigError';
  readonly code = 'tenant_config';
}

export interface TenantContext {
  id: string;
  slug: string;
  settings: TenantSettings;
}

export interface TenantDeps {
  pool: Pool;
  secrets: SecretBox;
  urlPolicy: UrlPolicy;
  /** Shared per tenant and connector rate limit for outbound calls (optional: absent in some tools). */
  limiter?: ConnectorLimiter;
  /**
   * This process's tenant cache (settings, opened secrets, clients). Without one every call
   * reads the database again (tools and some tests).
   */
  tenants?: TenantCache;
  /** This process's OAuth grant tokens (refreshed once across callers); without one, a registry per call. */
  grantTokens?: GrantTokenRegistry;
}

function parseTenant(row: { id: string; slug: string; settings: unknown }): TenantContext {
  const parsed = tenantSettingsSchema.safeParse(row.settings);
  if (!parsed.success) throw new TenantConfigError(`tenant ${row.slug} has invalid settings: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return { id: row.id, slug: row.slug, settings: parsed.data };
}

/** A value derived from the tenant's configuration: cached per version when there is a cache. */
export async function derived<T>(deps: TenantDeps, tenantId: string, key: string, compute: (row?: CachedTenantRow) => Promise<T>): Promise<T> {
  if (!deps.tenants) return compute();
  try {
    return await deps.tenants.derive(tenantId, key, compute);
  } catch (err) {
    if (err instanceof UnknownTenantError) throw new TenantConfigError(err.message);
    throw err;
  }
}

export async function loadTenant(deps: TenantDeps, tenantId: string): Promise<TenantContext> {
  return derived(deps, tenantId, 'tenant', async (cachedRow) => {
    const row = cachedRow ?? await getTenantById(deps.pool, tenantId);
    if (!row) throw new TenantConfigError(`tenant ${tenantId} does not exist`);
    return parseTenant(row);
  });
}

export async function requireSecret(deps: TenantDeps, tenant: TenantContext, name: SecretName): Promise<string> {
  return derived(deps, tenant.id, `secret:${name}`, async () => {
    const value = await getSecret(deps.pool, deps.secrets, tenant.id, name);
    if (!value) throw new TenantConfigError(`tenant ${tenant.slug} has no ${name} configured`);
    return value;
  });
}

/**
 * The tenant's ServiceNow client. The instance URL is checked on every use; the client itself
 * (and the OAuth token it holds) is kept per configuration version when there is a cache.
 */
export async function serviceNowClientFor(deps: TenantDeps, tenant: TenantContext): Promise<ServiceNowClient> {
  await assertSafeTenantUrl(tenant.settings.servicenow.instanceUrl, deps.urlPolicy);
  return derived(deps, tenant.id, 'client:servicenow', () => openServiceNowClient(deps, tenant));
}

async function openServiceNowClient(deps: TenantDeps, tenant: TenantContext): Promise<ServiceNowClient> {
  const sn = tenant.settings.servicenow;
  // An OAuth grant the tenant authorised (authorisation code or client credentials) takes
  // precedence over a stored password; while it needs re-authorisation, calls fail with why.
  if (await hasGrant(deps.pool, tenant.id, 'servicenow')) {
    const tokens = grantTokensFor(deps, tenant, 'servicenow');
    return new ServiceNowClient(sn.instanceUrl, { kind: 'grant', tokens }, gateFor(deps, tenant, 'servicenow'), guardedFetch(deps.urlPolicy));
  }
  const password = await requireSecret(deps, tenant, secretNames.serviceNowPassword);
  let credentials: ServiceNowCredentials = { kind: 'basic', username: sn.username, password };
  if (sn.auth === 'oauth') {
    if (!sn.clientId) throw new TenantConfigError(`tenant ${tenant.slug} uses OAuth but has no clientId`);
    const clientSecret = await requireSecret(deps, tenant, secretNames.serviceNowClientSecret);
    credentials = { kind: 'oauth', username: sn.username, password, clientId: sn.clientId, clientSecret };
  }
  return new ServiceNowClient(sn.instanceUrl, credentials, gateFor(deps, tenant, 'servicenow'), guardedFetch(deps.urlPolicy));
}

/**
 * The tenant's rate-limit gate for one connector's calls, or undefined when no limiter is
 * configured. Each call is charged to the buckets its descriptor (method, channel) selects; the
 * tenant's overrides travel with the gate, from the settings already loaded, so no call pays a
 * settings lookup.
 */
export function gateFor(deps: TenantDeps, tenant: TenantContext, connector: string): CallGate | undefined {
  const limiter = deps.limiter;
  const settings = tenant.settings.rateLimits ?? {};
  return limiter
    ? (call, descriptor) => limiter.run({ tenantId: tenant.id, connector, ...descriptor }, call, { settings })
    : undefined;
}

/** The tenant's Slack Web API client; URL checked on every use, client kept like ServiceNow's. */
export async function slackClientFor(deps: TenantDeps, tenant: TenantContext): Promise<WebClient> {
  await assertSafeTenantUrl(tenant.settings.slack.apiBaseUrl, deps.urlPolicy);
  return derived(deps, tenant.id, 'client:slack', () => openSlackClient(deps, tenant));
}

async function openSlackClient(deps: TenantDeps, tenant: TenantContext): Promise<WebClient> {
  const base = tenant.settings.slack.apiBaseUrl;
  // An OAuth grant the tenant authorised takes precedence over a pasted bot token: every call
  // uses its current access token (refreshed once when Slack says it expired).
  const token = await hasGrant(deps.pool, tenant.id, 'slack')
    ? grantTokensFor(deps, tenant, 'slack')
    : await requireSecret(deps, tenant, secretNames.slackBotToken);
  // Temporal's retry policy is the one retry layer: the client surfaces 429s instead of sleeping.
  return new GatedWebClient(token, {
    slackApiUrl: base.endsWith('/') ? base : `${base}/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    fetch: guardedFetch(deps.urlPolicy),
  }, gateFor(deps, tenant, 'slack') ?? ungated);
}
