/**
 * Resolves a webhook URL's route token to its tenant and loads the secrets that verify its
 * signatures — in a way that costs the same whether the token is live, unknown, revoked,
 * expired or another connector's: a route that leads nowhere still runs the secret lookup
 * (against a tenant id that does not exist) so the caller then verifies against a decoy.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { resolveRouteToken } from '../../db/route-tokens-repo';
import type { SecretBox } from '../../db/secret-box';
import { loadWebhookSecrets } from '../../db/webhook-secrets-repo';

/** A tenant id no tenant has: the secret lookup for routes that lead nowhere. */
const decoyTenantId = randomUUID();

/** What a route token leads to. */
export type InboundRoute =
  | { live: true; tenantId: string; secrets: string[] }
  /** `tenantId` is set for another connector's token (for the audit trail only). */
  | { live: false; reason: 'unknown_route' | 'wrong_connector'; tenantId: string | null; secrets: [] };

/** The route for `token` on `connector`'s URL, with the secrets named `secretName`. */
export async function resolveInboundRoute(
  deps: { pool: Pool; secrets: SecretBox }, token: string, connector: string, secretName: string,
): Promise<InboundRoute> {
  const target = await resolveRouteToken(deps.pool, token);
  const live = target?.connector === connector ? target : undefined;
  const secrets = await loadWebhookSecrets(deps.pool, deps.secrets, live?.tenantId ?? decoyTenantId, secretName);
  if (live) return { live: true, tenantId: live.tenantId, secrets };
  return target
    ? { live: false, reason: 'wrong_connector', tenantId: target.tenantId, secrets: [] }
    : { live: false, reason: 'unknown_route', tenantId: null, secrets: [] };
}
