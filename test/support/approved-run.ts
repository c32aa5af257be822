/** A triage run taken through Slack approval to completion, for tests that need one done. */
import assert from 'node:assert/strict';
import type { TriageResult } from '../../triage/types';
import { approvers, type Harness } from './harness';
import { approvalMessage } from './slack-assertions';

export async function approvedTriageRun(h: Harness): Promise<{ incident: { sys_id: string; number: string }; workflowId: string }> {
  const incident = h.createVpnIncident();
  const workflowId = String((await h.webhook(h.incidentEvent(incident))).body.workflowId);
  await h.waitForStatus(workflowId, 'awaiting_approval');
  const request = approvalMessage(h.slack);
  await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: request.channel, ts: request.ts, actionId: 'gatehouse_approve', userId: approvers.alice });
  await untilDecided(h, workflowId);
  const outcome = (await h.env.client.workflow.getHandle(workflowId).result()) as TriageResult;
  assert.equal(outcome.status, 'completed', outcome.detail);
  return { incident, workflowId };
}

/**
 * Waits until the run holds a decision (10 s at most): only then may a test await its result,
 * which lets the time-skipping server jump past the request's timeout.
 */
export async function untilDecided(h: Harness, workflowId: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; !(await h.state(workflowId)).decision;) {
    if (Date.now() > deadline) throw new Error(`the decision never reached ${workflowId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
