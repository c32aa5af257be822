/**
 * What every incident write shares: reading the incident once per step, presenting it to the
 * approver (subject, requesters who may not approve), the exact field diff, and applying every
 * approved write of one incident in ONE PATCH (fields and the work note together), guarded and
 * idempotent:
 * - a field already holding the approved value is "already_applied";
 * - a field a human changed since the approval was requested is left alone ("skipped_stale");
 * - the work note carries the plan's marker. A PATCH is atomic on the record, so after a lost
 *   response (or a crash) a retry can tell what landed: the fields read back with their approved
 *   values and the marker is in the journal. The journal is searched only when the record
 *   changed since planning (`sys_mod_count` moved): an untouched record cannot hold the note.
 */
import type { ActionContext, ApprovalSubject, ApprovedWrite, FieldChange, FieldWriteResult, WriteBatch, WritePreview, WriteReceipt } from '../framework/action-contract';
import type { IncidentWrite } from './client';
import type { ServiceNowConnection } from './connection';
import { lookupRequesterEmail } from './requester-identity';
import { priorityLabels, stateLabels, type Incident, type IncidentFieldName } from './incident';
import type { IncidentWriteOutput } from './schemas';

/** Fields the write actions may set (the PATCH body's keys). */
export type WritableField = keyof IncidentWrite;

/** The incident as it is now, read once per step however many actions look at it. */
export function readIncident(ctx: ActionContext<ServiceNowConnection>, sysId: string): Promise<Incident> {
  return ctx.memo(`servicenow:incident:${sysId}`, () => ctx.connection.getIncident(sysId));
}

/**
 * The e-mail of a requester (cached a few minutes per process: the same callers come back); a
 * user without one is reported, not guessed, and an outage fails the step, which is retried.
 */
async function requester(ctx: ActionContext<ServiceNowConnection>, role: string, userSysId: string): Promise<ApprovalSubject['requesters'][number] | undefined> {
  if (!userSysId) return undefined;
  return { role, ...(await lookupRequesterEmail(ctx.connection, userSysId, { tenantId: ctx.tenantId })) };
}

/** The incident as the approver sees it, with the caller and opener, who may not approve changes to it. */
export async function incidentSubject(ctx: ActionContext<ServiceNowConnection>, incident: Incident): Promise<ApprovalSubject> {
  const requesters = [
    await requester(ctx, 'caller', incident.fields.caller_id),
    await requester(ctx, 'opener', incident.fields.opened_by),
  ].filter((r) => r !== undefined);
  return {
    connectorId: 'servicenow', kind: 'incident', id: incident.sysId, label: incident.number,
    title: incident.fields.short_description || '(no short description)',
    facts: [
      { label: 'Priority (when requested)', value: priorityLabels[incident.fields.priority] ?? (incident.fields.priority || '—') },
      { label: 'State', value: stateLabels[incident.fields.state] ?? (incident.fields.state || '—') },
      { label: 'Last updated by', value: incident.fields.sys_updated_by || '—' },
    ],
    version: incident.modCount,
    requesters,
  };
}

/**
 * The preview of setting `values` on the incident: only fields that would change, each with the
 * value it replaces; `labels` are readable names of values (a group's name for its sys_id),
 * shown for the old and the new value alike.
 */
export async function fieldUpdatePreview(
  ctx: ActionContext<ServiceNowConnection>, sysId: string, values: Partial<Record<WritableField, string>>, labels: Readonly<Record<string, string>> = {},
): Promise<WritePreview & { incident: Incident }> {
  const incident = await readIncident(ctx, sysId);
  const changes: FieldChange[] = [];
  for (const [field, to] of Object.entries(values)) {
    if (to === undefined) continue;
    const from = incident.fields[field as IncidentFieldName] ?? '';
    if (from === to) continue;
    const fromLabel = from ? labels[from] : undefined;
    const toLabel = to ? labels[to] : undefined;
    changes.push({ field, from, to, ...(fromLabel ? { fromLabel } : {}), ...(toLabel ? { toLabel } : {}) });
  }
  return { subject: await incidentSubject(ctx, incident), changes, incident };
}

/** The idempotency marker of a plan's work note. */
export function workNoteMarker(planKey: string): string {
  return `[gatehouse:${planKey}]`;
}

function overall(fields: FieldWriteResult[]): IncidentWriteOutput['outcome'] {
  if (fields.some((f) => f.outcome === 'applied')) return 'applied';
  if (fields.some((f) => f.outcome === 'skipped_stale')) return 'skipped_stale';
  if (fields.some((f) => f.outcome === 'already_applied')) return 'already_applied';
  return 'no_change';
}

/** Compares each approved field with the incident as it is now; adds the writable ones to `update`. */
function guardFields(current: Incident, changes: FieldChange[], update: IncidentWrite): FieldWriteResult[] {
  return changes.filter((c) => !c.derived && c.field !== 'work_notes').map((change) => {
    const now = current.fields[change.field as IncidentFieldName] ?? '';
    if (now === change.to) return { field: change.field, before: change.from, after: change.to, outcome: 'already_applied' };
    if (now !== change.from) return { field: change.field, before: change.from, after: change.to, outcome: 'skipped_stale', currentValue: now };
    update[change.field as WritableField] = change.to;
    return { field: change.field, before: change.from, after: change.to, outcome: 'applied' };
  });
}

/** Whether this plan's note is already on the incident (an earlier attempt's PATCH landed). */
async function noteLanded(ctx: ActionContext<ServiceNowConnection>, write: ApprovedWrite, current: Incident): Promise<boolean> {
  const planned = write.approved.subject.version;
  if (planned !== undefined && current.modCount === planned) return false;
  return (await ctx.connection.findWorkNotes(current.sysId, workNoteMarker(ctx.planKey))).length > 0;
}

/** Every approved write of one incident as one PATCH (cost: one GET and at most one PATCH). */
export const incidentRecordBatch: WriteBatch<ServiceNowConnection> = {
  id: 'servicenow.incident-record',
  async apply(ctx, writes): Promise<WriteReceipt[]> {
    const sysId = writes[0]!.approved.subject.id;
    const current = await ctx.connection.getIncident(sysId);
    const update: IncidentWrite = {};
    const receipts: WriteReceipt[] = [];
    for (const write of writes) {
      const fields = guardFields(current, write.approved.changes, update);
      const note = write.approved.changes.find((c) => c.field === 'work_notes');
      if (note) {
        const landed = await noteLanded(ctx, write, current);
        if (!landed) update.work_notes = note.to;
        fields.push({ field: 'work_notes', before: '', after: note.to, outcome: landed ? 'already_applied' : 'applied' });
      }
      const output: IncidentWriteOutput = { actionId: write.actionId, outcome: overall(fields), fields };
      receipts.push({ output, fields });
    }
    if (Object.keys(update).length > 0) await ctx.connection.updateIncident(sysId, update);
    return receipts;
  },
};
