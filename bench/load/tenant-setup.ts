/** Creates the bench's tenant through the admin API, as an operator would (see the README). */
import { randomBytes } from 'node:crypto';
import type { TenantSettingsInput } from '../../tenancy/tenant-settings';
import type { LimitsMode } from './options';
import { approvers, channelId, integrationUser, networkGroupName, teamId, type Simulators } from './simulators';

export interface BenchTenant {
  slug: string;
  webhookUrl: string;
  interactivityUrl: string;
  webhookSecret: string;
}

/** The schema's ceilings: far above any load this bench offers, so only the product's own costs show. */
const LIFTED = { requestsPerSecond: 10_000, burst: 10_000, maxConcurrent: 1_000 };

export function benchSettings(sims: Simulators, limits: LimitsMode): TenantSettingsInput {
  return {
    servicenow: { instanceUrl: sims.sn.url, auth: 'basic', username: integrationUser },
    slack: { apiBaseUrl: sims.slack.apiUrl, channel: channelId, teamId },
    approvals: { approvers: [approvers.alice, approvers.bob], timeoutSeconds: 3600 },
    routing: {
      rules: [{
        name: 'VPN and network outages',
        when: [{ field: 'short_description', containsAny: ['vpn', 'network'] }],
        set: { assignmentGroup: sims.groupId, assignmentGroupName: networkGroupName, category: 'network', impact: '2', urgency: '1' },
      }],
    },
    // Lifted means every bucket: the connectors' and each Slack method's (postMessage is per channel).
    ...(limits === 'lifted' ? {
      rateLimits: {
        servicenow: LIFTED, slack: LIFTED, 'slack.chat.postMessage': LIFTED, 'slack.chat.update': LIFTED,
        'slack.chat.postEphemeral': LIFTED, 'slack.users.info': LIFTED,
      },
    } : {}),
    // A reconciliation pass would start runs of its own in the middle of the measurement.
    reconcile: { enabled: false },
  };
}

export async function createBenchTenant(apiUrl: string, adminToken: string, sims: Simulators, limits: LimitsMode): Promise<BenchTenant> {
  // A fresh slug each run: an older start.ts keeps its database in ./.data across runs.
  const slug = `bench-${randomBytes(4).toString('hex')}`;
  const res = await fetch(`${apiUrl}/admin/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      slug, name: 'Load benchmark', settings: benchSettings(sims, limits),
      secrets: { servicenow_password: sims.snPassword, slack_bot_token: sims.botToken, slack_signing_secret: sims.signingSecret },
    }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`tenant creation answered ${res.status}: ${text}`);
  const body = JSON.parse(text) as { routes?: { servicenowWebhookUrl?: unknown; slackInteractivityUrl?: unknown }; webhookSecret?: unknown };
  const webhookUrl = body.routes?.servicenowWebhookUrl;
  const interactivityUrl = body.routes?.slackInteractivityUrl;
  const webhookSecret = body.webhookSecret;
  if (typeof webhookUrl !== 'string' || typeof interactivityUrl !== 'string' || typeof webhookSecret !== 'string') {
    throw new Error('tenant creation answer lacks the routes or the webhook secret');
  }
  return { slug, webhookUrl, interactivityUrl, webhookSecret };
}
