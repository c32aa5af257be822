/**
 * The console's Runs pages, for the signed-in account's tenant only: the tenant's runs from its
 * audit trail (filter by latest status and incident; a page at a time, by cursor), and one run
 * with its timeline of audit events, the proposed actions, the changes written with the values
 * they replaced, and who could and did approve. Read from PostgreSQL only: no Temporal call on
 * these requests (a run of another tenant, or none, is a 404). The Temporal UI link is built only
 * when GATEHOUSE_TEMPORAL_UI_URL is set.
 */
import { Router } from 'express';
import { z } from 'zod';
import { latestApprovalRequest } from '../../db/approval-requests-repo';
import { listAudit } from '../../db/audit-repo';
import { emailsByApproverId } from '../../db/console-accounts-repo';
import { listRuns, listRunsPage, RUNS_PAGE_MAX, type RunKey } from '../../db/console-runs-repo';
import { listWrites } from '../../db/write-log-repo';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { consoleSessionOf, requireConsoleSession } from './console-session';
import { cursorParam, encodeCursor, pageLimitParam } from './page-cursor';


/** A run's place in the list, as its cursor carries it: the exact last-update text the list gave, and the run id. */
const runKeySchema: z.ZodType<RunKey> = z.object({
  updatedAt: z.string().regex(/^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    // A real instant (no year 0, no 31 February), so PostgreSQL never gets a time it refuses.
    .refine((v) => { const d = new Date(`${v.slice(0, 23)}Z`); return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 23) === v.slice(0, 23); }),
  workflowId: z.string().min(1).max(500),
}).strict();

const runsQuerySchema = z.object({
  status: z.string().trim().regex(/^[a-z_]{1,40}$/, 'a run status such as completed or awaiting_approval').optional().or(z.literal('').transform(() => undefined)),
  incident: z.string().trim().max(100).optional().transform((v) => (v ? v : undefined)),
  limit: pageLimitParam(RUNS_PAGE_MAX),
  before: cursorParam(runKeySchema),
});

/** Events a run page shows at most (the admin API's run audit reads as many). */
const RUN_EVENTS_MAX = 1000;

/** The run in the Temporal UI, when the operator said where that UI is. */
export function temporalUiLink(workflowId: string, runId?: string | null): string | null {
  const base = process.env['GATEHOUSE_TEMPORAL_UI_URL']?.trim();
  if (!base) return null;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const namespace = process.env['TEMPORAL_NAMESPACE']?.trim() || 'default';
  const root = url.href.replace(/\/+$/, '');
  return `${root}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${encodeURIComponent(runId)}/history` : ''}`;
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export function consoleRunsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/console/api/runs', requireConsoleSession(deps.pool));

  router.get('/console/api/runs', async (req, res) => {
    const { tenantId } = consoleSessionOf(res);
    const query = parseOr422(runsQuerySchema, req.query, 'invalid runs query');
    const page = await listRunsPage(deps.pool, { tenantId, status: query.status, incident: query.incident, limit: query.limit, after: query.before });
    res.json({ runs: page.runs, next: page.next ? encodeCursor(page.next) : null });
  });

  router.get('/console/api/runs/:workflowId', async (req, res) => {
    const { tenantId } = consoleSessionOf(res);
    const workflowId = req.params.workflowId;
    const events = await listAudit(deps.pool, { tenantId, workflowId, limit: RUN_EVENTS_MAX });
    if (events.length === 0) throw new HttpError(404, 'run_not_found', `no run with id ${workflowId}`);
    const [writes, request] = await Promise.all([
      listWrites(deps.pool, { tenantId, workflowId }),
      latestApprovalRequest(deps.pool, workflowId),
    ]);
    const [summary] = await listRuns(deps.pool, { tenantId, workflowId, limit: 1 });
    const requested = [...events].reverse().find((e) => e.type === 'approval.requested');
    const decided = [...events].reverse().find((e) => e.type === 'approval.approved' || e.type === 'approval.denied');
    const runId = writes[writes.length - 1]?.runId ?? (request && request.tenantId === tenantId ? request.runId : null);
    // Approvers are Slack user ids; the tenant's accounts that decide as one of them name it for the page.
    const ownRequest = request && request.tenantId === tenantId ? request : undefined;
    const slackIds = ownRequest ? [...ownRequest.approvers, ...ownRequest.excluded.map((e) => e.approver), ...stringList(decided?.detail['approvers'])] : [];
    const people = await emailsByApproverId(deps.pool, tenantId, slackIds);
    res.json({
      workflowId,
      incident: summary?.incident ?? null,
      status: summary?.status ?? 'received',
      startedAt: events[0]!.createdAt,
      updatedAt: events[events.length - 1]!.createdAt,
      truncated: events.length === RUN_EVENTS_MAX,
      events,
      proposed: requested ? { actions: stringList(requested.detail['actions']), requestedAt: requested.createdAt, policyRevision: requested.detail['policyRevision'] ?? null } : null,
      changes: writes.map((w) => ({
        action: w.action, field: w.field, before: w.beforeValue, after: w.afterValue, status: w.status, incidentSysId: w.incidentSysId, runId: w.runId, at: w.createdAt,
      })),
      approval: request && request.tenantId === tenantId
        ? {
          requestId: request.requestId, status: request.status, quorum: request.quorum, eligible: request.approvers, excluded: request.excluded,
          expiresAt: request.expiresAt,
          decision: decided ? { decision: decided.type === 'approval.approved' ? 'approve' : 'deny', by: decided.actor, approvers: stringList(decided.detail['approvers']), at: decided.createdAt } : null,
          votes: events.filter((e) => e.type === 'approval.vote').map((e) => ({ approver: e.actor, at: e.createdAt })),
        }
        : null,
      temporalUiUrl: temporalUiLink(workflowId, runId),
      people,
    });
  });

  return router;
}
