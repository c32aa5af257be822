/**
 * What an operator sees in the Temporal Web UI, in a real browser (Debian's Chromium) against the
 * dev server with its UI: runs filtered by Gatehouse's search attributes, the tenant's
 * reconciliation Schedule, and a reconciliation pass's result (scanned, started, skipped).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { gatehouseDataConverter } from '../../temporal/data-converter';
import { findFreePort, startDevServer, type DevServer } from '../../temporal/dev-server';
import { reconcileScheduleId } from '../../temporal/schedules';
import { bundleWorkflows } from '../../temporal/worker';
import { reconcileIncidents } from '../../workflows/reconcile-incidents';
import type { ReconcileResult } from '../../workflows/reconcile-types';
import { triageWorkflowId } from '../../workflows/triage-ids';
import { browserSkipReason, launchChromium } from '../support/browser';
import { startHarness, type Harness } from '../support/harness';

const skip = browserSkipReason();
const taskQueue = `gatehouse-ui-${randomBytes(4).toString('hex')}`;
let server: DevServer;
let connection: Connection;
let worker: NativeConnection;
let h: Harness;
let browser: Browser;
let page: Page;

describe('the Temporal Web UI, as an operator sees it', { skip, concurrency: false }, () => {
  before(async () => {
    // Payloads are encrypted: the UI shows them through the harness API's codec endpoint, as under npm start.
    const apiPort = await findFreePort();
    server = await startDevServer({ uiCodecEndpoint: `http://127.0.0.1:${apiPort}/codec` });
    [connection, worker] = await Promise.all([Connection.connect({ address: server.address }), NativeConnection.connect({ address: server.address })]);
    const client = new Client({ connection, namespace: server.namespace, dataConverter: gatehouseDataConverter(randomBytes(32)) });
    // An hourly schedule: it exists for the UI to show, and its first pass is triggered by the test.
    h = await startHarness({ client, nativeConnection: worker, namespace: server.namespace }, {
      workflowBundle: await bundleWorkflows(), taskQueue, reconcile: { enabled: true, intervalSeconds: 3600 },
      port: apiPort, codec: { corsOrigins: [server.uiUrl], localUiWithoutToken: true },
    });
    browser = await launchChromium();
    page = await browser.newPage();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await worker?.close();
    await connection?.close();
    await server?.stop();
  });

  const ui = (path: string) => `${server.uiUrl}/namespaces/${server.namespace}${path}`;
  const listUrl = (query: string) => ui(`/workflows?query=${encodeURIComponent(query)}`);

  /** Reloads until the page shows `text` (visibility is eventually consistent). */
  async function waitForText(url: string, text: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let body = '';
    while (Date.now() < deadline) {
      await page.goto(url);
      try {
        await page.getByText(text, { exact: false }).first().waitFor({ timeout: 5_000 });
        return await page.innerText('body');
      } catch {
        body = await page.innerText('body').catch(() => '');
      }
    }
    throw new Error(`the page ${url} never showed "${text}"; it showed:\n${body.slice(0, 1500)}`);
  }

  it('finds a run waiting for approval by tenant and status, and only there', async () => {
    const incident = h.createVpnIncident();
    const sent = await h.webhook(h.incidentEvent(incident));
    const workflowId = String(sent.body.workflowId);
    await h.waitForStatus(workflowId, 'awaiting_approval');

    const waiting = await waitForText(listUrl('GatehouseTenant = "acme" AND GatehouseStatus = "awaiting_approval"'), workflowId);
    assert.match(waiting, /triageIncident/);
    await page.goto(listUrl('GatehouseTenant = "acme" AND GatehouseStatus = "completed"'));
    await page.getByText(/No Workflows|No results/i).first().waitFor({ timeout: 15_000 });
    assert.doesNotMatch(await page.innerText('body'), new RegExp(workflowId));
  });

  it("shows the tenant's reconciliation Schedule and what it runs", async () => {
    const body = await waitForText(ui(`/schedules/${reconcileScheduleId('acme')}`), 'reconcileIncidents');
    assert.match(body, new RegExp(reconcileScheduleId('acme')));
    assert.match(body, /1h|hour|3600/i, 'the interval is shown');
    const list = await waitForText(ui('/schedules'), reconcileScheduleId('acme'));
    assert.match(list, /reconcileIncidents/);
  });

  it('shows what a reconciliation pass did, including the run it started for a dropped webhook', async () => {
    // A change whose webhook never arrived.
    const dropped = h.createVpnIncident({ short_description: 'Printer on fire (webhook lost)' });
    const passId = `reconcile-acme-ui-${randomBytes(3).toString('hex')}`;
    const result: ReconcileResult = await h.env.client.workflow.execute(reconcileIncidents, {
      workflowId: passId, taskQueue, args: [{ tenantId: h.tenant.id, tenantSlug: h.tenant.slug }],
    });
    const startedId = triageWorkflowId('acme', dropped.sys_id);
    assert.ok(result.started >= 1, JSON.stringify(result));

    const { runId } = await h.env.client.workflow.getHandle(passId).describe();
    const body = await waitForText(ui(`/workflows/${passId}/${runId}/history`), '"scanned"');
    assert.match(body, new RegExp(`"started":\\s*${result.started}`), 'the result shows how many runs the pass started');
    assert.match(body, new RegExp(`"scanned":\\s*${result.scanned}`));
    assert.match(body, /"alreadyHandled"/);
    assert.match(body, /"skipped"/);

    // The run it started is there for the operator too, marked as the dropped incident's.
    const started = await waitForText(listUrl(`GatehouseIncident = "${dropped.number}"`), startedId);
    assert.match(started, /triageIncident/);
  });
});
