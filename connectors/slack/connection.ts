/**
 * The Slack connection every action is handed: the tenant's bot `WebClient` (rate-limited per
 * method and channel, see gated-web-client.ts) and the approval channel the tenant configured,
 * which is where a message goes when an action names no channel.
 */
import type { WebClient } from '@slack/web-api';
import { actionsFor } from '../framework/define-connector';
import type { ConnectorEnvironment } from '../framework/types';
import { slackClientFor } from '../../tenancy/tenant-context';

export interface SlackConnection {
  client: WebClient;
  /** The tenant's approval channel id (settings.slack.channel). */
  approvalChannel: string;
}

/** Opens (or takes from the tenant cache) the tenant's bot client; the API URL is checked on every use. */
export async function connectSlack(env: ConnectorEnvironment): Promise<SlackConnection> {
  return { client: await slackClientFor(env.deps, env.tenant), approvalChannel: env.tenant.settings.slack.channel };
}

/** `defineAction` for Slack actions: `ctx.connection` is the tenant's client and approval channel. */
export const defineSlackAction = actionsFor<SlackConnection>();
