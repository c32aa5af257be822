/**
 * Inbound webhook security against the real routes, PostgreSQL and a Temporal test server:
 * every rejection class is answered and audited; replays inside and outside the timestamp
 * window; route-token probing gets the bad-signature answer (same bytes, similar time);
 * route-token and secret rotation overlaps; per-route rate limits; GitHub and custom webhooks.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import express, { type Express } from 'express';
import { Webhook } from 'standardwebhooks';
import { webhookAdminRouter } from '../../api/admin/webhook-admin-routes';
import type { ApiDeps } from '../../api/deps';
import { errorHandler } from '../../api/http-error';
import { customWebhookRouter } from '../../api/webhooks/custom-webhook-route';
import { githubWebhookRouter } from '../../api/webhooks/github-route';
import { InboundRateLimiter } from '../../api/webhooks/inbound-rate-limit';
import { serviceNowWebhookRouter } from '../../api/webhooks/servicenow-route';
import type { WebhookRouteOptions } from '../../api/webhooks/webhook-route-options';
import { signStandardWebhook, standardWebhookKey } from '../../api/webhooks/verify-standard-webhook';
import { AuditLinks } from '../../audit/audit-links';
import { defaultRegistryOptions, loadConnectorRegistry } from '../../connectors/framework/registry';
import { listAudit, type AuditEvent } from '../../db/audit-repo';
import { createTestDatabase, type Database } from '../../db/database';
import { issueRouteToken, revokeRouteToken } from '../../db/route-tokens-repo';
import { SecretBox } from '../../db/secret-box';
import { putSecret } from '../../db/secrets-repo';
import { createTenant } from '../../db/tenants-repo';
import { startRuntime, type Runtime } from '../../runtime/gatehouse-runtime';
import { createReconcileSchedules } from '../../temporal/reconcile-schedule-sync';
import { createTimeSkippingEnv } from '../../temporal/test-environments';
import { bundleWorkflows } from '../../temporal/worker';
import type { TenantSettingsInput } from '../../tenancy/tenant-settings';
import type { CustomWebhookEventSummary } from '../../workflows/custom-webhook-event';
import { capturedLogger } from '../support/captured-logger';
import { sendGitHubWebhook } from '../simulators/github/webhook-sender';
import { simulatorUrlPolicy } from '../../scripts/local-stack/simulator-url-policy';

const integrationUser = 'gatehouse.integration';

interface Tenant {
  id: string;
  slug: string;
  /** Route tokens by connector. */
  tokens: Record<'servicenow' | 'github' | 'custom', string>;
  secrets: Record<'servicenow' | 'github' | 'custom', string>;
}

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

/** A Standard Webhooks request as a sender builds it, replayable byte for byte. */
interface StandardRequest {
  headers: Record<string, string>;
  body: string;
}

let env: TestWorkflowEnvironment;
let db: Database;
let deps: ApiDeps;
let runtime: Runtime;
let server: Server;
let baseUrl: string;
let adminToken: string;
let logLines: string[];
const handedOut: string[] = [];
/** Added to the webhook routes' wall clock, to replay a request "later". */
let clockOffsetMs = 0;
const acme = {} as Tenant;
const globex = {} as Tenant;

function settings(): TenantSettingsInput {
  // Never contacted: these tests start no triage (ServiceNow events are the integration's echoes).
  return {
    servicenow: { instanceUrl: 'http://127.0.0.1:9/', auth: 'basic', username: integrationUser },
    slack: { apiBaseUrl: 'http://127.0.0.1:9/api/', channel: 'C0APPROVALS' },
    approvals: { approvers: ['U0ALICE0001'] },
  };
}

async function addTenant(target: Tenant, slug: string, box: SecretBox): Promise<void> {
  const row = await createTenant(db.pool, { slug, name: slug, settings: settings() });
  const secrets = {
    servicenow: `whsec_${randomBytes(32).toString('base64')}`,
    github: randomBytes(20).toString('hex'),
    custom: `whsec_${randomBytes(32).toString('base64')}`,
  };
  await putSecret(db.pool, box, row.id, 'servicenow_webhook_secret', secrets.servicenow);
  await putSecret(db.pool, box, row.id, 'github_webhook_secret', secrets.github);
  await putSecret(db.pool, box, row.id, 'custom_webhook_secret', secrets.custom);
  const tokens = {
    servicenow: await issueRouteToken(db.pool, row.id, 'servicenow'),
    github: await issueRouteToken(db.pool, row.id, 'github'),
    custom: await issueRouteToken(db.pool, row.id, 'custom'),
  };
  handedOut.push(...Object.values(secrets), ...Object.values(secrets).map((s) => s.replace(/^whsec_/, '')), ...Object.values(tokens));
  Object.assign(target, { id: row.id, slug: row.slug, tokens, secrets });
}

/** The webhook and webhook-admin routers on one express app, as api/app.ts mounts them. */
function webhookApp(deps: ApiDeps, options: WebhookRouteOptions): Express {
  const app = express();
  app.use(serviceNowWebhookRouter(deps, options));
  app.use(githubWebhookRouter(deps, options));
  app.use(customWebhookRouter(deps, options));
  app.use(webhookAdminRouter(deps));
  app.use(errorHandler(deps.logger));
  return app;
}

async function listen(app: Express): Promise<{ server: Server; url: string }> {
  const s = await new Promise<Server>((resolve) => { const srv = app.listen(0, '127.0.0.1', () => resolve(srv)); });
  return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
}

before(async () => {
  const [e, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
  env = e;
  db = await createTestDatabase();
  const masterKey = randomBytes(32);
  const box = new SecretBox(masterKey);
  const captured = capturedLogger();
  logLines = captured.lines;
  adminToken = `admin-${randomBytes(16).toString('hex')}`;
  handedOut.push(adminToken);
  const taskQueue = `webhook-security-${randomBytes(4).toString('hex')}`;
  // The runtime provides the worker (customWebhookEvent runs there); the webhook routes are
  // served by the app below, with test knobs (a clock offset, a rate limiter).
  runtime = await startRuntime({
    pool: db.pool, secrets: box, masterKey, logger: captured.logger, temporalClient: env.client,
    workerConnection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, adminToken,
    urlPolicy: simulatorUrlPolicy, workflowBundle: bundle, trustDevelopmentKeys: true, manageSchedules: false,
  });
  const registry = await loadConnectorRegistry({ ...(await defaultRegistryOptions()), trustDevelopmentKeys: true });
  const app = express();
  const listening = await listen(app);
  server = listening.server;
  baseUrl = listening.url;
  deps = {
    pool: db.pool, secrets: box, urlPolicy: simulatorUrlPolicy, logger: captured.logger.child({ component: 'api' }),
    temporal: env.client, taskQueue, auditLinks: new AuditLinks(masterKey, baseUrl), adminToken, publicBaseUrl: baseUrl,
    registry, webhookToleranceSeconds: 300,
    reconcileSchedules: createReconcileSchedules({ pool: db.pool, logger: captured.logger, taskQueue, temporal: undefined }),
  };
  // A limiter whose clock never moves and whose burst is huge: only the rate test meets limits.
  app.use(webhookApp(deps, { limiter: new InboundRateLimiter({ requestsPerSecond: 1, burst: 100_000 }, () => 0), now: () => Date.now() + clockOffsetMs }));
  await addTenant(acme, 'acme', box);
  await addTenant(globex, 'globex', box);
});

after(async () => {
  await new Promise<void>((resolve) => { if (server) server.close(() => resolve()); else resolve(); });
  server?.closeAllConnections();
  await runtime?.stop();
  await db?.close();
  await env?.teardown();
});

const url = (connector: string, token: string) => `${baseUrl}/webhooks/${connector}/${token}`;
const unknownToken = () => randomBytes(32).toString('base64url');

/** Builds a signed request; `secrets` sign it together (one `v1,` entry each). */
function signed(secrets: string[], payload: unknown, opts: { id?: string; at?: Date; rawBody?: string; contentType?: string } = {}): StandardRequest {
  const id = opts.id ?? `msg_${randomUUID()}`;
  const at = opts.at ?? new Date();
  const body = opts.rawBody ?? JSON.stringify(payload);
  return {
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' '),
    },
    body,
  };
}

async function post(target: string, request: StandardRequest): Promise<Answer> {
  const res = await fetch(target, { method: 'POST', headers: request.headers, body: request.body });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function admin(path: string, body: unknown, method = 'POST'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const errorCode = (answer: Answer) => (JSON.parse(answer.text) as { error?: { code?: string } }).error?.code;

async function rejectionsSince(id: string | undefined): Promise<AuditEvent[]> {
  return listAudit(db.pool, { type: 'webhook.rejected', limit: 10_000, ...(id ? { afterId: id } : {}) });
}

async function lastAuditId(): Promise<string | undefined> {
  const all = await listAudit(db.pool, { limit: 10_000 });
  return all.at(-1)?.id;
}

/** An event of the integration user: accepted and recorded, but starts no triage run. */
const echoEvent = () => ({ table: 'incident', sys_id: randomBytes(16).toString('hex'), number: 'INC0010001', event: 'updated', sys_updated_by: integrationUser });

describe('Standard Webhooks signatures', () => {
  it('matches the specification\'s known-answer vector', () => {
    const key = standardWebhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const signature = signStandardWebhook(key, { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: '1614265330' }, Buffer.from('{"test": 2432232314}'));
    assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('inbound rate limiter', () => {
  it('admits a burst, then refuses with a Retry-After until tokens refill, per key', () => {
    let now = 0;
    const limiter = new InboundRateLimiter({ requestsPerSecond: 2, burst: 3, auditIntervalMs: 1000 }, () => now);
    for (let i = 0; i < 3; i++) assert.equal(limiter.take('a').allowed, true);
    const refused = limiter.take('a');
    assert.deepEqual(refused, { allowed: false, retryAfterSeconds: 1, audit: true, suppressed: 0 });
    assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 1, audit: false, suppressed: 1 });
    assert.equal(limiter.take('b').allowed, true, 'another key has its own bucket');
    now = 500;
    assert.equal(limiter.take('a').allowed, true, 'one token back after half a second at 2/s');
    now = 1200;
    assert.deepEqual(limiter.take('a'), { allowed: true });
    assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 1, audit: true, suppressed: 1 });
  });

  it('takes per-key limits, a lowered burst capping the tokens at once', () => {
    let now = 0;
    const limiter = new InboundRateLimiter({ requestsPerSecond: 1, burst: 1 }, () => now);
    const wide = { requestsPerSecond: 10, burst: 5 };
    for (let i = 0; i < 5; i++) assert.equal(limiter.take('tenant', wide).allowed, true, `token ${i} of a burst of 5`);
    assert.equal(limiter.take('tenant', wide).allowed, false);
    now = 1000;
    assert.equal(limiter.take('tenant', { requestsPerSecond: 10, burst: 2 }).allowed, true, 'refilled, but only up to the new burst');
    assert.equal(limiter.take('tenant', { requestsPerSecond: 10, burst: 2 }).allowed, true);
    const refused = limiter.take('tenant', { requestsPerSecond: 0.1, burst: 2 });
    assert.deepEqual(refused.allowed ? undefined : refused.retryAfterSeconds, 10, 'Retry-After follows the bucket\'s own rate');
    assert.throws(() => limiter.take('x', { requestsPerSecond: 0, burst: 1 }), RangeError);
  });

  it('keeps at most maxRoutes buckets', () => {
    const limiter = new InboundRateLimiter({ requestsPerSecond: 1, burst: 1, maxRoutes: 100 }, () => 0);
    for (let i = 0; i < 1000; i++) limiter.take(`k${i}`);
    assert.equal(limiter.size, 100);
  });
});

describe('webhook rejections', () => {
  it('answers and audits each rejection class without the secret or the body', async () => {
    const target = url('custom', acme.tokens.custom);
    const marker = `body-marker-${randomBytes(8).toString('hex')}`;
    const cases: Array<{ name: string; send: () => Promise<Answer>; status: number; code: string; audited: string; reason: string }> = [
      { name: 'bad signature', send: () => post(target, signed([`whsec_${randomBytes(32).toString('base64')}`], { marker })), status: 401, code: 'invalid_signature', audited: 'signature', reason: 'signature_mismatch' },
      { name: 'missing signature headers', send: () => post(target, { headers: { 'content-type': 'application/json' }, body: '{}' }), status: 400, code: 'missing_signature_headers', audited: 'signature', reason: 'missing_signature_headers' },
      { name: 'stale timestamp', send: () => post(target, signed([acme.secrets.custom], { marker }, { at: new Date(Date.now() - 10 * 60_000) })), status: 401, code: 'stale_timestamp', audited: 'replay', reason: 'outside_tolerance_window' },
      { name: 'future timestamp', send: () => post(target, signed([acme.secrets.custom], { marker }, { at: new Date(Date.now() + 10 * 60_000) })), status: 401, code: 'stale_timestamp', audited: 'replay', reason: 'outside_tolerance_window' },
      { name: 'unknown route', send: () => post(url('custom', unknownToken()), signed([acme.secrets.custom], { marker })), status: 401, code: 'invalid_signature', audited: 'routing', reason: 'unknown_route' },
      { name: 'wrong content type', send: () => post(target, signed([acme.secrets.custom], { marker }, { contentType: 'text/plain' })), status: 415, code: 'unsupported_media_type', audited: 'schema', reason: 'unsupported_media_type' },
      { name: 'malformed JSON', send: () => post(target, signed([acme.secrets.custom], undefined, { rawBody: `{"marker": "${marker}", ` })), status: 400, code: 'malformed_json', audited: 'schema', reason: 'malformed_json' },
      { name: 'not an object', send: () => post(target, signed([acme.secrets.custom], [marker])), status: 422, code: 'invalid_payload', audited: 'schema', reason: 'invalid_payload' },
      { name: 'text that cannot be stored', send: () => post(target, signed([acme.secrets.custom], { marker, note: `${marker}\u0000` })), status: 422, code: 'invalid_payload', audited: 'schema', reason: 'unstorable_json' },
      { name: 'an unpaired surrogate', send: () => post(target, signed([acme.secrets.custom], { marker: [`\udfff${marker}`] })), status: 422, code: 'invalid_payload', audited: 'schema', reason: 'unstorable_json' },
      { name: 'oversized body', send: () => post(target, signed([acme.secrets.custom], { marker: marker.repeat(20_000) })), status: 413, code: 'payload_too_large', audited: 'size', reason: 'payload_too_large' },
    ];
    for (const c of cases) {
      const since = await lastAuditId();
      const answer = await c.send();
      assert.equal(answer.status, c.status, `${c.name}: ${answer.text}`);
      assert.equal(errorCode(answer), c.code, c.name);
      const audited = await rejectionsSince(since);
      assert.equal(audited.length, 1, `${c.name} is audited once`);
      assert.equal(audited[0]?.outcome, c.audited, c.name);
      assert.equal(audited[0]?.detail.reason, c.reason, c.name);
      assert.equal(audited[0]?.detail.connector, 'custom', c.name);
    }
    const trail = JSON.stringify(await listAudit(db.pool, { limit: 10_000 }));
    assert.doesNotMatch(trail, new RegExp(marker), 'no body in the audit trail');
    for (const secret of handedOut) assert.ok(!trail.includes(secret), 'no secret or route token in the audit trail');
  });
});

describe('replay protection', () => {
  it('acknowledges a redelivery of the same body, refuses another body under the same id, and refuses replays after the window', async () => {
    const target = url('custom', acme.tokens.custom);
    const captured = signed([acme.secrets.custom], { orderId: 'A-1' });
    const first = await post(target, captured);
    assert.equal(first.status, 202, first.text);
    const { workflowId } = JSON.parse(first.text) as { workflowId: string };

    // Inside the window: the exact same request again (a sender's retry, or a capture replayed).
    let since = await lastAuditId();
    const again = await post(target, captured);
    assert.equal(again.status, 200);
    assert.deepEqual(JSON.parse(again.text), { status: 'duplicate', workflowId });
    let audited = await rejectionsSince(since);
    assert.deepEqual(audited.map((e) => [e.outcome, e.detail.reason, e.tenantId]), [['replay', 'redelivery', acme.id]]);

    // Same id, different (validly signed) body: refused.
    since = await lastAuditId();
    const reused = await post(target, signed([acme.secrets.custom], { orderId: 'B-2' }, { id: captured.headers['webhook-id'] }));
    assert.equal(reused.status, 409, reused.text);
    assert.equal(errorCode(reused), 'webhook_id_reused');
    audited = await rejectionsSince(since);
    assert.deepEqual(audited.map((e) => [e.outcome, e.detail.reason]), [['replay', 'id_reused_with_other_body']]);

    // The same capture six minutes later: outside the window, refused before any tenant lookup.
    clockOffsetMs = 6 * 60_000;
    try {
      since = await lastAuditId();
      const late = await post(target, captured);
      assert.equal(late.status, 401);
      assert.equal(errorCode(late), 'stale_timestamp');
      audited = await rejectionsSince(since);
      assert.deepEqual(audited.map((e) => [e.outcome, e.detail.reason, e.tenantId]), [['replay', 'outside_tolerance_window', null]]);
    } finally {
      clockOffsetMs = 0;
    }
    const run = await env.client.workflow.getHandle(workflowId).result() as CustomWebhookEventSummary;
    assert.deepEqual(run.fields, ['orderId'], 'one run, for the first delivery');
  });
});

describe('route-token probing', () => {
  it('answers unknown, revoked, expired, malformed and wrong-connector tokens exactly like a bad signature', async () => {
    const payload = { probe: true };
    const revoked = await issueRouteToken(db.pool, globex.id, 'custom');
    assert.equal(await revokeRouteToken(db.pool, revoked), true);
    const expiring = await admin(`/admin/tenants/globex/route-tokens/custom/rotate`, { overlapSeconds: 0 });
    assert.equal(expiring.status, 201);
    const expired = globex.tokens.custom;
    globex.tokens.custom = String(expiring.body.url).split('/').pop()!;

    const badSignature = await post(url('custom', acme.tokens.custom), signed([globex.secrets.custom], payload));
    assert.equal(badSignature.status, 401);
    const probes: Record<string, Answer> = {
      unknown: await post(url('custom', unknownToken()), signed([acme.secrets.custom], payload)),
      revoked: await post(url('custom', revoked), signed([globex.secrets.custom], payload)),
      expired: await post(url('custom', expired), signed([globex.secrets.custom], payload)),
      malformed: await post(url('custom', 'acme'), signed([acme.secrets.custom], payload)),
      'wrong connector': await post(url('custom', acme.tokens.github), signed([acme.secrets.custom], payload)),
      'servicenow token': await post(url('custom', acme.tokens.servicenow), signed([acme.secrets.servicenow], payload)),
    };
    for (const [name, answer] of Object.entries(probes)) {
      assert.equal(answer.status, badSignature.status, name);
      assert.equal(answer.text, badSignature.text, `${name}: same bytes`);
      assert.equal(answer.headers.get('content-type'), badSignature.headers.get('content-type'), name);
    }
    assert.doesNotMatch(badSignature.text, /acme|globex|tenant|route|token/i);
    const gh = await sendGitHubWebhook(url('github', unknownToken()), { secret: acme.secrets.github, event: 'ping', payload: { zen: 'probe' } });
    const ghForged = await sendGitHubWebhook(url('github', acme.tokens.github), { secret: 'not-the-secret', event: 'ping', payload: { zen: 'probe' } });
    assert.equal(gh.status, 401);
    assert.equal(gh.text, ghForged.text, 'GitHub route: unknown token answered like a bad signature');
    assert.equal(gh.text, badSignature.text, 'one bad-signature answer for every scheme');
  });

  it('audits probes as routing, in the tenant\'s trail only for another connector\'s token', async () => {
    const since = await lastAuditId();
    await post(url('custom', unknownToken()), signed([acme.secrets.custom], {}));
    await post(url('custom', acme.tokens.github), signed([acme.secrets.custom], {}));
    const audited = await rejectionsSince(since);
    assert.deepEqual(audited.map((e) => [e.outcome, e.detail.reason, e.tenantId]), [
      ['routing', 'unknown_route', null],
      ['routing', 'wrong_connector', acme.id],
    ]);
  });

  it('takes about as long for an unknown token as for a bad signature', async () => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const time = async (target: string, secret: string) => {
      const request = signed([secret], { timing: true });
      const started = process.hrtime.bigint();
      const answer = await post(target, request);
      assert.equal(answer.status, 401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const forged = `whsec_${randomBytes(32).toString('base64')}`;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 23; i++) {
      // Interleaved, so load from other test files lands on both series alike; 3 warm-up rounds.
      const k = await time(url('servicenow', acme.tokens.servicenow), forged);
      const u = await time(url('servicenow', unknownToken()), acme.secrets.servicenow);
      if (i >= 3) { known.push(k); unknown.push(u); }
    }
    const ratio = median(known) / median(unknown);
    assert.ok(ratio < 3 && ratio > 1 / 3, `medians ${median(known).toFixed(2)} ms (bad signature) vs ${median(unknown).toFixed(2)} ms (unknown token)`);
  });
});

describe('rotation overlaps', () => {
  it('keeps the old route token and the old secrets working during the overlap, and only then', async () => {
    const overlapSeconds = 2;
    const oldToken = acme.tokens.custom;
    const tokenRotation = await admin('/admin/tenants/acme/route-tokens/custom/rotate', { overlapSeconds });
    assert.equal(tokenRotation.status, 201, JSON.stringify(tokenRotation.body));
    const newToken = String(tokenRotation.body.url).split('/').pop()!;
    assert.match(String(tokenRotation.body.url), /\/webhooks\/custom\/[A-Za-z0-9_-]{43}$/);
    assert.ok(tokenRotation.body.previousTokensExpireAt);
    acme.tokens.custom = newToken;

    const old = { ...acme.secrets };
    const rotated: Record<string, string> = {};
    for (const connector of ['custom', 'servicenow', 'github'] as const) {
      const answer = await admin(`/admin/tenants/acme/webhook-secrets/${connector}/rotate`, { overlapSeconds });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      rotated[connector] = String(answer.body.secret);
      handedOut.push(rotated[connector], rotated[connector].replace(/^whsec_/, ''));
    }
    assert.match(rotated.custom!, /^whsec_/);
    const rotations = await listAudit(db.pool, { tenantId: acme.id, type: 'tenant.webhook_secret_rotated' });
    assert.equal(rotations.length, 3);
    assert.ok(!JSON.stringify(rotations).includes(rotated.custom!), 'the audit says it changed, not what to');

    const accepted = async (label: string, connector: 'custom' | 'servicenow', token: string, secrets: string[], expected: number) => {
      const answer = await post(url(connector, token), signed(secrets, connector === 'custom' ? { step: label } : echoEvent()));
      assert.equal(answer.status, expected, `${label}: ${answer.text}`);
      return answer;
    };
    const github = async (label: string, secret: string, expected: number) => {
      const answer = await sendGitHubWebhook(url('github', acme.tokens.github), { secret, event: 'issues', payload: { action: 'opened', step: label } });
      assert.equal(answer.status, expected, `${label}: ${answer.text}`);
    };

    // During the overlap.
    await accepted('old token, new secret', 'custom', oldToken, [rotated.custom!], 202);
    await accepted('new token, old secret only', 'custom', newToken, [old.custom], 202);
    await accepted('new token, both signatures', 'custom', newToken, [old.custom, rotated.custom!], 202);
    await accepted('servicenow, old secret only', 'servicenow', acme.tokens.servicenow, [old.servicenow], 202);
    await accepted('servicenow, new secret', 'servicenow', acme.tokens.servicenow, [rotated.servicenow!], 202);
    await github('github, old secret', old.github, 202);
    await github('github, new secret', rotated.github!, 202);

    await new Promise((r) => setTimeout(r, (overlapSeconds + 0.5) * 1000));

    // After it.
    const oldTokenAfter = await accepted('old token after the overlap', 'custom', oldToken, [rotated.custom!], 401);
    const badSignature = await accepted('old secret only after the overlap', 'custom', newToken, [old.custom], 401);
    assert.equal(oldTokenAfter.text, badSignature.text, 'an expired token is answered like a bad signature');
    await accepted('both signatures after the overlap', 'custom', newToken, [old.custom, rotated.custom!], 202);
    await accepted('servicenow, old secret after the overlap', 'servicenow', acme.tokens.servicenow, [old.servicenow], 401);
    await accepted('servicenow, new secret after the overlap', 'servicenow', acme.tokens.servicenow, [rotated.servicenow!], 202);
    await github('github, old secret after the overlap', old.github, 401);
    await github('github, new secret after the overlap', rotated.github!, 202);
    Object.assign(acme.secrets, rotated);
  });

  it('validates rotation requests', async () => {
    assert.equal((await admin('/admin/tenants/acme/webhook-secrets/slack/rotate', { overlapSeconds: 60 })).status, 422);
    assert.equal((await admin('/admin/tenants/acme/route-tokens/custom/rotate', { overlapSeconds: -1 })).status, 422);
    assert.equal((await admin('/admin/tenants/nobody/route-tokens/custom/rotate', {})).status, 404);
    const unauthenticated = await fetch(`${baseUrl}/admin/tenants/acme/webhook-secrets/custom/rotate`, { method: 'POST' });
    assert.equal(unauthenticated.status, 401);
  });
});

describe('inbound rate limits', () => {
  it('answers 429 with Retry-After to a noisy route while other routes go on', async () => {
    let now = 0;
    const app = express();
    const { server: limited, url: limitedUrl } = await listen(app);
    try {
      app.use(customWebhookRouter(deps, { limiter: new InboundRateLimiter({ requestsPerSecond: 1, burst: 3 }, () => now) }));
      app.use(errorHandler(deps.logger));
      const noisy = `${limitedUrl}/webhooks/custom/${acme.tokens.custom}`;
      const quiet = `${limitedUrl}/webhooks/custom/${globex.tokens.custom}`;

      const since = await lastAuditId();
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await post(noisy, signed([acme.secrets.custom], { i })));
      assert.deepEqual(answers.map((a) => a.status), [202, 202, 202, 429, 429, 429]);
      const refused = answers[3]!;
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal(errorCode(refused), 'rate_limited');

      assert.equal((await post(quiet, signed([globex.secrets.custom], { event: 'e', orderId: 'o' }))).status, 202, 'another route is not limited');
      now = 1000;
      assert.equal((await post(noisy, signed([acme.secrets.custom], {}))).status, 202, 'a token is back after a second');

      const audited = (await rejectionsSince(since)).filter((e) => e.outcome === 'rate');
      assert.equal(audited.length, 1, 'a burst of refusals is audited once');
      assert.equal(audited[0]?.tenantId, acme.id);
      assert.equal(audited[0]?.detail.reason, 'rate_limited');
    } finally {
      await new Promise<void>((resolve) => limited.close(() => resolve()));
      limited.closeAllConnections();
    }
  });
});

describe('GitHub webhooks', () => {
  it('records a signed delivery, acknowledges a redelivery and refuses a reused delivery id', async () => {
    const target = url('github', globex.tokens.github);
    const payload = { action: 'opened', installation: { id: 42 }, repository: { full_name: 'globex/site' }, issue: { number: 7 } };
    const first = await sendGitHubWebhook(target, { secret: globex.secrets.github, event: 'issues', payload });
    assert.equal(first.status, 202, first.text);
    assert.equal((JSON.parse(first.text) as { status: string }).status, 'recorded');
    const accepted = (await listAudit(db.pool, { tenantId: globex.id, type: 'webhook.accepted' })).at(-1);
    assert.deepEqual(
      { event: accepted?.detail.event, action: accepted?.detail.action, repository: accepted?.detail.repository, installationId: accepted?.detail.installationId },
      { event: 'issues', action: 'opened', repository: 'globex/site', installationId: 42 },
    );

    const again = await sendGitHubWebhook(target, { secret: globex.secrets.github, event: 'issues', payload, deliveryId: first.deliveryId });
    assert.equal(again.status, 200, again.text);
    const reused = await sendGitHubWebhook(target, { secret: globex.secrets.github, event: 'issues', payload: { ...payload, action: 'closed' }, deliveryId: first.deliveryId });
    assert.equal(reused.status, 409, reused.text);

    const tampered = await sendGitHubWebhook(target, { secret: globex.secrets.github, event: 'issues', payload, tamperedBody: JSON.stringify({ ...payload, action: 'deleted' }) });
    assert.equal(tampered.status, 401);
    const unsigned = await sendGitHubWebhook(target, { secret: globex.secrets.github, event: 'issues', payload, signatureOverride: null });
    assert.equal(unsigned.status, 400);
  });
});

describe('custom webhooks', () => {
  it('starts the configured workflow with a payload that has the required fields', async () => {
    const put = await admin('/admin/tenants/globex/custom-webhook', { workflowType: 'customEvent', requiredFields: ['event', 'orderId'] }, 'PUT');
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal((await admin('/admin/tenants/globex/custom-webhook', { workflowType: 'other' }, 'PUT')).status, 422);

    const target = url('custom', globex.tokens.custom);
    const missing = await post(target, signed([globex.secrets.custom], { event: 'order.paid', orderId: null }));
    assert.equal(missing.status, 422, missing.text);
    assert.match(missing.text, /orderId/);

    const answer = await post(target, signed([globex.secrets.custom], { event: 'order.paid', orderId: 'O-9', amount: 12 }, { id: 'zap_123' }));
    assert.equal(answer.status, 202, answer.text);
    const { workflowId } = JSON.parse(answer.text) as { workflowId: string };
    assert.equal(workflowId, 'custom-globex-zap_123');
    const summary = await env.client.workflow.getHandle(workflowId).result() as CustomWebhookEventSummary;
    assert.deepEqual(summary, { webhookId: 'zap_123', fieldCount: 3, fields: ['amount', 'event', 'orderId'], requiredFields: ['event', 'orderId'] });
    const processed = await listAudit(db.pool, { workflowId, type: 'custom_webhook.processed' });
    assert.equal(processed.length, 1);
    assert.ok(!JSON.stringify(processed).includes('O-9'), 'field names are audited, not values');
  });

  it('never logs a secret', () => {
    const logs = logLines.join('\n');
    for (const secret of handedOut) assert.ok(!logs.includes(secret), 'a secret or route token reached the logs');
  });
});
