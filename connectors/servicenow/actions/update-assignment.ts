/** Write: the incident's assignment group and/or assignee, behind approval. */
import { z } from 'zod';
import { defineServiceNowAction } from '../connection';
import { fieldUpdatePreview, incidentRecordBatch } from '../incident-record';
import { incidentWriteOutput, serviceNowScopes, sysIdSchema } from '../schemas';

export const updateAssignment = defineServiceNowAction({
  actionId: 'servicenow.incident.update_assignment',
  name: 'Update assignment group / assignee',
  description: 'Sets assignment_group and/or assigned_to. Re-reads the incident first: a field already at the approved value is left (already_applied); a field a human changed since the approval request is not overwritten (skipped_stale).',
  kind: 'write',
  input: z.strictObject({
    sysId: sysIdSchema,
    assignmentGroup: z.union([sysIdSchema, z.literal('')]).optional().describe('sys_id of the assignment group ("" clears it)'),
    assignedTo: z.union([sysIdSchema, z.literal('')]).optional().describe('sys_id of the assignee ("" clears it)'),
    labels: z.record(z.string(), z.string().max(200)).optional().describe('Readable names of sys_ids (a group\'s name), shown to the approver'),
  }).refine((i) => i.assignmentGroup !== undefined || i.assignedTo !== undefined, 'set assignmentGroup, assignedTo or both'),
  output: incidentWriteOutput,
  approvalGate: 'external_write',
  riskLevel: 'medium',
  auditRequired: true,
  scopes: [serviceNowScopes.incidentRead, serviceNowScopes.incidentWrite, serviceNowScopes.userRead],
  idempotency: 'natural',
  reversal: {
    reversible: true,
    compensatingActionId: 'servicenow.incident.update_assignment',
    procedure: 'Run the same action with the before values recorded in write_log; fields changed by a human since are left alone.',
  },
  preview: (ctx, input) => fieldUpdatePreview(ctx, input.sysId,
    { assignment_group: input.assignmentGroup, assigned_to: input.assignedTo },
    input.labels),
  revertInput: (sysId, prior, labels) => ({
    sysId,
    ...(prior.assignment_group !== undefined ? { assignmentGroup: prior.assignment_group } : {}),
    ...(prior.assigned_to !== undefined ? { assignedTo: prior.assigned_to } : {}),
    labels: { ...labels },
  }),
  batch: incidentRecordBatch,
});
