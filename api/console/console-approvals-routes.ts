/**
 * The console's approvals inbox: the signed-in tenant's open approval requests the account may
 * decide, with what the Slack message shows, and a decision on one. The account decides as its
 * approver id (a Slack user id, as policy approver groups list them), through the same path as
 * the admin API: the request as recorded in PostgreSQL says whether the decision can count at
 * all (eligibility, self-approval exclusions, expiry; never asking the worker), then the run is
 * signalled and judges it like a Slack click (quorum, repeats, escalation). Approver or admin role.
 */
import express, { Router, type Response } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { latestApprovalRequest, openApprovalRequestsFor } from '../../db/approval-requests-repo';
import { appendAudit } from '../../db/audit-repo';
import { emailsByApproverId, type ConsoleSession } from '../../db/console-accounts-repo';
import { decideSignal } from '../../workflows/messages';
import { decisionRefusal, noOpenRequest } from '../admin/decision-refusal';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { requireConsoleSession, requireRole } from './console-session';

const decisionSchema = z.object({
  decision: z.enum(['approve', 'deny']),
  requestId: z.string().min(1).max(100),
  reason: z.string().max(1000).optional(),
});

/** The account's approver id, or 403: an approver or admin without one decides nothing. */
function approverOf(res: Response): ConsoleSession & { approverId: string } {
  const session = requireRole(res, 'approver', 'admin');
  if (!session.approverId) throw new HttpError(403, 'no_approver_id', `${session.email} has no approver id; an operator sets one on the account`);
  return session as ConsoleSession & { approverId: string };
}

export function consoleApprovalsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/console/api/approvals', requireConsoleSession(deps.pool), express.json({ limit: '16kb' }));

  router.get('/console/api/approvals', async (_req, res) => {
    const session = requireRole(res, 'approver', 'admin');
    if (!session.approverId) {
      res.json({ approverId: null, approvals: [], people: {} });
      return;
    }
    const rows = await openApprovalRequestsFor(deps.pool, session.tenantId, session.approverId);
    // Excluded (the incident's requester: no self-approval) and never eligible: not in this inbox.
    const open = rows.filter((r) => !decisionRefusal(r, { approver: session.approverId!, requestId: r.requestId }, Date.now()));
    const approvals = open
      .map((r) => ({
        workflowId: r.workflowId, requestId: r.requestId, quorum: r.quorum, approvers: r.approvers,
        expiresAt: r.expiresAt.toISOString(), createdAt: r.createdAt.toISOString(), summary: r.summary,
      }));
    // Approvers are Slack user ids; the tenant's accounts that decide as them name them on the page.
    const people = await emailsByApproverId(deps.pool, session.tenantId, open.flatMap((r) => [...r.approvers, ...r.excluded.map((e) => e.approver)]));
    res.json({ approverId: session.approverId, approvals, people });
  });

  router.post('/console/api/approvals/:workflowId/decision', async (req, res) => {
    const session = approverOf(res);
    const body = parseOr422(decisionSchema, req.body ?? {}, 'invalid decision');
    const workflowId = req.params.workflowId;
    const request = await latestApprovalRequest(deps.pool, workflowId);
    // Another tenant's run is not there at all for this account.
    if (!request || request.tenantId !== session.tenantId) throw new HttpError(404, 'run_not_found', `no run with id ${workflowId}`);
    const decision = { approver: session.approverId, decision: body.decision, requestId: body.requestId, ...(body.reason ? { reason: body.reason } : {}) };
    const refusal = decisionRefusal(request, decision, Date.now());
    if (refusal) {
      await appendAudit(deps.pool, {
        tenantId: request.tenantId, workflowId: request.workflowId, type: 'approval.refused', outcome: 'refused', actor: session.approverId,
        detail: { requestId: request.requestId, reason: refusal.message, code: refusal.code, channel: 'console', account: session.email },
      });
      throw refusal;
    }
    const handle = deps.temporal.workflow.getHandle(workflowId, request.runId ?? undefined);
    try {
      await handle.signal(decideSignal, { ...decision, requestId: request.requestId, channel: 'console' });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw noOpenRequest('the run has ended');
      throw err;
    }
    res.status(202).json({ status: 'submitted', requestId: request.requestId, note: 'the run records the decision; it leaves the inbox once the run closes the request' });
  });

  return router;
}
