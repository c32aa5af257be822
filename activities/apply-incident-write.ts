/**
 * One approved ServiceNow write. Idempotent and guarded:
 * - a field already holding the approved value is "already_applied" (a retry after a lost
 *   response changes nothing twice);
 * - a field a human changed since the approval was requested is left alone ("skipped_stale");
 * - a work note carries a run marker and is only added when no note with that marker exists;
 * - the prior value of every field is recorded in write_log so the write can be reverted.
 */
import { Context } from '@temporalio/activity';
import type { IncidentWrite, ServiceNowClient } from '../connectors/servicenow/client';
import type { Incident } from '../connectors/servicenow/incident';
import { appendAudit } from '../db/audit-repo';
import { recordWrite } from '../db/write-log-repo';
import { loadTenant, serviceNowClientFor } from '../tenancy/tenant-context';
import { workNoteMarker } from '../triage/propose-changes';
import { runKey } from '../workflows/triage-ids';
import type { ActionWriteResult, FieldWriteResult, ProposedAction, WriteOutcome } from '../triage/types';
import type { ActivityDeps } from './deps';
import { withFailureMapping } from './failures';

export interface ApplyIncidentWriteInput {
  tenantId: string;
  workflowId: string;
  /** The Temporal run: its writes and its work note are this run's, not an earlier run's of the same id. */
  runId: string;
  sysId: string;
  action: ProposedAction;
  approver: string;
}

function overall(fields: FieldWriteResult[]): WriteOutcome {
  if (fields.length > 0 && fields.every((f) => f.outcome === 'shadow')) return 'shadow';
  if (fields.some((f) => f.outcome === 'applied')) return 'applied';
  if (fields.some((f) => f.outcome === 'skipped_stale')) return 'skipped_stale';
  if (fields.some((f) => f.outcome === 'already_applied')) return 'already_applied';
  return 'no_change';
}

/** Shadow mode: everything a real write would check and record, except the write itself. */
function shadowFields(action: ProposedAction): FieldWriteResult[] {
  return action.changes.filter((c) => !c.derived).map((c) => ({ field: c.field, before: c.from, after: c.to, outcome: 'shadow' }));
}

async function addWorkNote(client: ServiceNowClient, input: ApplyIncidentWriteInput): Promise<FieldWriteResult[]> {
  const note = input.action.changes[0]?.to ?? '';
  const found = await client.findWorkNotes(input.sysId, workNoteMarker(runKey(input.workflowId, input.runId)));
  if (found.length === 0) await client.updateIncident(input.sysId, { work_notes: note });
  return [{ field: 'work_notes', before: '', after: note, outcome: found.length ? 'already_applied' : 'applied' }];
}

async function updateFields(client: ServiceNowClient, current: Incident, action: ProposedAction): Promise<FieldWriteResult[]> {
  const sysId = current.sysId;
  const update: IncidentWrite = {};
  const fields: FieldWriteResult[] = [];
  for (const change of action.changes.filter((c) => !c.derived)) {
    const now = current.fields[change.field as keyof Incident['fields']] ?? '';
    if (now === change.to) {
      fields.push({ field: change.field, before: change.from, after: change.to, outcome: 'already_applied' });
    } else if (now !== change.from) {
      fields.push({ field: change.field, before: change.from, after: change.to, outcome: 'skipped_stale', currentValue: now });
    } else {
      update[change.field as keyof IncidentWrite] = change.to;
      fields.push({ field: change.field, before: change.from, after: change.to, outcome: 'applied' });
    }
  }
  if (Object.keys(update).length > 0) await client.updateIncident(sysId, update);
  return fields;
}

export function createApplyIncidentWrite(deps: ActivityDeps) {
  return async function applyIncidentWrite(input: ApplyIncidentWriteInput): Promise<ActionWriteResult> {
    return withFailureMapping(async () => {
      const tenant = await loadTenant(deps, input.tenantId);
      const client = await serviceNowClientFor(deps, tenant);
      const current = await client.getIncident(input.sysId);
      const shadow = input.action.policy.shadow;
      const fields = shadow
        ? shadowFields(input.action)
        : input.action.actionId === 'servicenow.incident.add_work_note'
          ? await addWorkNote(client, input)
          : await updateFields(client, current, input.action);

      const attempt = Context.current().info.attempt;
      for (const field of fields) {
        await recordWrite(deps.pool, {
          tenantId: input.tenantId, workflowId: input.workflowId, runId: input.runId, incidentSysId: input.sysId,
          action: input.action.actionId, field: field.field, beforeValue: field.before, afterValue: field.after,
          status: field.outcome, detail: { attempt, ...(field.currentValue !== undefined ? { currentValue: field.currentValue } : {}) },
        });
      }
      const outcome = overall(fields);
      await appendAudit(deps.pool, {
        tenantId: input.tenantId, workflowId: input.workflowId, type: shadow ? 'action.shadow_write' : 'action.write', actor: input.approver, outcome,
        detail: {
          action: input.action.actionId, incident: current.number, attempt, policy: input.action.policy,
          fields: fields.map((f) => ({ field: f.field, outcome: f.outcome, ...(shadow ? { wouldWrite: f.after, current: current.fields[f.field as keyof typeof current.fields] ?? '' } : {}) })),
        },
      });
      deps.logger.info({ workflowId: input.workflowId, action: input.action.actionId, outcome }, 'servicenow write');
      return { actionId: input.action.actionId, outcome, fields };
    });
  };
}
