/**
 * Every approved ServiceNow write of a run, as ONE PATCH (fields and the work note together),
 * idempotent and guarded:
 * - a field already holding the approved value is "already_applied";
 * - a field a human changed since the approval was requested is left alone ("skipped_stale");
 * - the work note carries the run's marker. A PATCH is atomic on the record, so after a lost
 *   response (or a crash) a retry can tell what landed: the fields read back with their approved
 *   values and the marker is in the journal. The journal is searched only when the record
 *   changed since the run planned (`sys_mod_count` moved): an untouched record cannot hold this
 *   run's note. (Not the attempt number: a local activity re-run after a worker crash starts
 *   again at attempt 1.)
 * - the prior value of every field is recorded in write_log so the write can be reverted, in one
 *   transaction with the run's audit events (the decision's, handed in, and one per action).
 *
 * Cost on the first attempt: one GET and one PATCH to ServiceNow, one database transaction.
 */
import { Context } from '@temporalio/activity';
import type { IncidentWrite, ServiceNowClient } from '../connectors/servicenow/client';
import type { Incident } from '../connectors/servicenow/incident';
import { appendAuditEventsWith, inTransaction, type NewAuditEvent } from '../db/audit-repo';
import { recordWrite } from '../db/write-log-repo';
import { loadTenant, serviceNowClientFor } from '../tenancy/tenant-context';
import { workNoteMarker } from '../triage/propose-changes';
import type { ActionWriteResult, FieldWriteResult, ProposedAction, WriteOutcome } from '../triage/types';
import { runKey } from '../workflows/triage-ids';
import type { ActivityDeps } from './deps';
import { withFailureMapping } from './failures';
import { toAuditEvents, type RunAuditEvent } from './run-audit';

export interface ApplyApprovedWritesInput {
  tenantId: string;
  workflowId: string;
  /** The Temporal run: its writes and its work note are this run's, not an earlier run's of the same id. */
  runId: string;
  sysId: string;
  /** The approved actions (policy did not block them), in plan order. */
  actions: ProposedAction[];
  approver: string;
  /** The decision's audit events, recorded with the writes. */
  audit?: RunAuditEvent[];
  /** The incident's sys_mod_count when the run planned (see noteLanded). */
  plannedModCount?: number;
}

const workNoteAction = 'servicenow.incident.add_work_note';

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

/** Compares each approved field with the incident as it is now; adds the writable ones to `update`. */
function guardFields(current: Incident, action: ProposedAction, update: IncidentWrite): FieldWriteResult[] {
  return action.changes.filter((c) => !c.derived).map((change) => {
    const now = current.fields[change.field as keyof Incident['fields']] ?? '';
    if (now === change.to) return { field: change.field, before: change.from, after: change.to, outcome: 'already_applied' };
    if (now !== change.from) return { field: change.field, before: change.from, after: change.to, outcome: 'skipped_stale', currentValue: now };
    update[change.field as keyof IncidentWrite] = change.to;
    return { field: change.field, before: change.from, after: change.to, outcome: 'applied' };
  });
}

/** Whether this run's note is already on the incident (an earlier attempt's PATCH landed). */
async function noteLanded(client: ServiceNowClient, input: ApplyApprovedWritesInput, current: Incident): Promise<boolean> {
  if (input.plannedModCount !== undefined && current.modCount === input.plannedModCount) return false;
  return (await client.findWorkNotes(input.sysId, workNoteMarker(runKey(input.workflowId, input.runId)))).length > 0;
}

export function createApplyApprovedWrites(deps: ActivityDeps) {
  return async function applyApprovedWrites(input: ApplyApprovedWritesInput): Promise<ActionWriteResult[]> {
    return withFailureMapping(async () => {
      const attempt = Context.current().info.attempt;
      const tenant = await loadTenant(deps, input.tenantId);
      const client = await serviceNowClientFor(deps, tenant);
      const current = await client.getIncident(input.sysId);

      const update: IncidentWrite = {};
      const results: ActionWriteResult[] = [];
      for (const action of input.actions) {
        let fields: FieldWriteResult[];
        if (action.policy.shadow) {
          fields = shadowFields(action);
        } else if (action.actionId === workNoteAction) {
          const note = action.changes[0]?.to ?? '';
          const landed = await noteLanded(client, input, current);
          if (!landed) update.work_notes = note;
          fields = [{ field: 'work_notes', before: '', after: note, outcome: landed ? 'already_applied' : 'applied' }];
        } else {
          fields = guardFields(current, action, update);
        }
        results.push({ actionId: action.actionId, outcome: overall(fields), fields });
      }
      if (Object.keys(update).length > 0) await client.updateIncident(input.sysId, update);

      const events: NewAuditEvent[] = toAuditEvents(input.tenantId, input.workflowId, input.audit);
      for (const [i, result] of results.entries()) {
        const action = input.actions[i]!;
        const shadow = action.policy.shadow;
        events.push({
          tenantId: input.tenantId, workflowId: input.workflowId, type: shadow ? 'action.shadow_write' : 'action.write', actor: input.approver, outcome: result.outcome,
          detail: {
            action: action.actionId, incident: current.number, attempt, policy: action.policy,
            fields: result.fields.map((f) => ({ field: f.field, outcome: f.outcome, ...(shadow ? { wouldWrite: f.after, current: current.fields[f.field as keyof typeof current.fields] ?? '' } : {}) })),
          },
        });
      }
      await inTransaction(deps.pool, async (db) => {
        for (const [i, result] of results.entries()) {
          for (const field of result.fields) {
            await recordWrite(db, {
              tenantId: input.tenantId, workflowId: input.workflowId, runId: input.runId, incidentSysId: input.sysId,
              action: input.actions[i]!.actionId, field: field.field, beforeValue: field.before, afterValue: field.after,
              status: field.outcome, detail: { attempt, ...(field.currentValue !== undefined ? { currentValue: field.currentValue } : {}) },
            });
          }
        }
        await appendAuditEventsWith(db, events);
      });
      deps.logger.info({ workflowId: input.workflowId, actions: results.map((r) => `${r.actionId}:${r.outcome}`) }, 'servicenow write');
      return results;
    });
  };
}
