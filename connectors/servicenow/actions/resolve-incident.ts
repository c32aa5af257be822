/**
 * Write: resolve an incident (state 6 "Resolved" with the close code and notes ServiceNow
 * requires), behind approval. The worked example of docs/writing-workflows.md.
 */
import { z } from 'zod';
import { defineServiceNowAction } from '../connection';
import { fieldUpdatePreview, incidentRecordBatch } from '../incident-record';
import { stateLabels } from '../incident';
import { incidentWriteOutput, serviceNowScopes, sysIdSchema } from '../schemas';

/** ServiceNow's state value for Resolved. */
const resolved = '6';

export const resolveIncident = defineServiceNowAction({
  actionId: 'servicenow.incident.resolve',
  name: 'Resolve incident',
  description: 'Sets state to 6 (Resolved) with close_code and close_notes. A field someone changed since the approval request is not overwritten; an incident already resolved with these values is left as it is.',
  kind: 'write',
  input: z.strictObject({
    sysId: sysIdSchema,
    closeCode: z.string().min(1).max(80).describe('Resolution code, e.g. "Solved (Permanently)"'),
    closeNotes: z.string().min(1).max(4000).describe('Resolution notes shown to the caller'),
  }),
  output: incidentWriteOutput,
  approvalGate: 'external_write',
  riskLevel: 'medium',
  auditRequired: true,
  scopes: [serviceNowScopes.incidentRead, serviceNowScopes.incidentWrite, serviceNowScopes.userRead],
  idempotency: 'natural',
  reversal: {
    reversible: false,
    procedure: 'A resolution stays in the incident\'s history. To undo it, reopen the incident in ServiceNow (state back to the value recorded in write_log); the caller may already have been notified of the resolution.',
  },
  async preview(ctx, input) {
    const { incident: _incident, ...preview } = await fieldUpdatePreview(ctx, input.sysId,
      { state: resolved, close_code: input.closeCode, close_notes: input.closeNotes },
      { [resolved]: stateLabels[resolved] ?? 'Resolved' });
    return preview;
  },
  batch: incidentRecordBatch,
});
