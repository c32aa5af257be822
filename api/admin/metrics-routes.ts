/**
 * GET /admin/metrics — this API process's intake figures for operators: inbound refusals by
 * connector and class since the process started (every one, including the rate refusals the
 * audit trail only samples), and the trigger inbox (accepted events not yet handed to their
 * run, the oldest one's age, events this process handed over). Per process: behind a load
 * balancer, ask each replica.
 */
import { Router } from 'express';
import { inboxBacklog } from '../../db/trigger-inbox-repo';
import type { ApiDeps } from '../deps';
import { inboundMetrics } from '../webhooks/inbound-metrics';

export function metricsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/admin/metrics', async (_req, res) => {
    const backlog = await inboxBacklog(deps.pool);
    res.json({
      process: { pid: process.pid, uptimeSeconds: Math.round(process.uptime()) },
      inboundRefusals: inboundMetrics.snapshot(),
      triggerInbox: { ...backlog, forwardedByThisProcess: deps.triggerInbox?.forwarded ?? null },
    });
  });
  return router;
}
