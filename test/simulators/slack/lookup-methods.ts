import { EMAIL_SCOPE } from './method-scopes';
import { failure, success, type MethodHandler, type MethodOutcome } from './method-context';
import { stringParam } from './request-params';

/** auth.test: identifies the bot token's workspace and bot user. */
export const authTest: MethodHandler = ({ workspace: w }): MethodOutcome =>
  success({
    url: `https://${w.domain}.slack.com/`,
    team: w.domain,
    user: w.botName,
    team_id: w.teamId,
    user_id: w.botUserId,
    bot_id: w.botId,
    app_id: w.appId,
    is_enterprise_install: false,
  });

/**
 * auth.revoke: revokes the calling bot token (as a disconnect does); later calls get token_revoked.
 * For a rotating OAuth token the install's refresh tokens die with it, or the app could mint more.
 */
export const authRevoke: MethodHandler = ({ store, workspace }): MethodOutcome => {
  store.revokeToken(workspace.botToken);
  store.oauth.tokens.revokeAccessToken(workspace.botToken);
  return success({ revoked: true });
};

/**
 * users.info: a user of the caller's workspace. profile.email needs users:read.email; seeded
 * tokens are assumed to have it, OAuth tokens show it only when granted.
 */
export const usersInfo: MethodHandler = (ctx): MethodOutcome => {
  const id = stringParam(ctx.params, 'user');
  const user = id === undefined ? undefined : ctx.store.user(ctx.workspace.teamId, id);
  if (user === undefined) return failure('user_not_found');
  const showEmail = ctx.scopes === undefined || ctx.scopes.has(EMAIL_SCOPE);
  return success({
    user: {
      id: user.id,
      team_id: user.teamId,
      name: user.name,
      deleted: user.deleted,
      real_name: user.realName,
      tz: 'Etc/UTC',
      tz_label: 'Coordinated Universal Time',
      tz_offset: 0,
      is_bot: user.isBot,
      is_app_user: false,
      profile: {
        real_name: user.realName,
        display_name: user.name,
        ...(user.email === undefined || !showEmail ? {} : { email: user.email }),
        team: user.teamId,
      },
    },
  });
};

/** usergroups.users.list: member ids of a user group (subteam). */
export const userGroupUsersList: MethodHandler = (ctx): MethodOutcome => {
  const id = stringParam(ctx.params, 'usergroup');
  const group = id === undefined ? undefined : ctx.store.userGroup(ctx.workspace.teamId, id);
  if (group === undefined) return failure('no_such_subteam');
  return success({ users: [...group.users] });
};

/** conversations.info: basic public-channel metadata. */
export const conversationsInfo: MethodHandler = (ctx): MethodOutcome => {
  const id = stringParam(ctx.params, 'channel');
  const channel = id === undefined ? undefined : ctx.store.anyChannel(id);
  if (channel === undefined || channel.teamId !== ctx.workspace.teamId) return failure('channel_not_found');
  return success({
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: true,
      is_group: false,
      is_im: false,
      is_private: false,
      is_archived: false,
      is_member: channel.botIsMember,
      created: channel.created,
      context_team_id: channel.teamId,
    },
  });
};
