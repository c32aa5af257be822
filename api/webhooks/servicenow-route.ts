/**
 * POST /webhooks/servicenow/:routeToken — a ServiceNow business rule's incident event.
 * Route-token rate limit → verify (Standard Webhooks, tenant-blind) → validate → replay check →
 * echo-suppress → tenant rate limit → start/signal → 202. Every refusal is classified, counted
 * and audited (rate refusals sampled); none reveals whether a tenant exists. Duplicates and
 * echoes of Gatehouse's own writes are answered before the tenant's budget is touched, so a
 * storm of them never refuses a real event.
 */
import { Router } from 'express';
import { DeliveryJournal } from '../../db/delivery-journal';
import { startOrSignalTriage } from '../../runs/start-triage';
import type { TriageTrigger } from '../../triage/types';
import { triageWorkflowId } from '../../workflows/triage-ids';
import { loadTenant } from '../../tenancy/tenant-context';
import { secretNames } from '../../tenancy/tenant-settings';
import type { ApiDeps } from '../deps';
import { auditRedelivery, findRedelivery } from './delivery-replay';
import { refuse, WebhookRejection, type RejectionContext } from './rejections';
import { refuseMalformedRouteToken } from './malformed-route-token';
import { limitPerRoute } from './route-rate-limit';
import { serviceNowWebhookSchema } from './servicenow-payload';
import { verifyStandardDelivery } from './standard-webhook-intake';
import { auditOversizedBody, parseJsonBody, rawBody } from './webhook-body';
import { routeLimiter, tenantLimiter, type WebhookRouteOptions } from './webhook-route-options';

const PATH = '/webhooks/servicenow/:routeToken';
const CONNECTOR = 'servicenow';

/** The ServiceNow webhook route. */
export function serviceNowWebhookRouter(deps: ApiDeps, options: WebhookRouteOptions = {}): Router {
  const router = Router();
  const intake = {
    connector: CONNECTOR, secretName: secretNames.webhookSecret,
    toleranceSeconds: deps.webhookToleranceSeconds ?? 300, now: options.now ?? Date.now,
  };
  const perTenant = tenantLimiter(options);
  // Replay records and audit events of handled deliveries, committed in groups (a storm shares transactions).
  const journal = new DeliveryJournal(deps.pool);

  router.post(
    PATH,
    limitPerRoute(deps, routeLimiter(options), CONNECTOR, 'webhook-id'),
    rawBody(options.bodyLimit ?? deps.webhookBodyLimit ?? '256kb'),
    async (req, res, next) => {
      const ctx: RejectionContext = { connector: CONNECTOR, tenantId: null, webhookId: null };
      try {
        const delivery = await verifyStandardDelivery(deps, req, intake, ctx);
        const webhookId = delivery.headers.id;

        const parsed = serviceNowWebhookSchema.safeParse(parseJsonBody(delivery.rawBody));
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
          throw new WebhookRejection('schema', 422, 'invalid_payload', `payload does not describe an incident event: ${issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')}`, { details: issues });
        }
        const event = parsed.data;

        const redelivery = await findRedelivery(deps.pool, delivery.tenantId, webhookId, delivery.digest);
        if (redelivery) {
          await auditRedelivery(deps, req, ctx);
          res.status(200).json({ status: 'duplicate', workflowId: redelivery.workflowId });
          return;
        }
        const tenant = await loadTenant(deps, delivery.tenantId);
        // Our own write-backs come back as update events by the integration user: drop them,
        // without spending the tenant's budget (they are answers to our writes, not demand).
        if (event.sys_updated_by && event.sys_updated_by === tenant.settings.servicenow.username) {
          await journal.record({
            delivery: { tenantId: tenant.id, webhookId, workflowId: null, bodyDigest: delivery.digest },
            audit: { tenantId: tenant.id, type: 'webhook.ignored', outcome: 'echo', detail: { webhookId, incident: event.number ?? event.sys_id } },
          });
          res.status(202).json({ status: 'ignored', reason: 'echo: this change was made by the integration itself' });
          return;
        }
        perTenant.take(tenant, CONNECTOR, res);
        const trigger: TriageTrigger = {
          table: event.table, sysId: event.sys_id, number: event.number, event: event.event,
          sysUpdatedOn: event.sys_updated_on, sysModCount: event.sys_mod_count, sysUpdatedBy: event.sys_updated_by,
          deliveryId: webhookId, source: 'webhook',
        };
        if (deps.triggerInbox) {
          // Durable once committed: the answer does not wait on Temporal (the forwarder hands it over).
          const workflowId = triageWorkflowId(tenant.slug, trigger.sysId);
          await journal.record({
            delivery: { tenantId: tenant.id, webhookId, workflowId, bodyDigest: delivery.digest },
            audit: { tenantId: tenant.id, workflowId, type: 'webhook.accepted', outcome: 'queued', detail: { webhookId, incident: event.number ?? event.sys_id, bodyBytes: delivery.rawBody.length } },
            inbox: { tenantId: tenant.id, tenantSlug: tenant.slug, trigger },
          });
          deps.triggerInbox.kick();
          res.status(202).json({ status: 'accepted', workflowId });
          return;
        }
        const { workflowId, outcome } = await startOrSignalTriage(deps.temporal, deps.taskQueue, tenant, trigger);
        // Recorded only after the run exists: a crash in between makes ServiceNow's retry start it again.
        await journal.record({
          delivery: { tenantId: tenant.id, webhookId, workflowId, bodyDigest: delivery.digest },
          audit: { tenantId: tenant.id, workflowId, type: 'webhook.accepted', outcome, detail: { webhookId, incident: event.number ?? event.sys_id, bodyBytes: delivery.rawBody.length } },
        });
        res.status(202).json({ status: outcome === 'already_handled' ? 'already_handled' : 'accepted', workflowId });
      } catch (err) {
        next(await refuse(deps, req, ctx, err));
      }
    },
  );
  router.use(PATH, auditOversizedBody(deps, CONNECTOR, 'webhook-id'));
  router.use(refuseMalformedRouteToken(deps, CONNECTOR, '/webhooks/servicenow/'));
  return router;
}
