/**
 * The second example workflow (workflows/approvals/share-github-file.ts): a GitHub read the
 * policy allows runs at once, then the Slack post waits for approval showing the exact message,
 * and is posted once — with a receipt, so the run never posts it twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listAudit } from '../../../db/audit-repo';
import { startApprovalRun } from '../../../runs/start-approval-run';
import type { TriageResult } from '../../../triage/types';
import type { ShareGitHubFileInput } from '../../../workflows/approvals/share-github-file';
import { approvers, channelId } from '../../support/harness';
import { useTimeSkippingHarness } from '../../support/harness-suite';
import { hasDecisionButtons, messageText } from '../../support/slack-assertions';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';

const taskQueue = 'gatehouse-share-example';
const suite = useTimeSkippingHarness({ taskQueue, timeoutSeconds: 3600, rateLimiter: false });
let gh: GitHubSimulator;

describe('example workflow: share a GitHub file in Slack after approval', () => {
  before(async () => {
    gh = await startGitHubSimulator();
    const app = gh.addApp({ appId: 5151 });
    gh.addRepo({ owner: 'acme', name: 'runbooks' });
    gh.addInstallation({ id: 888, account: 'acme', repositories: ['runbooks'], permissions: { pull_requests: 'read', issues: 'read', contents: 'read', metadata: 'read' } });
    gh.putFile({ repo: 'acme/runbooks', path: 'vpn/failover.md', content: '# VPN failover\n1. Switch to the backup tunnel.\n' });
    const started = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/install', {
      requestedBy: 'alice@acme', credentials: { github_app_private_key: app.privateKeyPem },
      config: { appId: 5151, installationId: 888, baseUrl: gh.url, owner: 'acme', repo: 'runbooks' },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    for (let i = 0; i < 100; i++) {
      const review = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/install/review', { reviewer: 'bob@acme', decision: 'approve' });
      if (review.status === 202) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < 100; i++) {
      const view = await suite.h.admin('GET', '/admin/tenants/acme/connectors/github/install');
      if ((view.body.install as { status?: string } | undefined)?.status === 'enabled') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the GitHub connector was not enabled');
  });
  after(async () => {
    await gh?.close();
  });

  it('reads the file without asking, asks before posting it, and posts it exactly once', async () => {
    const h = suite.h;
    const input: ShareGitHubFileInput = {
      tenantId: h.tenant.id, tenantSlug: h.tenant.slug, owner: 'acme', repo: 'runbooks', path: 'vpn/failover.md', reason: 'the on-call needs the failover steps',
    };
    const { workflowId } = await startApprovalRun(suite.env.client, { taskQueue, workflowType: 'shareGitHubFileAfterApproval', key: 'vpn-failover', input });
    await h.waitForStatus(workflowId, 'awaiting_approval');
    const request = h.slack.messages(channelId).find((m) => hasDecisionButtons(m));
    assert.ok(request, 'an approval request was posted');
    const text = messageText(request);
    assert.match(text, /Post message/);
    assert.match(text, /Switch to the backup tunnel/, 'the approver sees the exact message');
    assert.match(text, /the on-call needs the failover steps/);
    const postedBefore = h.slack.messages(channelId).length;

    await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: request.channel, ts: request.ts, actionId: 'gatehouse_approve', userId: approvers.alice });
    const outcome = await suite.env.client.workflow.getHandle(workflowId).result() as TriageResult;
    assert.equal(outcome.status, 'completed', outcome.detail);
    const shared = h.slack.messages(channelId).filter((m) => m.text.includes('Switch to the backup tunnel') && !hasDecisionButtons(m) && !m.text.startsWith('Approval needed'));
    assert.equal(shared.filter((m) => m.text.startsWith('acme/runbooks')).length, 1, 'posted exactly once');
    assert.ok(h.slack.messages(channelId).length >= postedBefore + 1);

    const types = (await listAudit(h.db.pool, { workflowId })).map((e) => e.type);
    assert.ok(types.includes('action.read'), 'the read is audited');
    assert.ok(types.includes('action.write'), 'the post is audited');
  });
});
