/**
 * POST /slack/:routeToken/interactivity — Slack's interactivity Request URL for one tenant.
 * Same front half as every inbound route: the route token's rate limit, a capped raw body, the
 * v0 signature in tenant-blind order (verify-slack-request.ts), the payload validated
 * (interactivity-payload.ts), the replay record, the tenant's rate limit; every refusal
 * classified, counted and audited. Only then does the request reach the tenant's Bolt app,
 * which acks and relays the decision. Bolt's own verification is off there: it would know only
 * the current signing secret, and the request has been verified already, under every live one.
 */
import { App, ExpressReceiver } from '@slack/bolt';
import { Router, type Request, type RequestHandler } from 'express';
import { recordDelivery } from '../../db/webhook-deliveries-repo';
import { loadTenant, slackClientFor, type TenantContext } from '../../tenancy/tenant-context';
import type { ApiDeps } from '../deps';
import { auditRedelivery } from '../webhooks/delivery-replay';
import { refuseMalformedRouteToken } from '../webhooks/malformed-route-token';
import { refuse, WebhookRejection, type RejectionContext } from '../webhooks/rejections';
import { limitPerRoute } from '../webhooks/route-rate-limit';
import { auditOversizedBody, rawBody } from '../webhooks/webhook-body';
import { routeLimiter, tenantLimiter, type WebhookRouteOptions } from '../webhooks/webhook-route-options';
import { boltLogger } from './bolt-logger';
import { registerDecisionHandler, SIGNAL_DEADLINE_MS } from './decision-handler';
import { withRequestDeadline } from './request-deadline';
import { boltFormBody, readInteractivityPayload } from './interactivity-payload';
import { registerRevertHandler } from './revert-handler';
import { verifySlackRequest } from './verify-slack-request';

const PATH = '/slack/:routeToken/interactivity';
const CONNECTOR = 'slack';

interface CachedReceiver {
  /** The tenant settings the app was built with; a change rebuilds it. */
  key: string;
  handler: RequestHandler;
}

/** Slack posts interactivity payloads form-encoded (`payload=<json>`). */
function requireFormBody(req: Request): void {
  if (!req.is('application/x-www-form-urlencoded')) {
    throw new WebhookRejection('schema', 415, 'unsupported_media_type', 'Content-Type must be application/x-www-form-urlencoded');
  }
}

export function slackInteractivityRouter(deps: ApiDeps, options: WebhookRouteOptions = {}): Router {
  const router = Router();
  const receivers = new Map<string, CachedReceiver>();
  const logger = deps.logger.child({ component: 'slack' });
  const now = options.now ?? Date.now;
  const perTenant = tenantLimiter(options);

  function receiverFor(tenant: TenantContext): RequestHandler {
    const key = JSON.stringify([tenant.slug, tenant.settings.slack.teamId ?? null, tenant.settings.slack.apiBaseUrl]);
    const cached = receivers.get(tenant.id);
    if (cached?.key === key) return cached.handler;
    const receiver = new ExpressReceiver({
      // Verified above, under every live secret; Bolt requires a value even with verification off.
      signingSecret: 'verified-before-bolt', signatureVerification: false,
      endpoints: '/', processBeforeResponse: false, logger: boltLogger(logger),
    });
    // The handler only acks, relays to Temporal and answers via response_url: no bot token needed here.
    const app = new App({ receiver, authorize: async () => ({}), logger: boltLogger(logger), clientOptions: { slackApiUrl: tenant.settings.slack.apiBaseUrl } });
    const slackTenant = { id: tenant.id, slug: tenant.slug, teamId: tenant.settings.slack.teamId };
    registerDecisionHandler(app, {
      temporal: deps.temporal, tenant: slackTenant, onError: (err) => logger.error({ err }, 'slack decision relay failed'),
    });
    registerRevertHandler(app, {
      temporal: deps.temporal, taskQueue: deps.taskQueue, pool: deps.pool, tenant: slackTenant,
      slack: () => slackClientFor(deps, tenant),
      onError: (err) => logger.error({ err }, 'slack revert request failed'),
    });
    app.error(async (err) => void logger.error({ err }, 'bolt error'));
    const handler = receiver.router as unknown as RequestHandler;
    receivers.set(tenant.id, { key, handler });
    return handler;
  }

  router.use(
    PATH,
    (req, _res, next) => {
      // Slack's 3 s start now: the click handler's signal deadline counts from here.
      (req as Request & { arrivedAt?: number }).arrivedAt = Date.now();
      next();
    },
    limitPerRoute(deps, routeLimiter(options), CONNECTOR),
    rawBody(options.bodyLimit ?? deps.webhookBodyLimit ?? '256kb'),
    async (req, res, next) => {
      const ctx: RejectionContext = { connector: CONNECTOR, tenantId: null, webhookId: null };
      try {
        if (req.method !== 'POST') throw new WebhookRejection('schema', 405, 'method_not_allowed', 'Slack interactivity is a POST');
        const verified = await verifySlackRequest(deps, req, { toleranceSeconds: deps.webhookToleranceSeconds ?? 300, now }, ctx);
        requireFormBody(req);
        const payload = readInteractivityPayload(verified.rawBody);
        const tenant = await loadTenant(deps, verified.tenantId);
        // Before the replay record, so that only relayed requests are recorded as such.
        perTenant.take(tenant, CONNECTOR, res);
        const first = await recordDelivery(deps.pool, { tenantId: verified.tenantId, webhookId: verified.replayId, workflowId: null, bodyDigest: verified.digest });
        if (first === 'duplicate') {
          // A copy of a request already relayed: acknowledged, so Slack shows no error, and dropped.
          await auditRedelivery(deps, req, ctx);
          res.status(200).end();
          return;
        }
        // Bolt reads the body from here instead of the (already consumed) stream: the validated
        // payload alone, under the one content type Bolt parses as a form (it compares exactly).
        (req as Request & { rawBody?: Buffer }).rawBody = boltFormBody(payload);
        req.headers['content-type'] = 'application/x-www-form-urlencoded';
        const arrivedAt = (req as Request & { arrivedAt?: number }).arrivedAt ?? Date.now();
        withRequestDeadline(arrivedAt + SIGNAL_DEADLINE_MS, () => receiverFor(tenant)(req, res, next));
      } catch (err) {
        next(await refuse(deps, req, ctx, err));
      }
    },
  );
  router.use(PATH, auditOversizedBody(deps, CONNECTOR));
  router.use(refuseMalformedRouteToken(deps, CONNECTOR, '/slack/'));
  return router;
}
