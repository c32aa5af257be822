import type { AuthorizationCode, OAuthAppRecord } from './oauth-store';
import type { IssuedTokens, OAuthGrant } from './oauth-tokens';
import type { SlackStore } from './store';
import type { WorkspaceRecord } from './types';

/**
 * Turns an exchanged code into an install. When the app is the workspace's seeded app (same
 * app id) the install speaks as the seeded bot; otherwise the app gets its own bot user, added
 * to the workspace so users.info on it works as in Slack.
 */
export function grantFromCode(store: SlackStore, app: OAuthAppRecord, code: AuthorizationCode): OAuthGrant | undefined {
  const workspace = store.workspace(code.teamId);
  if (workspace === undefined) return undefined;
  return {
    clientId: app.clientId,
    teamId: workspace.teamId,
    // The simulator has no separate display name for a workspace; its domain stands in.
    teamName: workspace.domain,
    userId: code.userId,
    scopes: [...code.scopes],
    bot: appBot(store, workspace, app),
    rotation: app.tokenRotation,
    lifetimeSeconds: app.accessTokenLifetimeSeconds,
  };
}

function appBot(store: SlackStore, workspace: WorkspaceRecord, app: OAuthAppRecord): WorkspaceRecord {
  if (app.appId === workspace.appId) return { ...workspace };
  const bot: WorkspaceRecord = {
    ...workspace,
    botUserId: `UB${app.appId.slice(1)}`,
    botId: `BB${app.appId.slice(1)}`,
    appId: app.appId,
  };
  if (store.user(workspace.teamId, bot.botUserId) === undefined) {
    store.addUser({ id: bot.botUserId, teamId: workspace.teamId, name: bot.botName, isBot: true });
  }
  return bot;
}

/** The oauth.v2.access success body, field for field as Slack documents it. */
export function accessResponse(grant: OAuthGrant, tokens: IssuedTokens): Record<string, unknown> {
  return {
    ok: true,
    access_token: tokens.accessToken,
    token_type: 'bot',
    scope: grant.scopes.join(','),
    bot_user_id: grant.bot.botUserId,
    app_id: grant.bot.appId,
    team: { id: grant.teamId, name: grant.teamName },
    enterprise: null,
    is_enterprise_install: false,
    authed_user: { id: grant.userId },
    ...(tokens.refreshToken === undefined ? {} : { refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn }),
  };
}
