/**
 * The baseline's HTTP front: a bare node:http server with what any receiver must do and
 * nothing more. POST /webhook verifies the Standard Webhooks signature, drops echoes of the
 * integration's own writes, and starts the run with signalWithStart; POST /slack verifies the
 * Slack v0 signature and signals the click before answering (so a 200 means the decision is in
 * Temporal, the product's rule too).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import { approveSignal, webhookSignal, type baselineRun } from './baseline-workflow';

export interface BaselineEndpointConfig {
  client: Client;
  taskQueue: string;
  webhookSecret: string;
  signingSecret: string;
  integrationUser: string;
}

const SLACK_TOLERANCE_SECONDS = 300;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body?: Record<string, unknown>): void {
  res.writeHead(status, body ? { 'content-type': 'application/json' } : {});
  res.end(body ? JSON.stringify(body) : '');
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function slackSignatureValid(secret: string, req: IncomingMessage, body: string): boolean {
  const timestamp = Number(header(req, 'x-slack-request-timestamp'));
  if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > SLACK_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`);
  const given = Buffer.from(header(req, 'x-slack-signature'));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function startBaselineEndpoint(config: BaselineEndpointConfig, port: number): Promise<Server> {
  const verifier = new Webhook(config.webhookSecret);

  const webhook = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    let event: { sys_id?: unknown; sys_updated_by?: unknown };
    try {
      event = verifier.verify(body, {
        'webhook-id': header(req, 'webhook-id'), 'webhook-timestamp': header(req, 'webhook-timestamp'), 'webhook-signature': header(req, 'webhook-signature'),
      }) as typeof event;
    } catch {
      send(res, 401, { error: 'invalid_signature' });
      return;
    }
    if (typeof event.sys_id !== 'string' || !/^[0-9a-f]{32}$/.test(event.sys_id)) {
      send(res, 422, { error: 'invalid_payload' });
      return;
    }
    if (event.sys_updated_by === config.integrationUser) {
      send(res, 202, { status: 'ignored', reason: 'echo' });
      return;
    }
    const workflowId = `baseline-${event.sys_id}`;
    await config.client.workflow.signalWithStart<typeof baselineRun>('baselineRun', {
      workflowId, taskQueue: config.taskQueue, args: [{ sysId: event.sys_id }], signal: webhookSignal, signalArgs: [],
    });
    send(res, 202, { status: 'accepted', workflowId });
  };

  const click = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    if (!slackSignatureValid(config.signingSecret, req, body)) {
      send(res, 401, { error: 'invalid_signature' });
      return;
    }
    const payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as { user?: { id?: unknown }; actions?: Array<{ value?: unknown }> };
    const workflowId = payload.actions?.[0]?.value;
    const userId = payload.user?.id;
    if (typeof workflowId !== 'string' || typeof userId !== 'string') {
      send(res, 400, { error: 'invalid_payload' });
      return;
    }
    await config.client.workflow.getHandle(workflowId).signal(approveSignal, userId);
    send(res, 200);
  };

  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { ok: true });
        if (req.method !== 'POST') return send(res, 404, { error: 'not_found' });
        const body = await readBody(req);
        if (req.url === '/webhook') return await webhook(req, res, body);
        if (req.url === '/slack') return await click(req, res, body);
        return send(res, 404, { error: 'not_found' });
      } catch (err) {
        send(res, 500, { error: err instanceof Error ? err.message : 'failed' });
      }
    })();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
