/**
 * Read action `slack.usergroups.users.list`: the members of a user group, so a tenant can name
 * an approver group instead of individual users.
 */
import { z } from 'zod';
import { defineSlackAction } from '../connection';
import { parseAnswer } from '../provider-answer';
import { userIdSchema } from '../schemas';

export const inputSchema = z.strictObject({
  usergroup: z.string().regex(/^S[A-Z0-9]{2,}$/).describe('User group id (S…)'),
  includeDisabled: z.boolean().optional().describe('Also list members of a disabled group'),
});

export const outputSchema = z.strictObject({ users: z.array(userIdSchema) });

const answerSchema = z.object({ users: z.array(z.string()) });

export const usergroupUsersListAction = defineSlackAction({
  actionId: 'slack.usergroups.users.list',
  name: 'List user group members',
  description: 'usergroups.users.list: the members of a user group, so a tenant can name an approver group instead of individual users.',
  kind: 'read',
  input: inputSchema,
  output: outputSchema,
  approvalGate: 'read_only',
  riskLevel: 'low',
  auditRequired: false,
  scopes: ['usergroups:read'],
  idempotency: 'not_applicable',
  run: async (ctx, input) => {
    const answer = await ctx.connection.client.usergroups.users.list({
      usergroup: input.usergroup, ...(input.includeDisabled === undefined ? {} : { include_disabled: input.includeDisabled }),
    });
    return { users: parseAnswer(answerSchema, answer, 'usergroups.users.list').users };
  },
  // Tenants configure no user group today; an install config may name one to smoke-test.
  smokeInput: (facts) => {
    const usergroup = facts.config['smokeTestUsergroup'];
    return typeof usergroup === 'string' && usergroup !== '' ? { usergroup } : undefined;
  },
  sampleInput: { usergroup: 'S0000000000' },
});
