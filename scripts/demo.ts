/**
 * `npm run demo`: the whole scenario against the local simulators, on a real Temporal dev
 * server with its Web UI. It prints the incident before and after, the Slack messages and a
 * link to the run in the Temporal UI; then someone asks for a revert from the outcome message,
 * another approver approves it and the incident is put back. It keeps the servers up until Ctrl-C so the run can be
 * inspected (pass --exit to stop straight away).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { defaultCodecCorsOrigins } from '../api/codec/codec-settings';
import { createLogger } from '../observability/logger';
import { gatehouseDataConverter } from '../temporal/data-converter';
import { findFreePort, startDevServer } from '../temporal/dev-server';
import type { TriageResult } from '../triage/types';
import { revertWorkflowId } from '../workflows/triage-ids';
import { approvalMessage } from './local-stack/approval-message';
import { approvers, startLocalStack } from './local-stack/local-stack';

/** Block Kit to indented plain text, roughly as Slack shows it. */
function renderBlocks(blocks: unknown[]): string {
  type Text = { text?: string };
  type Element = { text?: Text | string };
  type AnyBlock = { type?: string; text?: Text; fields?: Text[]; elements?: Element[] };
  const elementText = (e: Element) => (typeof e.text === 'string' ? e.text : e.text?.text ?? '');
  return (blocks as AnyBlock[]).map((b) => {
    if (b.type === 'divider') return '   ──────────';
    if (b.type === 'actions') return `   [ ${(b.elements ?? []).map(elementText).join(' ]  [ ')} ]`;
    const parts = [b.text?.text, ...(b.fields ?? []).map((f) => f.text?.replace('\n', ': ')), ...(b.type === 'context' ? (b.elements ?? []).map(elementText) : [])];
    return parts.filter(Boolean).map((p) => `   ${String(p).replace(/\n/g, '\n   ')}`).join('\n');
  }).join('\n');
}

/** Polls until `probe` yields a value (the app answers Slack asynchronously). */
async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pick = (record: Record<string, unknown>) =>
  Object.fromEntries(['number', 'short_description', 'assignment_group', 'category', 'impact', 'urgency', 'priority', 'sys_mod_count', 'sys_updated_by'].map((k) => [k, record[k]]));

async function main(): Promise<void> {
  process.env.GATEHOUSE_ALLOWED_PRIVATE_ORIGINS = 'http://127.0.0.1:*,http://localhost:*';
  // The SDK's INFO lines (worker state changes) would bury the story the demo tells.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // The API's port is chosen up front so the UI can be pointed at its codec endpoint: the run's
  // payloads are encrypted and the UI shows them decrypted through it.
  const [apiPort, uiPort] = [await findFreePort(), await findFreePort()];
  const dev = await startDevServer({ dbFile: join(mkdtempSync(join(tmpdir(), 'gatehouse-demo-')), 'temporal.db'), uiPort, uiCodecEndpoint: `http://127.0.0.1:${apiPort}/codec` });
  const connection = await Connection.connect({ address: dev.address });
  const client = new Client({ connection, namespace: dev.namespace, dataConverter: gatehouseDataConverter(randomBytes(32)) });
  const nativeConnection = await NativeConnection.connect({ address: dev.address });
  const lines: string[] = [];
  const h = await startLocalStack({ client, nativeConnection, namespace: dev.namespace }, {
    logger: { logger: createLogger({ level: 'warn' }), lines }, timeoutSeconds: 3600, port: apiPort,
    // The dev UI has no login and sends no token: it is let in from this machine and its origin only.
    codec: { corsOrigins: defaultCodecCorsOrigins(uiPort), localUiWithoutToken: true },
  });
  const shutdown = async () => {
    await h.close();
    await nativeConnection.close();
    await connection.close();
    await dev.stop();
  };

  try {
    const incident = h.createVpnIncident();
    console.log('\n1. ServiceNow incident before:', pick(h.sn.getIncident(incident.sys_id)!));
    const sent = await h.webhook(h.incidentEvent(incident));
    console.log(`\n2. Signed webhook posted to the tenant's route → HTTP ${sent.status}`, sent.body);
    const workflowId = String(sent.body.workflowId);
    await h.waitForStatus(workflowId, 'awaiting_approval');
    const request = approvalMessage(h.slack);
    console.log(`\n3. Slack approval request in #incident-approvals:\n${renderBlocks(request.blocks)}`);
    const click = await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: request.channel, ts: request.ts, actionId: 'gatehouse_approve', userId: approvers.alice });
    console.log(`\n4. ${approvers.alice} pressed Approve → Slack got HTTP ${click.status} in ${Math.round(click.elapsedMs)} ms`);
    const result = (await client.workflow.getHandle(workflowId).result()) as TriageResult;
    console.log('\n5. Run result:', result.status, '—', result.detail);
    console.log('\n6. ServiceNow incident after:', pick(h.sn.getIncident(incident.sys_id)!));
    console.log('   Work notes:', h.sn.journal(incident.sys_id, 'work_notes').map((n) => n.value));
    console.log(`\n7. Slack message now:\n${renderBlocks(approvalMessage(h.slack).blocks)}`);
    const run = await client.workflow.getHandle(workflowId).describe();
    console.log(`\n8. The run in the Temporal UI: ${dev.uiUrl}/namespaces/${dev.namespace}/workflows/${encodeURIComponent(workflowId)}/${run.runId}/history`);

    // Bob thinks the routing was wrong and asks for a revert; Alice (not Bob) approves it.
    const outcome = approvalMessage(h.slack);
    await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: outcome.channel, ts: outcome.ts, actionId: 'gatehouse_revert', userId: approvers.bob });
    const form = await waitFor('the revert form', () => h.slack.views(approvers.bob).at(-1));
    await h.slack.submitView({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, viewId: form.id, values: { reason: { reason: 'VPN outages go to the Berlin desk first' } } });
    const revertId = revertWorkflowId(h.tenant.slug, incident.sys_id);
    await h.waitForStatus(revertId, 'awaiting_approval');
    const revertRequest = h.slack.messages(outcome.channel).at(-1)!;
    console.log(`\n9. ${approvers.bob} pressed Revert…, gave a reason in the form → ${h.slack.ephemerals(approvers.bob).at(-1)?.text}\n${renderBlocks(revertRequest.blocks)}`);
    await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: revertRequest.channel, ts: revertRequest.ts, actionId: 'gatehouse_approve', userId: approvers.alice });
    const reverted = (await client.workflow.getHandle(revertId).result()) as TriageResult;
    console.log(`\n10. ${approvers.alice} approved the revert → ${reverted.status} — ${reverted.detail}`);
    console.log('    ServiceNow incident after the revert:', pick(h.sn.getIncident(incident.sys_id)!));
  } catch (err) {
    console.error('demo failed:', err);
    await shutdown();
    process.exit(1);
  }
  if (process.argv.includes('--exit')) {
    await shutdown();
    return;
  }
  console.log('\nServers stay up so you can look around. Press Ctrl-C to stop.');
  process.on('SIGINT', () => void shutdown().then(() => process.exit(0)));
}

void main();
