/**
 * The console's connections page, for the signed-in account's tenant: each install with its
 * status, last healthcheck and OAuth grant standing (any role), accepting a grant the provider
 * widened after install (admins), a smoke test of its read actions (admins; the
 * marketplace's own `runSmokeTest`, audited with the account), and disconnecting (admins) after
 * a preview of what will be deleted here and revoked at the provider, confirmed by typing the
 * connector id. The disconnect itself is the `disconnectConnector` workflow, as in the admin API.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../db/audit-repo';
import { hasGrant, listGrantStandings, type GrantStanding } from '../../db/connector-grants-repo';
import { acceptHeldGrant } from '../../credentials/grant-change';
import { scopeDriftOf } from '../../credentials/install-grant';
import { getInstall, listInstalls } from '../../db/installs-repo';
import { listSecretNames } from '../../db/secrets-repo';
import { runSmokeTest } from '../../marketplace/smoke-test';
import { connectorSecretNames } from '../../tenancy/tenant-settings';
import { loadTenant } from '../../tenancy/tenant-context';
import type { disconnectConnector } from '../../workflows/disconnect-connector';
import { disconnectWorkflowId } from '../../workflows/install-messages';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { consoleSessionOf, requireConsoleSession, requireRole } from './console-session';

const smokeSchema = z.object({ inputs: z.record(z.string(), z.record(z.string(), z.unknown())).default({}) });
const disconnectSchema = z.object({ confirm: z.string().max(200).optional() });

/** How the page shows a grant: never a token, only its kind and whether it still works. */
function grantView(grant: GrantStanding | undefined) {
  if (!grant) return null;
  return { type: grant.grantType, status: grant.status, reauthReason: grant.reauthReason, refreshedAt: grant.refreshedAt };
}

export interface LastHealthcheck { outcome: string; detail: string; durationMs: number | null; at: Date; source: 'install' | 'smoke_test' }

/** The newest healthcheck of a connector: the install run's, or the healthcheck step of a smoke test. */
async function lastHealthcheck(deps: ApiDeps, tenantId: string, connectorId: string, installWorkflowId: string | null): Promise<LastHealthcheck | undefined> {
  const { rows } = await deps.pool.query<{ type: string; outcome: string | null; detail: Record<string, unknown>; created_at: Date }>(
    `SELECT type, outcome, detail, created_at FROM audit_events
     WHERE tenant_id = $1 AND ((type = 'connector.healthcheck' AND workflow_id = $2) OR (type = 'connector.smoke_test' AND detail->>'connectorId' = $3))
     ORDER BY id DESC LIMIT 1`,
    [tenantId, installWorkflowId ?? '', connectorId],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.type === 'connector.healthcheck') {
    return { outcome: row.outcome ?? 'unknown', detail: String(row.detail['detail'] ?? ''), durationMs: typeof row.detail['durationMs'] === 'number' ? row.detail['durationMs'] : null, at: row.created_at, source: 'install' };
  }
  const step = (row.detail['steps'] as Array<{ step: string; outcome: string; durationMs: number; detail: string }> | undefined)?.find((s) => s.step === 'healthcheck');
  return step ? { outcome: step.outcome, detail: step.detail, durationMs: step.durationMs, at: row.created_at, source: 'smoke_test' } : undefined;
}

export function consoleConnectionsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(['/console/api/connections', '/console/api/connectors'], requireConsoleSession(deps.pool), express.json({ limit: '64kb' }));

  const manifestOf = (connectorId: string) => {
    const manifest = deps.registry.list().find((c) => c.connectorId === connectorId)?.manifest;
    if (!manifest) throw new HttpError(404, 'unknown_connector', `unknown connector ${connectorId}`);
    return manifest;
  };

  router.get('/console/api/connections', async (_req, res) => {
    const session = consoleSessionOf(res);
    const [installs, grants] = await Promise.all([listInstalls(deps.pool, session.tenantId), listGrantStandings(deps.pool, session.tenantId)]);
    res.json({
      canManage: session.role === 'admin',
      connections: await Promise.all(installs.map(async (install) => {
        const manifest = deps.registry.list().find((c) => c.connectorId === install.connectorId)?.manifest;
        return {
          connectorId: install.connectorId, name: manifest?.name ?? install.connectorId, status: install.status,
          manifestVersion: install.manifestVersion, enabledActions: install.enabledActions,
          requestedBy: install.requestedBy, reviewedBy: install.reviewedBy, updatedAt: install.updatedAt,
          detail: typeof install.detail['message'] === 'string' ? install.detail['message'] : undefined,
          installable: deps.registry.isInstallable(install.connectorId),
          grant: grantView(grants.find((g) => g.connectorId === install.connectorId)),
          // A grant that grew past the manifest after install: what an admin is asked to accept.
          heldFor: install.status === 'held_scope_review' ? scopeDriftOf({ scopeDrift: install.detail['pendingScopeDrift'] })?.broader ?? [] : [],
          lastHealthcheck: await lastHealthcheck(deps, session.tenantId, install.connectorId, install.workflowId) ?? null,
        };
      })),
    });
  });

  // A provider grant that grew after install holds the connector until an admin accepts it (as the admin API's accept).
  router.post('/console/api/connectors/:connectorId/scopes/accept', async (req, res) => {
    const session = requireRole(res, 'admin');
    const accepted = await acceptHeldGrant(deps.pool, session.tenantId, req.params.connectorId, session.email);
    if (!accepted) throw new HttpError(409, 'not_held', `the ${req.params.connectorId} connector is not held for a grant review`);
    res.json({ status: 'enabled', acceptedScopes: accepted.broader, disabledActions: accepted.disabledActions });
  });

  router.post('/console/api/connectors/:connectorId/smoke-test', async (req, res) => {
    const session = requireRole(res, 'admin');
    const connectorId = req.params.connectorId;
    const manifest = manifestOf(connectorId);
    if (!deps.registry.isInstallable(connectorId)) throw new HttpError(409, 'not_installable', `${connectorId} is listed but not installable yet (planned)`);
    const { inputs } = parseOr422(smokeSchema, req.body ?? {}, 'invalid smoke test request');
    const tenant = await loadTenant(deps, session.tenantId);
    const report = await runSmokeTest(deps, tenant, manifest, inputs);
    await appendAudit(deps.pool, {
      tenantId: tenant.id, type: 'connector.smoke_test', outcome: report.passed ? 'pass' : 'fail', actor: session.email,
      detail: { connectorId, channel: 'console', steps: report.steps },
    });
    res.json(report);
  });

  router.get('/console/api/connectors/:connectorId/disconnect-preview', async (req, res) => {
    const session = consoleSessionOf(res);
    const connectorId = req.params.connectorId;
    const manifest = manifestOf(connectorId);
    const [stored, grant, tokens, install] = await Promise.all([
      listSecretNames(deps.pool, session.tenantId),
      hasGrant(deps.pool, session.tenantId, connectorId),
      deps.pool.query<{ n: string }>('SELECT count(*) AS n FROM route_tokens WHERE tenant_id = $1 AND connector = $2 AND revoked_at IS NULL', [session.tenantId, connectorId]),
      getInstall(deps.pool, session.tenantId, connectorId),
    ]);
    const mine = new Set<string>(connectorSecretNames[connectorId] ?? []);
    const policy = manifest.disconnectPolicy;
    res.json({
      connectorId, name: manifest.name, status: install?.status ?? null,
      deleted: {
        credentials: stored.filter((n) => mine.has(n)),
        oauthGrant: grant,
        routeTokens: Number(tokens.rows[0]?.n ?? 0),
        cachedData: policy.deleteCachedData,
      },
      revoked: { atProvider: policy.revokeAtProvider, description: policy.description },
      retained: manifest.dataRetentionPolicy.description,
      confirmWith: connectorId,
      canDisconnect: session.role === 'admin',
    });
  });

  router.post('/console/api/connectors/:connectorId/disconnect', async (req, res) => {
    const session = requireRole(res, 'admin');
    const connectorId = req.params.connectorId;
    manifestOf(connectorId);
    const { confirm } = parseOr422(disconnectSchema, req.body ?? {}, 'invalid disconnect request');
    if (confirm !== connectorId) {
      throw new HttpError(422, 'confirmation_mismatch', `type the connector id "${connectorId}" to confirm the disconnect`, [{ path: 'confirm', message: `must be exactly ${connectorId}` }]);
    }
    const tenant = await loadTenant(deps, session.tenantId);
    const result = await deps.temporal.workflow.execute<typeof disconnectConnector>('disconnectConnector', {
      workflowId: disconnectWorkflowId(tenant.slug, connectorId, Date.now()), taskQueue: deps.taskQueue,
      args: [{ tenantId: tenant.id, tenantSlug: tenant.slug, connectorId, requestedBy: session.email }],
    });
    res.json({ status: 'disconnected', ...result });
  });

  return router;
}
