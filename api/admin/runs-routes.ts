/**
 * Admin API for runs: live state (the workflow's `state` query), a decision (POST only; refused
 * with the reason when the recorded request shows it cannot count, otherwise relayed as the
 * `decide` signal and judged by the run like any other), the run's audit trail, and the
 * revert of a closed triage run (itself an approval run).
 */
import express, { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { latestApprovalRequest } from '../../db/approval-requests-repo';
import { appendAudit, listAudit } from '../../db/audit-repo';
import { startRevert } from '../../runs/start-revert';
import { decideSignal, stateQuery } from '../../workflows/messages';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { decisionRefusal, noOpenRequest } from './decision-refusal';

const decisionSchema = z.object({
  approver: z.string().min(1).max(100),
  decision: z.enum(['approve', 'deny']),
  requestId: z.string().min(1).max(100).optional(),
  reason: z.string().max(1000).optional(),
});

const revertSchema = z.object({
  // A Slack user id: the person asking may not approve their own revert.
  requestedBy: z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'requestedBy: the Slack user id of the person asking (e.g. U0123ABCD)'),
  reason: z.string().trim().min(1).max(500),
  runId: z.string().uuid().optional(),
});

export function runsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/admin', express.json({ limit: '64kb' }));

  const notFound = (id: string) => new HttpError(404, 'run_not_found', `no run with id ${id}`);

  router.get('/admin/runs/:workflowId', async (req, res) => {
    const handle = deps.temporal.workflow.getHandle(req.params.workflowId);
    try {
      const description = await handle.describe();
      const state = await handle.query(stateQuery);
      res.json({ workflowId: req.params.workflowId, execution: description.status.name, state });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(req.params.workflowId);
      throw err;
    }
  });

  router.post('/admin/runs/:workflowId/decision', async (req, res) => {
    const parsed = decisionSchema.safeParse(req.body);
    if (!parsed.success) throw new HttpError(422, 'invalid_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    // No worker query here: the request as recorded when it was posted says whether this
    // decision can count at all; the run still judges every decision it receives.
    const request = await latestApprovalRequest(deps.pool, req.params.workflowId);
    if (!request) throw noOpenRequest();
    const refusal = decisionRefusal(request, parsed.data, Date.now());
    if (refusal) {
      // On the run's trail as the run itself would have recorded it, had it been asked.
      await appendAudit(deps.pool, {
        tenantId: request.tenantId, workflowId: request.workflowId, type: 'approval.refused', outcome: 'refused', actor: parsed.data.approver,
        detail: { requestId: request.requestId, reason: refusal.message, code: refusal.code, channel: 'api' },
      });
      throw refusal;
    }
    // Addressed to the run and request the approver could have seen, not whatever has the id now.
    const handle = deps.temporal.workflow.getHandle(req.params.workflowId, request.runId ?? undefined);
    try {
      await handle.signal(decideSignal, { ...parsed.data, requestId: request.requestId, channel: 'api' });
    } catch (err) {
      // The run ended without closing its request (it failed, or was terminated): nothing to decide.
      if (err instanceof WorkflowNotFoundError) throw noOpenRequest('the run has ended');
      throw err;
    }
    res.status(202).json({ status: 'submitted', requestId: request.requestId, note: 'the run records the decision; read the run state for the outcome' });
  });

  // Refusals (RunRefusedError) reach the error handler, which answers them with their status.
  router.post('/admin/runs/:workflowId/revert', async (req, res) => {
    const body = parseOr422(revertSchema, req.body ?? {}, 'invalid revert request');
    const started = await startRevert(deps, {
      triageWorkflowId: req.params.workflowId, requestedBy: body.requestedBy, reason: body.reason,
      ...(body.runId ? { triageRunId: body.runId } : {}),
    });
    res.status(202).json({
      status: 'approval_requested', workflowId: started.workflowId, reverts: { workflowId: req.params.workflowId, runId: started.triageRunId },
      note: 'the revert is approved in Slack like any write; read /admin/runs/<workflowId> for its state',
    });
  });

  router.get('/admin/runs/:workflowId/audit', async (req, res) => {
    res.json({ events: await listAudit(deps.pool, { workflowId: req.params.workflowId, limit: 1000 }) });
  });

  return router;
}
