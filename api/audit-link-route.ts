/**
 * GET /audit/runs/:workflowId?expires&sig — the signed, read-only audit link posted in Slack.
 * Browsers (Accept prefers text/html) get a page; API clients keep the JSON answer. A browser
 * signed in to the console as an account of the run's tenant is sent on to the run's console
 * page instead (303), where it sees more; the link must still be valid, and nobody else is.
 */
import { Router, type Request } from 'express';
import { listAudit, type AuditEvent } from '../db/audit-repo';
import { sessionById } from '../db/console-accounts-repo';
import { renderInvalidLinkPage } from './audit-page/invalid-link-page';
import { renderAuditPage } from './audit-page/render-audit-page';
import { sendHtmlPage } from './audit-page/send-html-page';
import { sessionIdOf } from './console/console-session';
import type { ApiDeps } from './deps';
import { HttpError } from './http-error';

/** Events one link reads; a run records a few dozen. */
const EVENT_LIMIT = 1000;

// JSON is offered first so that no Accept header, or */*, keeps the JSON answer API clients rely on.
const wantsHtml = (req: Request): boolean => req.accepts(['application/json', 'text/html']) === 'text/html';

/**
 * True when the request carries an unexpired console session of the tenant every event of the
 * run belongs to. Any doubt (no cookie, no session, no events, a mixed or other tenant) is false:
 * the answer is then the read-only page, as for anyone holding the link.
 */
async function signedInToRunsTenant(deps: ApiDeps, req: Request, events: readonly AuditEvent[]): Promise<boolean> {
  const sessionId = sessionIdOf(req);
  if (!sessionId || events.length === 0) return false;
  const session = await sessionById(deps.pool, sessionId);
  return session !== undefined && events.every((e) => e.tenantId === session.tenantId);
}

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
    if (wantsHtml(req)) {
      // The answer depends on the session cookie too: no cache may hand one person's to another.
      res.vary('Cookie');
      if (await signedInToRunsTenant(deps, req, events)) {
        // The console route carries no signature; the Referer must not carry this URL's away either.
        res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
        return res.redirect(303, `/console/#/runs/${encodeURIComponent(workflowId)}`);
      }
      return sendHtmlPage(res, 200, renderAuditPage({ workflowId, events, truncated: events.length === EVENT_LIMIT }));
    }
    res.json({ workflowId, events });
  });
  return router;
}
