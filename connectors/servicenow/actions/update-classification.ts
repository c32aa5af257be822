/** Write: the incident's category, subcategory, impact and urgency (priority follows), behind approval. */
import { z } from 'zod';
import { defineServiceNowAction } from '../connection';
import { priorityFor, priorityLabels } from '../incident';
import { fieldUpdatePreview, incidentRecordBatch } from '../incident-record';
import { incidentWriteOutput, serviceNowScopes, sysIdSchema } from '../schemas';

const level = z.enum(['1', '2', '3']);

export const updateClassification = defineServiceNowAction({
  actionId: 'servicenow.incident.update_classification',
  name: 'Update category / priority',
  description: 'Sets category, subcategory, impact and/or urgency; ServiceNow derives priority from impact × urgency (shown to the approver, not written). Same stale-field guard as the assignment update.',
  kind: 'write',
  input: z.strictObject({
    sysId: sysIdSchema,
    category: z.string().max(40).optional().describe('"" clears it'),
    subcategory: z.string().max(40).optional().describe('"" clears it'),
    impact: level.optional().describe('1 high, 2 medium, 3 low'),
    urgency: level.optional().describe('1 high, 2 medium, 3 low'),
  }).refine((i) => [i.category, i.subcategory, i.impact, i.urgency].some((v) => v !== undefined), 'set at least one field'),
  output: incidentWriteOutput,
  approvalGate: 'external_write',
  riskLevel: 'medium',
  auditRequired: true,
  scopes: [serviceNowScopes.incidentRead, serviceNowScopes.incidentWrite, serviceNowScopes.userRead],
  idempotency: 'natural',
  reversal: {
    reversible: true,
    compensatingActionId: 'servicenow.incident.update_classification',
    procedure: 'Run the same action with the before values recorded in write_log; fields changed by a human since are left alone.',
  },
  async preview(ctx, input) {
    const { incident, ...preview } = await fieldUpdatePreview(ctx, input.sysId,
      { category: input.category, subcategory: input.subcategory, impact: input.impact, urgency: input.urgency });
    const priority = priorityFor(input.impact ?? incident.fields.impact, input.urgency ?? incident.fields.urgency);
    if (priority && priority !== incident.fields.priority && (input.impact || input.urgency) && preview.changes.length > 0) {
      // Shown so the approver knows where priority lands; ServiceNow computes it, so it is not written.
      preview.changes.push({
        field: 'priority', from: incident.fields.priority, to: priority, derived: true,
        fromLabel: priorityLabels[incident.fields.priority] ?? incident.fields.priority, toLabel: priorityLabels[priority] ?? priority,
      });
    }
    return preview;
  },
  revertInput: (sysId, prior) => ({
    sysId,
    ...(prior.category !== undefined ? { category: prior.category } : {}),
    ...(prior.subcategory !== undefined ? { subcategory: prior.subcategory } : {}),
    ...(prior.impact !== undefined ? { impact: prior.impact as '1' | '2' | '3' } : {}),
    ...(prior.urgency !== undefined ? { urgency: prior.urgency as '1' | '2' | '3' } : {}),
  }),
  batch: incidentRecordBatch,
});
