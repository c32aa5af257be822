/**
 * A whole Gatehouse against real parts: a real Temporal server (time-skipping or dev server),
 * PostgreSQL (embedded, or DATABASE_URL), the ServiceNow and Slack simulators on loopback, the
 * real API and worker. One tenant, "acme", is created through the admin API.
 * The demo plays its scenario on it; the test harness (test/support/harness.ts) wraps it.
 * The caller installs the Temporal SDK runtime (its log level) before starting it.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { CodecEndpointSettings } from '../../api/codec/codec-settings';
import { createTestDatabase, type Database } from '../../db/database';
import { SecretBox } from '../../db/secret-box';
import { startRuntime, type Runtime } from '../../runtime/gatehouse-runtime';
import type { TenantSettingsInput } from '../../tenancy/tenant-settings';
import { startServiceNowSimulator, type ServiceNowSimulator } from '../../test/simulators/servicenow';
import { startSlackSimulator, type SlackSimulator } from '../../test/simulators/slack';
import type { TriageState } from '../../triage/types';
import { stateQuery } from '../../workflows/messages';
import { sendWebhook, type SentWebhook } from './signed-webhook';
import { simulatorUrlPolicy } from './simulator-url-policy';

/** The tenant's approvers (Slack user ids). */
export const approvers = { alice: 'U0ALICE0001', bob: 'U0BOB00002' } as const;
/** A member of the workspace who is not an approver. */
export const outsider = 'U0MALLORY03';
/** The approval channel. */
export const channelId = 'C0APPROVALS';
/** The tenant's Slack workspace. */
export const teamId = 'T0GATEHOUSE';
/** The ServiceNow user Gatehouse writes as (its own changes are echoes). */
export const integrationUser = 'gatehouse.integration';

/** The parts of a Temporal server the stack needs (a TestWorkflowEnvironment has them all). */
export interface TemporalHandles {
  client: Client;
  nativeConnection: NativeConnection;
  namespace?: string;
  /** True on the time-skipping test server, which has no Schedule API. */
  supportsTimeSkipping?: boolean;
}

/** The running stack, its tenant and the secrets it handed out. */
export interface LocalStack {
  sn: ServiceNowSimulator;
  slack: SlackSimulator;
  db: Database;
  runtime: Runtime;
  env: TemporalHandles;
  tenant: { id: string; slug: string };
  networkGroupId: string;
  webhookUrl: string;
  interactivityUrl: string;
  signingSecret: string;
  webhookSecret: string;
  adminToken: string;
  /** Every secret the stack handed out, for the log scan. */
  secretsUsed: string[];
  logLines: string[];
  webhook(payload: unknown, opts?: Parameters<typeof sendWebhook>[3]): Promise<SentWebhook>;
  /** A new incident that the routing rule matches (VPN → Network). */
  createVpnIncident(fields?: Record<string, string>): { sys_id: string; number: string };
  incidentEvent(incident: { sys_id: string; number: string }, extra?: Record<string, string>): Record<string, string>;
  state(workflowId: string): Promise<TriageState>;
  waitForStatus(workflowId: string, status: TriageState['status'], timeoutMs?: number): Promise<TriageState>;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** How to start the stack. */
export interface LocalStackOptions {
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Where the stack logs; `lines` is what the log scan reads (may stay empty). */
  logger: { logger: Logger; lines: string[] };
  /** false: no shared outbound rate limiter (see RuntimeOptions.rateLimiter). */
  rateLimiter?: false;
  /** Default true: the committed manifests are signed with the development key. */
  trustDevelopmentKeys?: boolean;
  port?: number;
  timeoutSeconds?: number;
  taskQueue?: string;
  /**
   * The tenant's reconciliation settings. Off unless a test asks: on the dev server a Schedule
   * would otherwise start passes (and runs) the test does not expect.
   */
  reconcile?: TenantSettingsInput['reconcile'];
  /** Who may call the codec endpoint (default: the admin token only; a UI test lets its dev UI in). */
  codec?: CodecEndpointSettings;
}

/** Starts simulators, database, API and worker, and creates the tenant "acme" through the admin API. */
export async function startLocalStack(env: TemporalHandles, opts: LocalStackOptions): Promise<LocalStack> {
  const sn = await startServiceNowSimulator();
  const slack = await startSlackSimulator();
  const db = await createTestDatabase();
  const masterKey = randomBytes(32);
  const { logger, lines } = opts.logger;
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  const snPassword = `sn-pw-${randomBytes(12).toString('hex')}`;
  const botToken = `xoxb-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');

  sn.addUser({ user_name: integrationUser, password: snPassword });
  const networkGroupId = sn.addGroup({ name: 'Network' }).sys_id;
  slack.addWorkspace({ teamId, domain: 'acme', botToken, botUserId: 'U0GATEBOT' });
  slack.addChannel({ id: channelId, teamId, name: 'incident-approvals', botIsMember: true });
  for (const [name, id] of [...Object.entries(approvers), ['mallory', outsider] as const]) slack.addUser({ id, teamId, name, email: `${name}@acme.test` });

  const runtime = await startRuntime({
    pool: db.pool, secrets: new SecretBox(masterKey), masterKey, logger,
    temporalClient: env.client, workerConnection: env.nativeConnection, namespace: env.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? `gatehouse-test-${randomBytes(4).toString('hex')}`, adminToken,
    urlPolicy: simulatorUrlPolicy, workflowBundle: opts.workflowBundle, port: opts.port, trustDevelopmentKeys: opts.trustDevelopmentKeys ?? true, rateLimiter: opts.rateLimiter,
    ...(env.supportsTimeSkipping ? { manageSchedules: false as const } : {}),
    ...(opts.codec ? { codec: opts.codec } : {}),
  });

  const admin: LocalStack['admin'] = async (method, path, body) => {
    const res = await fetch(`${runtime.apiUrl}${path}`, {
      method, headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  const settings: TenantSettingsInput = {
    servicenow: { instanceUrl: sn.url, auth: 'basic', username: integrationUser },
    slack: { apiBaseUrl: slack.apiUrl, channel: channelId, teamId },
    approvals: { approvers: [approvers.alice, approvers.bob], timeoutSeconds: opts.timeoutSeconds ?? 3600 },
    routing: {
      rules: [{
        name: 'VPN and network outages',
        when: [{ field: 'short_description', containsAny: ['vpn', 'network'] }],
        set: { assignmentGroup: networkGroupId, assignmentGroupName: 'Network', category: 'network', impact: '2', urgency: '1' },
      }],
    },
    reconcile: opts.reconcile ?? { enabled: false },
  };
  const created = await admin('POST', '/admin/tenants', {
    slug: 'acme', name: 'Acme Corp', settings,
    secrets: { servicenow_password: snPassword, slack_bot_token: botToken, slack_signing_secret: signingSecret },
  });
  if (created.status !== 201) throw new Error(`tenant creation failed: ${JSON.stringify(created.body)}`);
  const routes = created.body.routes as { servicenowWebhookUrl: string; slackInteractivityUrl: string };
  const tenantBody = created.body.tenant as { id: string; slug: string };
  const webhookSecret = String(created.body.webhookSecret);

  const h: LocalStack = {
    sn, slack, db, runtime, env, networkGroupId, adminToken, signingSecret, webhookSecret,
    tenant: { id: tenantBody.id, slug: tenantBody.slug },
    webhookUrl: routes.servicenowWebhookUrl,
    interactivityUrl: routes.slackInteractivityUrl,
    secretsUsed: [adminToken, snPassword, botToken, signingSecret, webhookSecret, webhookSecret.replace(/^whsec_/, '')],
    logLines: lines,
    admin,
    webhook: (payload, o) => sendWebhook(routes.servicenowWebhookUrl, webhookSecret, payload, o),
    createVpnIncident(fields = {}) {
      const record = sn.createIncident({ short_description: 'VPN down for the Berlin office', impact: '3', urgency: '3', category: 'inquiry', ...fields }, 'abel.tuter');
      return { sys_id: String(record.sys_id), number: String(record.number) };
    },
    incidentEvent: (incident, extra = {}) => ({ table: 'incident', sys_id: incident.sys_id, number: incident.number, event: 'created', sys_updated_by: 'abel.tuter', ...extra }),
    state: (workflowId) => env.client.workflow.getHandle(workflowId).query(stateQuery),
    async waitForStatus(workflowId, status, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last: TriageState | undefined;
      while (Date.now() < deadline) {
        try {
          last = await h.state(workflowId);
          if (last.status === status) return last;
        } catch {
          // The run may not have processed its first task yet.
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`run ${workflowId} did not reach ${status} (last: ${last?.status ?? 'none'})`);
    },
    async close() {
      await runtime.stop();
      await Promise.allSettled([sn.close(), slack.close()]);
      await db.close();
    },
  };
  return h;
}
