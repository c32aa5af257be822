/**
 * Revert from the console's run page, for the signed-in account's tenant only.
 *
 * GET  /console/api/runs/:workflowId/revert — what a revert would put back (the fields of the
 *      run's latest writes that can be reverted, each with the value it replaced) and the latest
 *      revert asked for this run with its status. Any role; read from PostgreSQL only.
 * POST /console/api/runs/:workflowId/revert `{ reason, runId? }` — admins only: starts the revert
 *      run through the same startRevert as the admin API and Slack, so its refusals (run still
 *      open, nothing to revert, a revert already open) answer alike. The revert run itself asks
 *      for approval like any write and records the request with the account's e-mail as actor.
 *
 * A run of another tenant, or none, is a 404: ownership comes from the tenant's audit trail,
 * never from asking a worker.
 */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { revertReasonMaxLength, revertReasonMinLength } from '../../connectors/slack/revert-modal';
import { listAudit } from '../../db/audit-repo';
import { latestRevertOf } from '../../db/console-reverts-repo';
import { listWrites } from '../../db/write-log-repo';
import { startRevert } from '../../runs/start-revert';
import { revertibleWrites } from '../../triage/propose-revert';
import { parseRunWorkflowId, revertWorkflowId } from '../../workflows/triage-ids';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { consoleSessionOf, requireConsoleSession, requireRole } from './console-session';

const revertSchema = z.object({
  reason: z.string().trim()
    .min(revertReasonMinLength, `say in a few words why the change should be undone (at least ${revertReasonMinLength} characters)`)
    .max(revertReasonMaxLength, `keep the reason under ${revertReasonMaxLength} characters`),
  // The run whose writes the page showed; the latest run of the id when absent.
  runId: z.string().uuid().optional(),
});

/** What the page shows before and after asking. */
export interface RevertView {
  /** The triage run whose writes would be put back (the latest one that wrote), or null. */
  runId: string | null;
  /** Each field a revert would put back: from the value written to the value it replaced. */
  restores: Array<{ action: string; field: string; from: string | null; to: string | null }>;
  revert: {
    workflowId: string; triageRunId: string | null; requestedBy: string | null; reason: string | null;
    requestedAt: Date; status: string; updatedAt: Date;
  } | null;
  reasonLength: { min: number; max: number };
}

const notFound = (workflowId: string) => new HttpError(404, 'run_not_found', `no run with id ${workflowId}`);

/** 404 unless the run is on the session tenant's audit trail (and its id names that tenant). */
async function ownRun(deps: ApiDeps, req: Request, res: Response): Promise<{ tenantId: string; workflowId: string; tenantSlug: string }> {
  const { tenantId, tenantSlug } = consoleSessionOf(res);
  const workflowId = String(req.params['workflowId']);
  const parts = parseRunWorkflowId(workflowId);
  if (parts && parts.tenantSlug !== tenantSlug) throw notFound(workflowId);
  const [event] = await listAudit(deps.pool, { tenantId, workflowId, limit: 1 });
  if (!event) throw notFound(workflowId);
  return { tenantId, workflowId, tenantSlug };
}

export function consoleRevertRouter(deps: ApiDeps): Router {
  const router = Router();
  const path = '/console/api/runs/:workflowId/revert';
  router.use(path, requireConsoleSession(deps.pool), express.json({ limit: '16kb' }));

  router.get(path, async (req, res) => {
    const { tenantId, workflowId, tenantSlug } = await ownRun(deps, req, res);
    const parts = parseRunWorkflowId(workflowId);
    // Only a triage run is reverted (a revert is undone by triaging again): nothing to offer otherwise.
    if (parts?.kind !== 'triage') {
      const view: RevertView = { runId: null, restores: [], revert: null, reasonLength: { min: revertReasonMinLength, max: revertReasonMaxLength } };
      res.json(view);
      return;
    }
    const [writes, revert] = await Promise.all([
      listWrites(deps.pool, { tenantId, workflowId }),
      latestRevertOf(deps.pool, { tenantId, revertWorkflowId: revertWorkflowId(tenantSlug, parts.sysId), triageWorkflowId: workflowId }),
    ]);
    const runId = writes[writes.length - 1]?.runId ?? null;
    const restores = revertibleWrites(writes.filter((w) => w.runId === runId))
      .map((w) => ({ action: w.action, field: w.field, from: w.afterValue, to: w.beforeValue }));
    const view: RevertView = { runId, restores, revert: revert ?? null, reasonLength: { min: revertReasonMinLength, max: revertReasonMaxLength } };
    res.json(view);
  });

  // Refusals (RunRefusedError) reach the error handler, which answers them with their status.
  router.post(path, async (req, res) => {
    const session = requireRole(res, 'admin');
    const { workflowId } = await ownRun(deps, req, res);
    const body = parseOr422(revertSchema, req.body ?? {}, 'invalid revert request');
    const started = await startRevert(deps, {
      triageWorkflowId: workflowId, requestedBy: session.email, reason: body.reason,
      // The account decides approvals as this Slack user: it may not approve its own revert there either.
      ...(session.approverId ? { requesterApproverId: session.approverId } : {}),
      ...(body.runId ? { triageRunId: body.runId } : {}),
    });
    res.status(202).json({
      status: 'approval_requested', workflowId: started.workflowId, reverts: { workflowId, runId: started.triageRunId },
      note: 'the revert waits for an approver in Slack or the console inbox',
    });
  });

  return router;
}
