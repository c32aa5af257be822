/**
 * Read action `slack.users.info`: a user's name, e-mail and whether the account is active, to
 * show approvers by name, refuse deactivated ones, and match approvers to an incident's caller
 * and opener by e-mail (no self-approval). Slack includes `profile.email` only with the
 * `users:read.email` scope, hence both scopes.
 */
import { z } from 'zod';
import { defineSlackAction } from '../connection';
import { parseAnswer } from '../provider-answer';
import { userIdSchema } from '../schemas';

export const inputSchema = z.strictObject({ user: userIdSchema });

export const outputSchema = z.strictObject({
  id: userIdSchema,
  name: z.string(),
  realName: z.string().optional(),
  /** Absent for bots and when the workspace hides addresses from apps. */
  email: z.string().optional(),
  teamId: z.string(),
  isBot: z.boolean(),
  deleted: z.boolean(),
});

/** The fields of users.info's `user` this action reads. */
const answerSchema = z.object({
  user: z.object({
    id: z.string(),
    name: z.string(),
    real_name: z.string().optional(),
    team_id: z.string(),
    is_bot: z.boolean(),
    deleted: z.boolean(),
    profile: z.object({ email: z.string().optional() }).optional(),
  }),
});

export const usersInfoAction = defineSlackAction({
  actionId: 'slack.users.info',
  name: 'Look up user',
  description: 'users.info: a user\'s name, e-mail address and whether the account is active, to show approvers by name, refuse deactivated ones and keep people from approving changes to their own incidents.',
  kind: 'read',
  input: inputSchema,
  output: outputSchema,
  approvalGate: 'read_only',
  riskLevel: 'low',
  auditRequired: false,
  scopes: ['users:read', 'users:read.email'],
  idempotency: 'not_applicable',
  run: async (ctx, input) => {
    const { user } = parseAnswer(answerSchema, await ctx.connection.client.users.info({ user: input.user }), 'users.info');
    return {
      id: user.id, name: user.name, teamId: user.team_id, isBot: user.is_bot, deleted: user.deleted,
      ...(user.real_name === undefined ? {} : { realName: user.real_name }),
      ...(user.profile?.email === undefined ? {} : { email: user.profile.email }),
    };
  },
  // The tenant's first approver: a user the installation must be able to look up.
  smokeInput: (facts) => (facts.settings['approver'] ? { user: facts.settings['approver'] } : undefined),
  sampleInput: { user: 'U0000000000' },
});
