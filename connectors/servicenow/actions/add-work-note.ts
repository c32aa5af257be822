/** Write: an internal work note carrying the plan's idempotency marker, behind approval. */
import { z } from 'zod';
import { defineServiceNowAction } from '../connection';
import { incidentRecordBatch, incidentSubject, readIncident, workNoteMarker } from '../incident-record';
import { incidentWriteOutput, serviceNowScopes, sysIdSchema } from '../schemas';

export const addWorkNote = defineServiceNowAction({
  actionId: 'servicenow.incident.add_work_note',
  name: 'Add a work note',
  description: 'Adds an internal work note ending with the run\'s marker [gatehouse:<run>]. Before a retried write it searches the journal for the marker, so the note is never added twice.',
  kind: 'write',
  input: z.strictObject({
    sysId: sysIdSchema,
    note: z.string().min(1).max(4000).describe('The note; the marker is appended'),
  }),
  output: incidentWriteOutput,
  approvalGate: 'external_write',
  riskLevel: 'low',
  auditRequired: true,
  scopes: [serviceNowScopes.incidentRead, serviceNowScopes.incidentWrite, serviceNowScopes.journalRead, serviceNowScopes.userRead],
  idempotency: 'required',
  reversal: {
    reversible: false,
    compensatingActionId: 'servicenow.incident.add_work_note',
    procedure: 'Journal entries cannot be deleted through the Table API: add a correcting work note that references the original one.',
  },
  async preview(ctx, input) {
    const incident = await readIncident(ctx, input.sysId);
    // The approver sees the note exactly as it will be written, marker included.
    return { subject: await incidentSubject(ctx, incident), changes: [{ field: 'work_notes', from: '', to: `${input.note} ${workNoteMarker(ctx.planKey)}` }] };
  },
  batch: incidentRecordBatch,
});
