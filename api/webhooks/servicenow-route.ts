/**
 * POST /webhooks/servicenow/:routeToken — a ServiceNow business rule's incident event.
 * Verify (Standard Webhooks) → validate → dedupe → echo-suppress → start/signal → 202.
 * Every security-relevant rejection is audited with its class; none reveals whether a tenant exists.
 */
import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import { appendAudit } from '../../db/audit-repo';
import { resolveRouteToken } from '../../db/route-tokens-repo';
import { getSecret } from '../../db/secrets-repo';
import { getDelivery, recordDelivery } from '../../db/webhook-deliveries-repo';
import { loadTenant, type TenantContext } from '../../tenancy/tenant-context';
import { secretNames } from '../../tenancy/tenant-settings';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { serviceNowWebhookSchema } from './servicenow-payload';
import { startOrSignalTriage } from './start-triage';
import { checkTimestamp, readWebhookHeaders, verifySignature } from './verify-standard-webhook';

type RejectionClass = 'content_type' | 'headers' | 'timestamp' | 'signature' | 'schema' | 'size';

export function serviceNowWebhookRouter(deps: ApiDeps): Router {
  const router = Router();
  const tolerance = deps.webhookToleranceSeconds ?? 300;

  const audit = (req: Request, tenantId: string | null, rejection: RejectionClass, err: HttpError) =>
    appendAudit(deps.pool, {
      tenantId, type: 'webhook.rejected', outcome: rejection,
      detail: { code: err.code, reason: err.message, webhookId: req.get('webhook-id')?.slice(0, 200) ?? null, ip: req.ip ?? null },
    }).catch((auditErr: unknown) => deps.logger.error({ err: auditErr }, 'could not audit a webhook rejection'));

  router.post(
    '/webhooks/servicenow/:routeToken',
    express.raw({ type: () => true, limit: deps.webhookBodyLimit ?? '256kb' }),
    async (req, res, next) => {
      let tenant: TenantContext | undefined;
      let stage: RejectionClass = 'content_type';
      try {
        if (!req.is('application/json')) {
          throw new HttpError(415, 'unsupported_media_type', 'Content-Type must be application/json');
        }
        stage = 'headers';
        const headers = readWebhookHeaders((name) => req.get(name));
        stage = 'timestamp';
        checkTimestamp(headers.timestamp, tolerance, Date.now());

        stage = 'signature';
        const route = await resolveRouteToken(deps.pool, String(req.params.routeToken));
        const known = route?.connector === 'servicenow' ? route : undefined;
        const secret = known ? await getSecret(deps.pool, deps.secrets, known.tenantId, secretNames.webhookSecret) : undefined;
        const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        verifySignature(secret, rawBody, headers);
        tenant = await loadTenant(deps, known!.tenantId);

        stage = 'schema';
        const parsed = serviceNowWebhookSchema.safeParse(JSON.parse(rawBody.toString('utf8')));
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
          throw new HttpError(422, 'invalid_payload', `payload does not describe an incident event: ${issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')}`, issues);
        }
        const event = parsed.data;

        const previous = await getDelivery(deps.pool, tenant.id, headers.id);
        if (previous) {
          res.status(200).json({ status: 'duplicate', workflowId: previous.workflowId });
          return;
        }
        // Our own write-backs come back as update events by the integration user: drop them.
        if (event.sys_updated_by && event.sys_updated_by === tenant.settings.servicenow.username) {
          await recordDelivery(deps.pool, { tenantId: tenant.id, webhookId: headers.id, workflowId: null });
          await appendAudit(deps.pool, { tenantId: tenant.id, type: 'webhook.ignored', outcome: 'echo', detail: { webhookId: headers.id, incident: event.number ?? event.sys_id } });
          res.status(202).json({ status: 'ignored', reason: 'echo: this change was made by the integration itself' });
          return;
        }
        const { workflowId, outcome } = await startOrSignalTriage(deps.temporal, deps.taskQueue, tenant, {
          table: event.table, sysId: event.sys_id, number: event.number, event: event.event,
          sysUpdatedOn: event.sys_updated_on, sysModCount: event.sys_mod_count, sysUpdatedBy: event.sys_updated_by,
          deliveryId: headers.id, source: 'webhook',
        });
        // Recorded only after the run exists: a crash in between makes ServiceNow's retry start it again.
        await recordDelivery(deps.pool, { tenantId: tenant.id, webhookId: headers.id, workflowId });
        await appendAudit(deps.pool, { tenantId: tenant.id, workflowId, type: 'webhook.accepted', outcome, detail: { webhookId: headers.id, incident: event.number ?? event.sys_id } });
        res.status(202).json({ status: outcome === 'already_handled' ? 'already_handled' : 'accepted', workflowId });
      } catch (err) {
        if (err instanceof SyntaxError) err = new HttpError(400, 'malformed_json', 'request body is not valid JSON');
        if (err instanceof HttpError) {
          if (err.code === 'malformed_json') stage = 'schema';
          await audit(req, tenant?.id ?? null, stage, err);
        }
        next(err);
      }
    },
  );
  // The body parser refuses oversized bodies before the handler runs: audit those here.
  router.use('/webhooks/servicenow/:routeToken', ((err, req, _res, next) => {
    if ((err as { type?: string })?.type === 'entity.too.large') {
      void audit(req, null, 'size', new HttpError(413, 'payload_too_large', 'body over the size limit'));
    }
    next(err);
  }) as ErrorRequestHandler);
  return router;
}
