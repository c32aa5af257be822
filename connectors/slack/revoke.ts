/**
 * The Slack connector's disconnect at the provider: `auth.revoke` of the bot token, which ends
 * the token's access to the workspace (the app stays installed until the workspace admin
 * removes it).
 */
import type { ConnectorEnvironment } from '../framework/types';
import { slackClientFor, TenantConfigError } from '../../tenancy/tenant-context';
import type { WebClient } from '@slack/web-api';

/** Revokes the bot token and says so. Throws when Slack fails otherwise (the activity retries). */
export async function revokeSlackToken(env: ConnectorEnvironment): Promise<string> {
  let slack: WebClient;
  try {
    slack = await slackClientFor(env.deps, env.tenant);
  } catch (err) {
    if (err instanceof TenantConfigError) return `no Slack bot token was stored (${err.message})`;
    throw err;
  }
  try {
    await slack.auth.revoke();
  } catch (err) {
    // A token Slack already refuses is the outcome revoking wants.
    if (/token_revoked|invalid_auth|account_inactive/.test(String(err))) return 'the bot token was already revoked';
    throw err;
  }
  return 'the bot token was revoked with auth.revoke';
}
