/**
 * Express middleware putting a webhook route behind its per-route-token bucket: the first,
 * pre-authentication stage of the inbound limits (see inbound-rate-limit.ts), per API process.
 * It runs before the body is read or anything is looked up, and answers the same for known and
 * unknown tokens (each token has its own bucket either way), so it reveals nothing about tenants.
 */
import type { RequestHandler } from 'express';
import { hashRouteToken, resolveRouteToken } from '../../db/route-tokens-repo';
import { inboundMetrics } from './inbound-metrics';
import type { InboundRateLimiter, RateDecision } from './inbound-rate-limit';
import { auditRefusal, WebhookRejection, type RejectionAuditDeps } from './rejections';

/** Which stage of the inbound limits refused, for the audit event. */
export type RateLimitStage = 'route_token' | 'tenant';

/** The 429 for a refused {@link RateDecision}; `audit` follows the decision's sampling. */
export function rateLimited(decision: Extract<RateDecision, { allowed: false }>, stage: RateLimitStage): WebhookRejection {
  return new WebhookRejection('rate', 429, 'rate_limited', `too many requests on this route; retry after ${decision.retryAfterSeconds} s`, {
    audit: decision.audit, auditDetail: { stage, suppressed: decision.suppressed },
  });
}

/**
 * Refuses a request over its route token's limit with 429, `Retry-After` and
 * `{error:{code:'rate_limited'}}`. Every refusal is counted (inbound-metrics.ts); the audit
 * (class `rate`, stage `route_token`) is sampled per route (see {@link InboundRateLimiter}) with
 * the number of refusals left unaudited in between.
 *
 * @param connector - the connector of this route, for the audit event
 * @param webhookIdHeader - the header carrying the sender's delivery id, for the audit event (Slack sends none)
 */
export function limitPerRoute(deps: RejectionAuditDeps, limiter: InboundRateLimiter, connector: string, webhookIdHeader?: string): RequestHandler {
  return async (req, res, next) => {
    const token = String(req.params.routeToken ?? '');
    const decision = limiter.take(hashRouteToken(token));
    if (decision.allowed) {
      next();
      return;
    }
    const rejection = rateLimited(decision, 'route_token');
    res.set('Retry-After', String(decision.retryAfterSeconds));
    if (rejection.audit) {
      // Only for the sampled few: put the event in the tenant's own trail when the route is real.
      const target = await resolveRouteToken(deps.pool, token).catch(() => undefined);
      const tenantId = target?.connector === connector ? target.tenantId : null;
      const webhookId = webhookIdHeader ? req.get(webhookIdHeader)?.slice(0, 200) ?? null : null;
      await auditRefusal(deps, req, { connector, tenantId, webhookId }, rejection, rejection.auditDetail);
    } else {
      inboundMetrics.countRefusal(connector, 'rate');
    }
    next(rejection);
  };
}
