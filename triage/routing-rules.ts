/**
 * Tenant routing rules: the first rule whose conditions all match an incident decides the
 * assignment and classification Gatehouse proposes. Pure and deterministic.
 */
import { z } from 'zod';
import type { Incident } from '../connectors/servicenow/incident';

const matchableFields = ['short_description', 'description', 'category', 'subcategory', 'cmdb_ci', 'caller_id'] as const;
export type MatchableField = (typeof matchableFields)[number];

export const ruleConditionSchema = z
  .object({
    field: z.enum(matchableFields),
    /** Case-insensitive: any of these words or phrases appears in the field. */
    containsAny: z.array(z.string().min(1)).min(1).optional(),
    /** Exact value (raw ServiceNow value, e.g. a sys_id for references). */
    equals: z.string().optional(),
  })
  .refine((c) => c.containsAny !== undefined || c.equals !== undefined, {
    message: 'a condition needs containsAny or equals',
  });

const impactOrUrgency = z.enum(['1', '2', '3']);

export const routingRuleSchema = z.object({
  name: z.string().min(1),
  when: z.array(ruleConditionSchema).min(1),
  set: z
    .object({
      /** sys_id of the sys_user_group to assign. */
      assignmentGroup: z.string().regex(/^[0-9a-f]{32}$/).optional(),
      /** Display name of that group, shown to approvers. */
      assignmentGroupName: z.string().optional(),
      assignedTo: z.string().regex(/^[0-9a-f]{32}$/).optional(),
      category: z.string().min(1).optional(),
      subcategory: z.string().min(1).optional(),
      /** Priority follows from impact and urgency (ServiceNow's lookup rules). */
      impact: impactOrUrgency.optional(),
      urgency: impactOrUrgency.optional(),
    })
    .refine((s) => Object.values(s).some((v) => v !== undefined), { message: 'a rule must set something' }),
});

export type RoutingRule = z.infer<typeof routingRuleSchema>;
export type RuleCondition = z.infer<typeof ruleConditionSchema>;

function conditionMatches(condition: RuleCondition, incident: Incident): boolean {
  const value = incident.fields[condition.field] ?? '';
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.containsAny !== undefined) {
    const haystack = value.toLowerCase();
    if (!condition.containsAny.some((needle) => haystack.includes(needle.toLowerCase()))) return false;
  }
  return true;
}

/** The first rule matching the incident, or undefined when none does. */
export function matchRule(rules: readonly RoutingRule[], incident: Incident): RoutingRule | undefined {
  return rules.find((rule) => rule.when.every((condition) => conditionMatches(condition, incident)));
}
