/**
 * GET /audit/runs/:workflowId?expires&sig — the signed, read-only audit link posted in Slack.
 * Browsers (Accept prefers text/html) get a page; API clients keep the JSON answer.
 */
import { Router, type Request } from 'express';
import { listAudit } from '../db/audit-repo';
import { renderInvalidLinkPage } from './audit-page/invalid-link-page';
import { renderAuditPage } from './audit-page/render-audit-page';
import { sendHtmlPage } from './audit-page/send-html-page';
import type { ApiDeps } from './deps';
import { HttpError } from './http-error';

/** Events one link reads; a run records a few dozen. */
const EVENT_LIMIT = 1000;

// JSON is offered first so that no Accept header, or */*, keeps the JSON answer API clients rely on.
const wantsHtml = (req: Request): boolean => req.accepts(['application/json', 'text/html']) === 'text/html';

export function auditLinkRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/audit/runs/:workflowId', async (req, res) => {
    res.vary('Accept');
    const { workflowId } = req.params;
    const { expires, sig } = req.query;
    if (typeof expires !== 'string' || typeof sig !== 'string' || !deps.auditLinks.verify(workflowId, expires, sig)) {
      if (wantsHtml(req)) return sendHtmlPage(res, 403, renderInvalidLinkPage());
      throw new HttpError(403, 'invalid_link', 'this audit link is invalid or has expired');
    }
    const events = await listAudit(deps.pool, { workflowId, limit: EVENT_LIMIT });
    if (wantsHtml(req)) return sendHtmlPage(res, 200, renderAuditPage({ workflowId, events, truncated: events.length === EVENT_LIMIT }));
    res.json({ workflowId, events });
  });
  return router;
}
