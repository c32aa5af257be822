/**
 * Reconciliation on the time-skipping Temporal server, with the real API, worker, PostgreSQL
 * and the ServiceNow/Slack simulators: dropped webhooks are caught, a webhook racing the
 * poller gives one run, the watermark never passes an unhandled change across failures, and a
 * pass costs Table API calls in proportion to the changes, not to the table.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { getWatermark, serviceNowIncidentSource } from '../../db/watermarks-repo';
import { createTimeSkippingEnv } from '../../temporal/test-environments';
import { bundleWorkflows } from '../../temporal/worker';
import { reconcileIncidents } from '../../workflows/reconcile-incidents';
import type { ReconcileInput, ReconcileResult } from '../../workflows/reconcile-types';
import { triageWorkflowId } from '../../workflows/triage-ids';
import { channelId, integrationUser, startHarness, type Harness } from '../support/harness';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let h: Harness;
/** A fresh queue per test: runs left open by an earlier test are not picked up by the next worker. */
let taskQueue: string;
const listKey = 'GET /api/now/table/incident';

before(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
});
after(async () => {
  await env?.teardown();
});

/** `YYYY-MM-DD HH:MM:SS` (UTC) `secondsAgo` before now, as ServiceNow stores it. */
const glideAgo = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString().slice(0, 19).replace('T', ' ');

/** Runs `action` as soon as the simulator has received `count` requests to `key` (checked every event-loop turn). */
function whenRequested(key: string, count: number, action: () => void): Promise<void> {
  const deadline = Date.now() + 30_000;
  const done = new Promise<void>((resolve, reject) => {
    const check = () => {
      if ((h.sn.requestCounts()[key] ?? 0) >= count) {
        action();
        resolve();
      } else if (Date.now() > deadline) {
        reject(new Error(`${key} was not requested ${count} time(s)`));
      } else {
        setImmediate(check);
      }
    };
    check();
  });
  // Awaited by the test after its run; a failing run must not leave it rejecting unobserved.
  done.catch(() => undefined);
  return done;
}

describe('reconciliation', { concurrency: false }, () => {
  beforeEach(async () => {
    await h?.close();
    taskQueue = `gatehouse-reconcile-${randomBytes(4).toString('hex')}`;
    h = await startHarness(env, { workflowBundle: bundle, taskQueue });
  });
  after(async () => {
    await h?.close();
  });

  const reconcileHandle = (input: Partial<ReconcileInput> = {}) => env.client.workflow.start(reconcileIncidents, {
    workflowId: `reconcile-acme-test-${randomBytes(4).toString('hex')}`, taskQueue,
    args: [{ tenantId: h.tenant.id, tenantSlug: h.tenant.slug, ...input }],
  });
  const reconcile = async (input: Partial<ReconcileInput> = {}): Promise<ReconcileResult> => (await reconcileHandle(input)).result();

  /** How the triage run for an incident was started, or undefined when there is none. */
  async function runSource(sysId: string): Promise<unknown> {
    try {
      return (await env.client.workflow.getHandle(triageWorkflowId('acme', sysId)).describe()).memo?.source;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }
  /**
   * Waits until the incident's run asks for approval and has no activity in flight: an activity
   * cut off by the harness closing would hold the test server's clock for the next test.
   */
  async function awaitingApproval(sysId: string): Promise<void> {
    const workflowId = triageWorkflowId('acme', sysId);
    await h.waitForStatus(workflowId, 'awaiting_approval');
    const deadline = Date.now() + 10_000;
    while ((await env.client.workflow.getHandle(workflowId).describe()).raw.pendingActivities?.length) {
      if (Date.now() > deadline) throw new Error(`${workflowId} still has activities in flight`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const messagesFor = (number: string) => h.slack.messages(channelId).filter((m) => m.text.includes(number) || JSON.stringify(m.blocks).includes(number));

  it('catches dropped webhooks, and only those: not echoes, not incidents that already have a run', async () => {
    const dropped = [h.createVpnIncident(), h.createVpnIncident(), h.createVpnIncident()];
    const echo = h.createVpnIncident();
    h.sn.updateIncidentAsUser(echo.sys_id, { category: 'network' }, integrationUser);
    const delivered = h.createVpnIncident();
    const sent = await h.webhook(h.incidentEvent(delivered));
    assert.equal(sent.status, 202);
    await awaitingApproval(delivered.sys_id);

    const result = await reconcile();
    assert.equal(result.scanned, 5);
    assert.equal(result.started, 3, JSON.stringify(result));
    assert.equal(result.alreadyHandled, 1);
    assert.deepEqual(result.skipped, { echo: 1, seenBefore: 0 });
    assert.equal(result.serviceNowRequests, 1);
    assert.ok(result.examples.some((e) => e.outcome === 'started'), 'examples show what was started');

    for (const incident of dropped) {
      assert.equal(await runSource(incident.sys_id), 'reconciliation', `${incident.number} got its run from reconciliation`);
      await awaitingApproval(incident.sys_id);
      assert.equal(messagesFor(incident.number).length, 1, `one approval request for ${incident.number}`);
    }
    assert.equal(await runSource(echo.sys_id), undefined, 'our own write-back starts nothing');
    assert.equal(await runSource(delivered.sys_id), 'webhook');
    assert.equal(h.slack.messages(channelId).length, 4);

    const latest = [dropped, echo, delivered].flat().map((i) => h.sn.getIncident(i.sys_id)!.sys_updated_on!).sort().at(-1);
    assert.equal((await getWatermark(h.db.pool, h.tenant.id, serviceNowIncidentSource))?.watermark, latest);

    // The next pass re-reads the overlap and starts nothing twice.
    const again = await reconcile();
    assert.equal(again.started, 0, JSON.stringify(again));
    assert.equal(again.scanned, again.alreadyHandled + again.skipped.echo + again.skipped.seenBefore);
    assert.equal(h.slack.messages(channelId).length, 4);
  });

  it('a webhook and the poller racing on the same incidents give one run each', async () => {
    const incidents = Array.from({ length: 8 }, () => h.createVpnIncident());
    // Fire the webhooks the moment the poller has listed the incidents, so both start them at once.
    let answers: Promise<Array<{ status: number; body: Record<string, unknown> }>> = Promise.resolve([]);
    const fired = whenRequested(listKey, 1, () => {
      answers = Promise.all(incidents.map((i) => h.webhook(h.incidentEvent(i))));
    });
    const result = await reconcile();
    await fired;
    for (const answer of await answers) {
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.ok(['accepted', 'already_handled'].includes(String(answer.body.status)), JSON.stringify(answer.body));
    }
    assert.equal(result.started + result.alreadyHandled, incidents.length, JSON.stringify(result));
    for (const incident of incidents) {
      await awaitingApproval(incident.sys_id);
      assert.equal(messagesFor(incident.number).length, 1, `exactly one run (one approval request) for ${incident.number}`);
    }
    assert.equal(h.slack.messages(channelId).length, incidents.length);
  });

  /**
   * Three pages of four: our own write-backs (echoes) first, then four human changes sharing
   * one second, then three more a minute later.
   */
  function seedThreePages() {
    const [t1, t2, t3] = [glideAgo(600), glideAgo(540), glideAgo(480)];
    const at = (when: string, user: string) => {
      const record = h.sn.createIncident({ short_description: 'VPN down', sys_created_on: when, sys_updated_on: when, sys_updated_by: user }, user);
      return { sys_id: String(record.sys_id), number: String(record.number) };
    };
    const echoes = Array.from({ length: 4 }, () => at(t1, integrationUser));
    const human = [...Array.from({ length: 4 }, () => at(t2, 'abel.tuter')), ...Array.from({ length: 3 }, () => at(t3, 'beth.anglin'))];
    return { t1, t3, echoes, human, lastSecond: human.slice(4) };
  }
  const sortedIds = (xs: Array<{ sys_id: string }>) => xs.map((x) => x.sys_id).sort();

  it('a page that fails is retried, and every change behind it is still handled', async () => {
    const { t3, echoes, human, lastSecond } = seedThreePages();
    // Page 1 (echoes only) reads fine; the 2nd page's first two attempts get HTTP 500.
    const armed = whenRequested(listKey, 1, () => h.sn.faults.error({ count: 2, status: 500, method: 'GET', pathPrefix: '/api/now/table/incident' }));
    const handle = await reconcileHandle({ pageSize: 4 });
    const result = await handle.result();
    await armed;
    assert.equal(result.pages, 3);
    assert.equal(result.started, human.length, JSON.stringify(result));
    assert.equal(result.skipped.echo, echoes.length);
    for (const incident of human) {
      assert.equal(await runSource(incident.sys_id), 'reconciliation', incident.number);
      await awaitingApproval(incident.sys_id);
    }

    const history = (await handle.fetchHistory()).events ?? [];
    const pageAttempts = history.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    assert.deepEqual(pageAttempts, [1, 1, 3, 1], 'begin, page 1, page 2 on its third attempt, page 3');

    const stored = await getWatermark(h.db.pool, h.tenant.id, serviceNowIncidentSource);
    assert.equal(stored?.watermark, t3);
    assert.deepEqual(stored?.handledIds, sortedIds(lastSecond));
  });

  it('a pass that fails leaves the watermark before the unhandled changes; the next pass handles them', async () => {
    const { t1, t3, echoes, human, lastSecond } = seedThreePages();
    // The integration user loses read access during page 2: a final error, so the pass fails at once.
    const armed = whenRequested(listKey, 1, () => h.sn.faults.error({ count: 1, status: 403, method: 'GET', pathPrefix: '/api/now/table/incident' }));
    await assert.rejects(reconcile({ pageSize: 4 }), WorkflowFailedError);
    await armed;

    const stored = await getWatermark(h.db.pool, h.tenant.id, serviceNowIncidentSource);
    assert.equal(stored?.watermark, t1, 'the watermark stops after the last page fully handled');
    assert.deepEqual(stored?.handledIds, sortedIds(echoes));
    for (const incident of human) assert.equal(await runSource(incident.sys_id), undefined, `${incident.number} not started yet`);

    const next = await reconcile({ pageSize: 4 });
    assert.equal(next.watermarkFrom, t1);
    assert.equal(next.started, human.length, JSON.stringify(next));
    assert.deepEqual(next.skipped, { echo: 0, seenBefore: echoes.length }, 'the echoes at the watermark are known, not re-read as new');
    for (const incident of human) {
      assert.equal(await runSource(incident.sys_id), 'reconciliation', incident.number);
      await awaitingApproval(incident.sys_id);
    }
    const after = await getWatermark(h.db.pool, h.tenant.id, serviceNowIncidentSource);
    assert.equal(after?.watermark, t3);
    assert.deepEqual(after?.handledIds, sortedIds(lastSecond));
  });

  it('while a page cannot be handled (database down) it is retried and the watermark waits before it', async () => {
    const { t1, t3, echoes, human } = seedThreePages();
    // Page 1 holds only echoes, which need no database; page 2 does.
    await h.db.pool.query('ALTER TABLE webhook_deliveries RENAME TO webhook_deliveries_offline');
    // Two pages per workflow run: the third page runs after a continue-as-new.
    const handle = await reconcileHandle({ pageSize: 4, pagesPerRun: 2 });
    try {
      const deadline = Date.now() + 20_000;
      const failedAttempts = async () => (await handle.describe()).raw.pendingActivities?.[0]?.attempt ?? 1;
      while ((await failedAttempts()) < 3) {
        if (Date.now() > deadline) throw new Error('page 2 was not retried');
        await new Promise((r) => setTimeout(r, 100));
      }
      const stored = await getWatermark(h.db.pool, h.tenant.id, serviceNowIncidentSource);
      assert.deepEqual([stored?.watermark, stored?.handledIds], [t1, sortedIds(echoes)], 'nothing of page 2 is marked handled');
      for (const incident of human) assert.equal(await runSource(incident.sys_id), undefined, `${incident.number} not started yet`);
    } finally {
      await h.db.pool.query('ALTER TABLE webhook_deliveries_offline RENAME TO webhook_deliveries');
    }
    const result = await handle.result();
    assert.equal(result.started, human.length, JSON.stringify(result));
    assert.deepEqual([result.pages, result.runs, result.skipped.echo], [3, 2, echoes.length], 'counts carried across continue-as-new');
    assert.equal(result.watermarkTo, t3);
    for (const incident of human) await awaitingApproval(incident.sys_id);
  });

  it('costs Table API calls per change, not per incident in the table', async () => {
    const old = Array.from({ length: 5000 }, (_, i) => {
      const when = `2024-03-01 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
      return String(h.sn.createIncident({ short_description: `Printer ${i} jammed`, sys_created_on: when, sys_updated_on: when }, 'abel.tuter').sys_id);
    });
    const change = (ids: string[]) => ids.forEach((id) => h.sn.updateIncidentAsUser(id, { urgency: '2' }, 'beth.anglin'));

    change(old.slice(100, 107));
    h.sn.resetRequestCounts();
    const first = await reconcile();
    assert.equal(first.scanned, 7);
    assert.equal(first.started, 7);
    assert.ok((h.sn.requestCounts()[listKey] ?? 0) <= 3, `list requests: ${h.sn.requestCounts()[listKey]}`);
    assert.equal(h.sn.requestCounts()[listKey], 1);
    // The runs read the incident, find no routing rule for printers, and finish.
    for (const id of old.slice(100, 107)) await h.waitForStatus(triageWorkflowId('acme', id), 'nothing_to_do');

    change(old.slice(4000, 4003));
    h.sn.resetRequestCounts();
    const second = await reconcile();
    assert.equal(second.started, 3, JSON.stringify(second));
    assert.equal(second.scanned, second.started + second.alreadyHandled + second.skipped.echo + second.skipped.seenBefore);
    assert.ok(second.scanned <= 10, `only the overlap is re-read: scanned ${second.scanned}`);
    assert.equal(h.sn.requestCounts()[listKey], 1);
    for (const id of old.slice(4000, 4003)) await h.waitForStatus(triageWorkflowId('acme', id), 'nothing_to_do');
  });
});
