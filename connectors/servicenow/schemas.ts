/**
 * Schemas shared by the ServiceNow actions: record ids, and the result every incident write
 * returns (what happened to each field). Each action file builds its own input from these.
 */
import { z } from 'zod';

export const sysIdSchema = z.string().regex(/^[0-9a-f]{32}$/).describe('The record\'s 32-character sys_id');
export const incidentNumberSchema = z.string().regex(/^[A-Z]{2,10}\d{4,12}$/).describe('The incident number, e.g. INC0010001');

/** Table ACL operations the integration user needs (ServiceNow has no OAuth scopes per table). */
export const serviceNowScopes = {
  incidentRead: 'table:incident:read',
  incidentWrite: 'table:incident:write',
  journalRead: 'table:sys_journal_field:read',
  userRead: 'table:sys_user:read',
} as const;

const fieldWriteResult = z.strictObject({
  field: z.string(),
  before: z.string(),
  after: z.string(),
  outcome: z.enum(['applied', 'already_applied', 'skipped_stale', 'shadow']),
  currentValue: z.string().optional().describe('For skipped_stale: the value a human put there after the approval was requested'),
});

/** What an incident write did, field by field. */
export const incidentWriteOutput = z.strictObject({
  actionId: z.string(),
  outcome: z.enum(['applied', 'already_applied', 'skipped_stale', 'shadow', 'no_change']),
  fields: z.array(fieldWriteResult),
});
export type IncidentWriteOutput = z.infer<typeof incidentWriteOutput>;
