/**
 * A ServiceNow webhook end to end over HTTP, against the real route: rate limit, raw body,
 * tenant-blind Standard Webhooks verification (route token and secret lookups), replay check,
 * payload schema, tenant settings, delivery record and audit event. The events are the
 * integration user's echoes, so the route does everything but start a Temporal run. Baseline:
 * the same express app and body parser answering 202 at once — what HTTP alone costs.
 * Also reports the heap retained per 1,000 requests by each, after a full GC.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import express from 'express';
import pino from 'pino';
import type { Pool } from 'pg';
import type { ApiDeps } from '../api/deps';
import { errorHandler } from '../api/http-error';
import { InboundRateLimiter } from '../api/webhooks/inbound-rate-limit';
import { serviceNowWebhookRouter } from '../api/webhooks/servicenow-route';
import { signStandardWebhook, standardWebhookKey } from '../api/webhooks/verify-standard-webhook';
import { rawBody } from '../api/webhooks/webhook-body';
import { AuditLinks } from '../audit/audit-links';
import { defaultRegistryOptions, loadConnectorRegistry } from '../connectors/framework/registry';
import { issueRouteToken } from '../db/route-tokens-repo';
import { SecretBox } from '../db/secret-box';
import { putSecret } from '../db/secrets-repo';
import { createTenant } from '../db/tenants-repo';
import { createReconcileSchedules } from '../temporal/reconcile-schedule-sync';
import { compare, type BenchSettings, type Comparison } from './comparison';

const integrationUser = 'gatehouse.integration';

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return process.memoryUsage().heapUsed;
}

export async function webhookRouteBench(pool: Pool, settings: BenchSettings): Promise<Comparison[]> {
  const masterKey = randomBytes(32);
  const box = new SecretBox(masterKey);
  const tenant = await createTenant(pool, {
    slug: 'bench-webhooks', name: 'Webhook bench',
    settings: { servicenow: { instanceUrl: 'https://bench.service-now.com', username: integrationUser }, slack: { channel: 'C0BENCH' }, approvals: { approvers: ['U0BENCH'] } },
  });
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  await putSecret(pool, box, tenant.id, 'servicenow_webhook_secret', secret);
  const token = await issueRouteToken(pool, tenant.id, 'servicenow');
  const logger = pino({ level: 'silent' });
  const deps: ApiDeps = {
    pool, secrets: box, urlPolicy: { allowedPrivateOrigins: [] }, logger,
    // Never called: echo events start no run. A Client connects lazily, on first use.
    temporal: new Client(), taskQueue: 'bench', auditLinks: new AuditLinks(masterKey, 'http://127.0.0.1'), adminToken: randomBytes(16).toString('hex'),
    publicBaseUrl: 'http://127.0.0.1', registry: await loadConnectorRegistry({ ...(await defaultRegistryOptions()), trustDevelopmentKeys: true }),
    reconcileSchedules: createReconcileSchedules({ pool, logger, taskQueue: 'bench', temporal: undefined }),
  };
  const app = express();
  app.post('/baseline/:routeToken', rawBody('256kb'), (_req, res) => void res.status(202).json({ status: 'accepted' }));
  app.use(serviceNowWebhookRouter(deps, { limiter: new InboundRateLimiter({ requestsPerSecond: 1e9, burst: 1e9 }) }));
  app.use(errorHandler(logger));
  const { server, url } = await listen(app);

  const key = standardWebhookKey(secret);
  let n = 0;
  const send = async (path: string): Promise<void> => {
    n += 1;
    const body = Buffer.from(JSON.stringify({ table: 'incident', sys_id: randomBytes(16).toString('hex'), number: `INC${n}`, event: 'updated', sys_updated_by: integrationUser }));
    const ids = { id: `msg_bench_${n}_${randomBytes(4).toString('hex')}`, timestamp: String(Math.floor(Date.now() / 1000)) };
    const res = await fetch(`${url}${path}`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'webhook-id': ids.id, 'webhook-timestamp': ids.timestamp, 'webhook-signature': signStandardWebhook(key, ids, body) },
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`benchmark request answered ${res.status}`);
  };
  const baseline = { name: 'express + raw body, 202 at once', fn: () => send(`/baseline/${token}`) };
  const subject = { name: 'ServiceNow webhook route (echo, recorded + audited)', fn: () => send(`/webhooks/servicenow/${token}`) };
  try {
    const timing = await compare('webhook intake (HTTP + database)', settings, baseline, subject);
    const retainedPer1000 = async (fn: () => Promise<void>, count: number) => {
      const before = heapAfterGc();
      for (let i = 0; i < count; i++) await fn();
      return ((heapAfterGc() - before) / count) * 1000;
    };
    const count = settings.timeMs >= 1000 ? 2000 : 100;
    const baseHeap = await retainedPer1000(baseline.fn, count);
    const routeHeap = await retainedPer1000(subject.fn, count);
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    timing.notes = `heap retained per 1,000 requests: route ${kb(routeHeap)}, baseline ${kb(baseHeap)}`
      + ((globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for exact figures)');
    return [timing];
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  }
}
