/**
 * Scope drift after install: the provider now grants something else than what the install was
 * reviewed with (a GitHub organisation owner changed the App's permissions, a Slack refresh
 * answered with other scopes). Checked whenever a provider tells us what it grants (a refresh, a
 * GitHub token mint), and only when that differs from what was last seen.
 *
 * Only installs whose grant was reviewed (authorised through OAuth, see api/oauth/) are checked.
 *
 * - Broader than the manifest declares and than what was already accepted: the install is held
 *   (`held_scope_review`): every action of the connector is refused until a tenant admin accepts
 *   the grant (POST …/scopes/accept) or re-authorises with less.
 * - Narrower: the enabled actions that need a scope no longer granted are disabled and listed;
 *   the rest keep working.
 * Both are audited and posted to the tenant's approval channel when a notice is wired.
 */
import type { Pool } from 'pg';
import type { ConnectorManifest } from '../connectors/framework/manifest-schema';
import { appendAudit } from '../db/audit-repo';
import { getInstall, updateInstall } from '../db/installs-repo';
import type { AdminNotice } from './admin-notice';
import { driftAgainstManifest, scopeDriftOf } from './install-grant';
import type { ScopeDrift } from './scope-drift';

export type GrantChangeOutcome =
  | { kind: 'unchanged' }
  | { kind: 'held'; broader: string[] }
  | { kind: 'narrowed'; disabledActions: string[] };


/** The facts of a connector's verified manifest a grant is compared with. */
export type ManifestScopes = Pick<ConnectorManifest, 'scopes' | 'actions'>;

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s) => b.includes(s));

/**
 * Applies what `granted` means to the enabled install of `connectorId`. Installs not enabled, or
 * whose recorded grant is already `granted`, are left as they are.
 */
export async function reviewGrantChange(pool: Pool, tenantId: string, connectorId: string, granted: readonly string[], manifest: ManifestScopes | undefined, notice?: AdminNotice): Promise<GrantChangeOutcome> {
  const install = await getInstall(pool, tenantId, connectorId);
  const drift = manifest && driftAgainstManifest(manifest, granted);
  // Only a grant the install review saw (an OAuth install records it) can be compared with: an
  // install with pasted credentials never had its provider grant reviewed.
  const recorded = scopeDriftOf(install?.detail);
  if (!install || install.status !== 'enabled' || !drift || !recorded) return { kind: 'unchanged' };
  // Compared as drift, not as raw scope lists: implicit grants (GitHub's metadata:read) do not count.
  if (sameSet(recorded.broader, drift.broader) && sameSet(recorded.missing, drift.missing)) return { kind: 'unchanged' };

  const newlyBroader = drift.broader.filter((s) => !recorded.broader.includes(s));
  if (newlyBroader.length > 0) {
    await updateInstall(pool, tenantId, connectorId, { status: 'held_scope_review', detail: { pendingScopeDrift: drift } });
    await appendAudit(pool, { tenantId, type: 'connector.scope_drift_held', outcome: 'held', detail: { connectorId, broader: newlyBroader, granted: drift.granted } });
    await notice?.(tenantId, connectorId, (slug) => `the provider now grants more than its manifest declares (${newlyBroader.join(', ')}). The connector is held until a tenant admin accepts the grant (console: Connections; admin API: POST /admin/tenants/${slug}/connectors/${connectorId}/scopes/accept) or authorises it again with less.`);
    return { kind: 'held', broader: newlyBroader };
  }

  const lacking = new Set(drift.disabledActions.map((a) => a.actionId));
  const disabledActions = install.enabledActions.filter((a) => lacking.has(a));
  await updateInstall(pool, tenantId, connectorId, {
    status: 'enabled', enabledActions: install.enabledActions.filter((a) => !lacking.has(a)), detail: { scopeDrift: drift },
  });
  await appendAudit(pool, {
    tenantId, type: 'connector.scope_drift_narrowed', outcome: disabledActions.length ? 'actions_disabled' : 'recorded',
    detail: { connectorId, missing: drift.missing, disabledActions: drift.disabledActions.filter((a) => disabledActions.includes(a.actionId)) },
  });
  if (disabledActions.length) {
    await notice?.(tenantId, connectorId, () => `the provider no longer grants ${drift.missing.join(', ')}; these actions are disabled: ${disabledActions.join(', ')}.`);
  }
  return { kind: 'narrowed', disabledActions };
}

/** A tenant admin accepts the grant an install was held for: it is enabled again with that grant on record. */
export async function acceptHeldGrant(pool: Pool, tenantId: string, connectorId: string, reviewer: string): Promise<ScopeDrift | undefined> {
  const install = await getInstall(pool, tenantId, connectorId);
  const pending = install?.status === 'held_scope_review' ? pendingDriftOf(install.detail) : undefined;
  if (!install || !pending) return undefined;
  const lacking = new Set(pending.disabledActions.map((a) => a.actionId));
  await updateInstall(pool, tenantId, connectorId, {
    status: 'enabled', enabledActions: install.enabledActions.filter((a) => !lacking.has(a)),
    detail: { scopeDrift: pending, pendingScopeDrift: null },
  });
  await appendAudit(pool, { tenantId, type: 'connector.scope_drift_accepted', outcome: 'accepted', actor: reviewer, detail: { connectorId, accepted: pending.broader, granted: pending.granted } });
  return pending;
}

function pendingDriftOf(detail: Record<string, unknown>): ScopeDrift | undefined {
  return scopeDriftOf({ scopeDrift: detail['pendingScopeDrift'] });
}
