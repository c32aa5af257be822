/** GET /audit/runs/:workflowId?expires&sig — the signed, read-only audit link posted in Slack. */
import { Router } from 'express';
import { listAudit } from '../db/audit-repo';
import type { ApiDeps } from './deps';
import { HttpError } from './http-error';

export function auditLinkRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/audit/runs/:workflowId', async (req, res) => {
    const { expires, sig } = req.query;
    if (typeof expires !== 'string' || typeof sig !== 'string' || !deps.auditLinks.verify(req.params.workflowId, expires, sig)) {
      throw new HttpError(403, 'invalid_link', 'this audit link is invalid or has expired');
    }
    const events = await listAudit(deps.pool, { workflowId: req.params.workflowId, limit: 1000 });
    res.json({ workflowId: req.params.workflowId, events });
  });
  return router;
}
