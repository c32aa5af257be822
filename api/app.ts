/**
 * The HTTP surface: webhooks, Slack interactivity, the admin API and audit links. Body parsers
 * are attached per route (Bolt and the signature checks need the raw bytes).
 */
import express, { type Express } from 'express';
import { auditLinkRouter } from './audit-link-route';
import { requireAdminToken } from './admin/admin-auth';
import { auditRouter } from './admin/audit-routes';
import { marketplaceRouter } from './admin/marketplace-routes';
import { webhookAdminRouter } from './admin/webhook-admin-routes';
import { policyRouter } from './admin/policy-routes';
import { metricsRouter } from './admin/metrics-routes';
import { runsRouter } from './admin/runs-routes';
import { tenantsRouter } from './admin/tenants-routes';
import { appRegistrationRouter } from './admin/app-registration-routes';
import { oauthFlowRouter } from './oauth/oauth-flow-routes';
import { githubSetupRouter } from './oauth/github-setup-route';
import { registryCatalogue } from '../connectors/registry-catalogue';
import { codecRouter } from './codec/codec-routes';
import { accountsRouter } from './admin/accounts-routes';
import { consoleApiRouter } from './console/console-api-routes';
import { consoleApprovalsRouter } from './console/console-approvals-routes';
import { consoleRunsRouter } from './console/console-runs-routes';
import { consoleRevertRouter } from './console/console-revert-routes';
import { consoleAuditRouter } from './console/console-audit-routes';
import { consoleConnectionsRouter } from './console/console-connections-routes';
import { consolePolicyRouter } from './console/console-policy-routes';
import { consoleAppRegistrationRouter } from './console/console-app-registration-routes';
import { consoleAuthRouter } from './console/console-auth-routes';
import { consoleAssetsRouter } from './console/console-assets';
import type { ApiDeps } from './deps';
import { errorHandler } from './http-error';
import { slackInteractivityRouter } from './slack/interactivity-route';
import { customWebhookRouter } from './webhooks/custom-webhook-route';
import { githubWebhookRouter } from './webhooks/github-route';
import { serviceNowWebhookRouter } from './webhooks/servicenow-route';

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.use(serviceNowWebhookRouter(deps));
  app.use(githubWebhookRouter(deps));
  app.use(customWebhookRouter(deps));
  app.use(slackInteractivityRouter(deps));
  app.use(auditLinkRouter(deps));
  // Before the /admin guard: it has its own (bearer token) and answers the UI's CORS preflights.
  app.use(codecRouter(deps));
  app.use(consoleAssetsRouter());
  // The console: its own session cookie and CSRF token; the tenant is the signed-in account's.
  app.use(consoleAuthRouter(deps));
  app.use(consolePolicyRouter(deps, deps.catalogue ?? registryCatalogue(deps.registry)));
  app.use(consoleConnectionsRouter(deps));
  app.use(consoleAppRegistrationRouter(deps));
  app.use(consoleApiRouter(deps, deps.catalogue ?? registryCatalogue(deps.registry)));
  app.use(consoleApprovalsRouter(deps));
  app.use(consoleRunsRouter(deps));
  app.use(consoleRevertRouter(deps));
  app.use(consoleAuditRouter(deps));
  app.use('/admin', requireAdminToken(deps.adminToken));
  app.use(accountsRouter(deps));
  app.use(tenantsRouter(deps));
  app.use(appRegistrationRouter(deps));
  // /oauth/* are browser pages bound by cookie and state; its /admin route sits behind the guard.
  app.use(oauthFlowRouter(deps));
  app.use(githubSetupRouter(deps));
  app.use(webhookAdminRouter(deps));
  // Listings are public (no tenant data); its /admin routes sit behind the guard above.
  app.use(marketplaceRouter(deps));
  app.use(runsRouter(deps));
  app.use(metricsRouter(deps));
  app.use(auditRouter(deps));
  app.use(policyRouter(deps, deps.catalogue ?? registryCatalogue(deps.registry)));
  app.use((_req, res) => void res.status(404).json({ error: { code: 'not_found', message: 'no such endpoint' } }));
  app.use(errorHandler(deps.logger));
  return app;
}
