/**
 * The per-tenant reconciliation Schedule on the Temporal dev server (the time-skipping test
 * server has no Schedules): created and updated idempotently, filterable by tenant, paused and
 * resumed, and its action really runs a pass that starts the triage a dropped webhook missed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  deleteReconcileSchedule, ensureReconcileSchedule, pauseReconcileSchedule, reconcileScheduleId, unpauseReconcileSchedule,
} from '../../temporal/schedules';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import pino from 'pino';
import { listAudit } from '../../db/audit-repo';
import { SecretBox } from '../../db/secret-box';
import { startRuntime } from '../../runtime/gatehouse-runtime';
import { getDelivery, recordDelivery } from '../../db/webhook-deliveries-repo';
import { pruneDeliveriesScheduleId } from '../../temporal/maintenance-schedules';
import { createDevServerEnv } from '../../temporal/test-environments';
import { bundleWorkflows } from '../../temporal/worker';
import type { PruneDeliveriesResult } from '../../workflows/prune-types';
import type { ReconcileResult } from '../../workflows/reconcile-types';
import { reconcileIncidents } from '../../workflows/reconcile-incidents';
import { triageWorkflowId } from '../../workflows/triage-ids';
import { startHarness, type Harness } from '../support/harness';
import { simulatorUrlPolicy } from '../../scripts/local-stack/simulator-url-policy';

let env: TestWorkflowEnvironment;
let h: Harness;
let bundle: WorkflowBundleWithSourceMap;
const taskQueue = `gatehouse-schedule-${randomBytes(4).toString('hex')}`;

before(async () => {
  const [e, b] = await Promise.all([createDevServerEnv(), bundleWorkflows()]);
  env = e;
  bundle = b;
  h = await startHarness(env, { workflowBundle: bundle, taskQueue });
});
after(async () => {
  await h?.close();
  await env?.teardown();
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('reconciliation schedule on the dev server', { concurrency: false }, () => {
  const opts = () => ({ tenantId: h.tenant.id, tenantSlug: h.tenant.slug, taskQueue, intervalSeconds: 3600 });
  const schedule = () => env.client.schedule.getHandle(reconcileScheduleId('acme'));

  it('is created once, then updated in place', async () => {
    assert.equal(await ensureReconcileSchedule(env.client, opts()), 'created');
    assert.equal(await ensureReconcileSchedule(env.client, { ...opts(), intervalSeconds: 900 }), 'updated');
    const described = await schedule().describe();
    assert.equal(described.scheduleId, 'reconcile-acme');
    assert.equal(described.spec.intervals?.[0]?.every, 900_000);
    assert.equal(described.policies.overlap, ScheduleOverlapPolicy.SKIP);
    assert.equal(described.state.paused, false);
    assert.equal(described.action.type, 'startWorkflow');
    assert.equal(described.action.type === 'startWorkflow' ? described.action.workflowType : '', 'reconcileIncidents');
    assert.deepEqual(described.memo, { tenantId: h.tenant.id, tenantSlug: 'acme', purpose: 'ServiceNow incident reconciliation' });

    // Operators find it by tenant (schedule listing is eventually consistent).
    await eventually('the schedule listed by tenant', async () => {
      for await (const s of env.client.schedule.list({ query: 'GatehouseTenant = "acme"' })) if (s.scheduleId === 'reconcile-acme') return true;
      return undefined;
    });
  });

  it('its action runs a pass that starts the triage a dropped webhook missed', async () => {
    const incident = h.createVpnIncident();
    await schedule().trigger();
    const result = await eventually('a finished reconciliation run', async () => {
      const runs = (await schedule().describe()).info.recentActions;
      const last = runs[runs.length - 1];
      if (!last) return undefined;
      const handle = env.client.workflow.getHandle(last.action.workflow.workflowId, last.action.workflow.firstExecutionRunId);
      return (await handle.describe()).status.name === 'COMPLETED' ? (await handle.result() as ReconcileResult) : undefined;
    });
    assert.equal(result.tenant, 'acme');
    assert.equal(result.started, 1, JSON.stringify(result));
    await h.waitForStatus(triageWorkflowId('acme', incident.sys_id), 'awaiting_approval');
  });

  it('a closed triage run is started again only by a change made after it closed', async () => {
    const incident = h.createVpnIncident();
    const sent = await h.webhook(h.incidentEvent(incident));
    const workflowId = String(sent.body.workflowId);
    await h.waitForStatus(workflowId, 'awaiting_approval');
    await env.client.workflow.getHandle(workflowId).terminate('stopped by an operator');
    const pass = () => env.client.workflow.execute(reconcileIncidents, {
      workflowId: `reconcile-acme-test-${randomBytes(4).toString('hex')}`, taskQueue, args: [{ tenantId: h.tenant.id, tenantSlug: 'acme' }],
    });

    const first = await pass();
    assert.equal(first.started, 0, 'the change the terminated run was started for is not redone');
    assert.ok(first.examples.some((e) => e.workflowId === workflowId && e.reason === 'terminated after this change'), JSON.stringify(first.examples));

    // A human edits it afterwards (sys_updated_on has whole seconds: let the second turn), and that webhook is lost.
    await new Promise((r) => setTimeout(r, 1100));
    h.sn.updateIncidentAsUser(incident.sys_id, { urgency: '2' }, 'beth.anglin');
    const second = await pass();
    assert.equal(second.started, 1, JSON.stringify(second));
    const run = await env.client.workflow.getHandle(workflowId).describe();
    assert.equal(run.status.name, 'RUNNING');
    assert.equal(run.memo?.source, 'reconciliation');
  });

  it("follows the tenant's settings and its ServiceNow connection, and comes back on start-up", async () => {
    const acme = await h.admin('GET', '/admin/tenants/acme');
    const base = (acme.body.tenant as { settings: Record<string, unknown> }).settings;
    const globex = () => env.client.schedule.getHandle('reconcile-globex').describe();
    const withReconcile = (reconcile: Record<string, unknown>) => ({ ...base, reconcile });

    const created = await h.admin('POST', '/admin/tenants', { slug: 'globex', name: 'Globex', settings: withReconcile({ intervalSeconds: 600 }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.reconciliation, { scheduleId: 'reconcile-globex', outcome: 'created', intervalSeconds: 600 });
    let described = await globex();
    assert.equal(described.spec.intervals?.[0]?.every, 600_000);
    assert.equal(described.state.paused, false);
    const globexId = (created.body.tenant as { id: string }).id;

    // Turned off in the settings: paused, and the UI says why.
    const off = await h.admin('PUT', '/admin/tenants/globex/settings', withReconcile({ enabled: false }));
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal((off.body.reconciliation as { outcome: string }).outcome, 'paused');
    described = await globex();
    assert.equal(described.state.paused, true);
    assert.equal(described.state.note, 'reconciliation is turned off in the tenant settings');

    const on = await h.admin('PUT', '/admin/tenants/globex/settings', withReconcile({ enabled: true, intervalSeconds: 900 }));
    assert.deepEqual(on.body.reconciliation, { scheduleId: 'reconcile-globex', outcome: 'updated', intervalSeconds: 900 });
    described = await globex();
    assert.equal(described.state.paused, false);
    assert.equal(described.spec.intervals?.[0]?.every, 900_000);

    // Disconnecting ServiceNow through the marketplace pauses it...
    const disconnected = await h.admin('POST', '/admin/tenants/globex/connectors/servicenow/disconnect', { requestedBy: 'carol@globex' });
    assert.equal(disconnected.status, 200, JSON.stringify(disconnected.body));
    assert.equal((disconnected.body.reconciliation as { outcome: string }).outcome, 'paused');
    described = await globex();
    assert.equal(described.state.paused, true);
    assert.equal(described.state.note, 'ServiceNow connection disconnected');

    // ...and installing it again (review, healthcheck, enabled) resumes it.
    const install = await h.admin('POST', '/admin/tenants/globex/connectors/servicenow/install', {
      requestedBy: 'carol@globex', credentials: { servicenow_password: h.secretsUsed[1] },
    });
    assert.equal(install.status, 202, JSON.stringify(install.body));
    await eventually('the install waiting for review', async () => {
      const view = await h.admin('GET', '/admin/tenants/globex/connectors/servicenow/install');
      return (view.body.state as { status?: string } | undefined)?.status === 'pending_review' ? true : undefined;
    });
    assert.equal((await globex()).state.paused, true, 'still paused while the install waits for review');
    await h.admin('POST', '/admin/tenants/globex/connectors/servicenow/install/review', { reviewer: 'dave@globex', decision: 'approve' });
    const enabled = await eventually('the install enabled', async () => {
      const view = await h.admin('GET', '/admin/tenants/globex/connectors/servicenow/install');
      const state = view.body.state as { status?: string; reconciliation?: { outcome: string } } | undefined;
      // The status turns to enabled just before the Schedule is resumed: wait for both.
      return state?.status === 'enabled' && state.reconciliation ? state : undefined;
    });
    assert.equal(enabled.reconciliation?.outcome, 'updated');
    assert.equal((await globex()).state.paused, false);

    // A Schedule deleted by hand is back after the next start of a Gatehouse process.
    assert.equal(await deleteReconcileSchedule(env.client, 'globex'), true);
    await h.runtime.stopWorker();
    const restarted = await startRuntime({
      pool: h.db.pool, secrets: new SecretBox(randomBytes(32)), masterKey: randomBytes(32), logger: pino({ level: 'silent' }),
      temporalClient: env.client, workerConnection: env.nativeConnection, namespace: 'default', taskQueue,
      adminToken: h.adminToken, urlPolicy: simulatorUrlPolicy, workflowBundle: bundle, trustDevelopmentKeys: true,
    });
    await restarted.stop();
    await h.runtime.startWorker();
    described = await globex();
    assert.equal(described.spec.intervals?.[0]?.every, 900_000);
    assert.equal(described.state.paused, false);
    const trail = (await listAudit(h.db.pool, { tenantId: globexId, limit: 1000 })).filter((e) => e.type === 'reconcile.schedule_synced');
    assert.deepEqual(trail.map((e) => e.outcome), ['created', 'paused', 'updated', 'paused', 'updated', 'created']);
    assert.equal(await deleteReconcileSchedule(env.client, 'globex'), true);
  });

  it('pauses and resumes, and is deleted', async () => {
    assert.equal(await pauseReconcileSchedule(env.client, 'acme'), true);
    let described = await schedule().describe();
    assert.equal(described.state.paused, true);
    assert.equal(described.state.note, 'ServiceNow connection disabled');
    assert.equal(await unpauseReconcileSchedule(env.client, 'acme'), true);
    assert.equal((await schedule().describe()).state.paused, false);

    // Enabling the connection again also leaves it running.
    await pauseReconcileSchedule(env.client, 'acme');
    assert.equal(await ensureReconcileSchedule(env.client, opts()), 'updated');
    described = await schedule().describe();
    assert.equal(described.state.paused, false);
    assert.equal(described.spec.intervals?.[0]?.every, 3_600_000);

    assert.equal(await deleteReconcileSchedule(env.client, 'acme'), true);
    await assert.rejects(schedule().describe(), ScheduleNotFoundError);
    assert.equal(await pauseReconcileSchedule(env.client, 'acme'), false, 'no schedule, nothing to pause');
    assert.equal(await deleteReconcileSchedule(env.client, 'acme'), false);
    await assert.rejects(env.client.workflow.getHandle('reconcile-acme').describe(), WorkflowNotFoundError, 'runs carry the scheduled time in their ids');
  });
});

describe('webhook delivery retention on the dev server', () => {
  it('has an hourly Schedule whose run deletes delivery records past retention and keeps the rest', async () => {
    const handle = env.client.schedule.getHandle(pruneDeliveriesScheduleId);
    const described = await handle.describe();
    assert.equal(described.spec.intervals?.[0]?.every, 3_600_000);
    assert.equal(described.action.type === 'startWorkflow' ? described.action.workflowType : '', 'pruneWebhookDeliveries');
    assert.deepEqual(described.action.type === 'startWorkflow' ? described.action.args : [], [{ retentionSeconds: 7 * 86_400 }]);

    await h.db.pool.query(
      `INSERT INTO webhook_deliveries (tenant_id, webhook_id, received_at) VALUES ($1, 'expired-1', now() - interval '8 days'), ($1, 'expired-2', now() - interval '30 days')`,
      [h.tenant.id],
    );
    await recordDelivery(h.db.pool, { tenantId: h.tenant.id, webhookId: 'kept-1', workflowId: null });
    await handle.trigger();
    const result = await eventually('a finished retention run', async () => {
      const last = (await handle.describe()).info.recentActions.at(-1);
      if (!last) return undefined;
      const run = env.client.workflow.getHandle(last.action.workflow.workflowId, last.action.workflow.firstExecutionRunId);
      return (await run.describe()).status.name === 'COMPLETED' ? (await run.result() as PruneDeliveriesResult) : undefined;
    });
    assert.ok(result.deleted >= 2, JSON.stringify(result));
    assert.equal(await getDelivery(h.db.pool, h.tenant.id, 'expired-1'), undefined);
    assert.equal(await getDelivery(h.db.pool, h.tenant.id, 'expired-2'), undefined);
    assert.ok(await getDelivery(h.db.pool, h.tenant.id, 'kept-1'));
  });

  it('refuses a retention shorter than a day at start-up', async () => {
    await assert.rejects(startRuntime({
      pool: h.db.pool, secrets: new SecretBox(randomBytes(32)), masterKey: randomBytes(32), logger: pino({ level: 'silent' }),
      temporalClient: env.client, workerConnection: env.nativeConnection, namespace: 'default', taskQueue,
      adminToken: h.adminToken, urlPolicy: simulatorUrlPolicy, workflowBundle: bundle, webhookDeliveryRetentionSeconds: 3600,
    }), /at least 86400 \(1 day\)/);
  });
});
