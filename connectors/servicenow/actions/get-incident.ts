/** Read: one incident by sys_id or number, references flattened to sys_ids. Changes nothing. */
import { z } from 'zod';
import { defineServiceNowAction } from '../connection';
import { incidentFieldNames } from '../incident';
import { ServiceNowApiError } from '../errors';
import { incidentNumberSchema, serviceNowScopes, sysIdSchema } from '../schemas';

const input = z.union([
  z.strictObject({ sysId: sysIdSchema }),
  z.strictObject({ number: incidentNumberSchema }),
]).describe('Exactly one of sysId or number');

const output = z.strictObject({
  sysId: sysIdSchema,
  number: z.string(),
  modCount: z.number().int().nonnegative().describe('sys_mod_count: increases with every update (used to detect concurrent edits)'),
  fields: z.record(z.enum(incidentFieldNames), z.string()).describe('Raw values; references as sys_ids, "" when empty'),
});

export const getIncident = defineServiceNowAction({
  actionId: 'servicenow.incident.get',
  name: 'Fetch incident',
  description: 'Reads one incident by sys_id or number (Table API GET, references flattened to sys_ids). Changes nothing.',
  kind: 'read',
  input,
  output,
  approvalGate: 'read_only',
  riskLevel: 'low',
  auditRequired: false,
  scopes: [serviceNowScopes.incidentRead],
  idempotency: 'not_applicable',
  sampleInput: { number: 'INC0010001' },
  async run(ctx, args) {
    if ('sysId' in args) return ctx.connection.getIncident(args.sysId);
    const found = await ctx.connection.findIncidentByNumber(args.number);
    if (!found) throw new ServiceNowApiError('not_found', `no incident ${args.number}`);
    return found;
  },
  // An incident the tenant admin named for smoke tests (install config `smokeTestIncident`): a
  // real record of this instance, so a 404 is a failure, not a pass.
  smokeInput: (facts) => (typeof facts.config.smokeTestIncident === 'string' ? { number: facts.config.smokeTestIncident } : undefined),
});
