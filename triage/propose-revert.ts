/**
 * Turns what a run wrote (its write-log rows) and the incident as it is now into the actions
 * that undo it. A field is only put back while it still holds the value the run wrote: if
 * someone changed it since, their change stands and the field is listed as left alone. Which
 * writes can be undone, and with what input, each action says itself (`reversal.reversible` and
 * `revertInput`). Work notes are journal entries and cannot be taken back; the revert adds a
 * correcting note.
 */
import { findAction } from '../action-runtime/action-catalog';
import type { ActionCall } from '../action-runtime/plan-types';
import type { Incident, IncidentFieldName } from '../connectors/servicenow/incident';
import type { WriteActionDefinition } from '../connectors/framework/types';
import type { WriteLogRow } from '../db/write-log-repo';
import type { FieldLeftAlone, RevertTarget } from './types';

export interface RevertProposal {
  calls: ActionCall[];
  leftAlone: FieldLeftAlone[];
}

/** The write action behind a row, when it can be reverted. */
function revertibleAction(actionId: string): WriteActionDefinition | undefined {
  const action = findAction(actionId)?.action;
  return action?.kind === 'write' && action.reversal.reversible && action.revertInput ? action : undefined;
}

/** The rows a revert can put back: fields the run really changed with an action that can be reverted. */
export function revertibleWrites(rows: readonly WriteLogRow[]): WriteLogRow[] {
  return rows.filter((row) => row.status === 'applied' && revertibleAction(row.action) !== undefined);
}

function isIncidentField(field: string, incident: Incident): field is IncidentFieldName {
  return Object.hasOwn(incident.fields, field);
}

export function proposeRevert(input: {
  incident: Incident;
  rows: readonly WriteLogRow[];
  target: RevertTarget;
  /** Readable names of values (a group's name for its sys_id), when known. */
  labels?: Readonly<Record<string, string>>;
}): RevertProposal {
  const { incident, target } = input;
  const priorByAction = new Map<string, Record<string, string>>();
  const leftAlone: FieldLeftAlone[] = [];
  const said: string[] = [];
  for (const row of revertibleWrites(input.rows)) {
    if (!isIncidentField(row.field, incident)) continue;
    const written = row.afterValue ?? '';
    const before = row.beforeValue ?? '';
    const now = incident.fields[row.field];
    if (now === written && written !== before) {
      priorByAction.set(row.action, { ...(priorByAction.get(row.action) ?? {}), [row.field]: before });
      const name = (value: string) => input.labels?.[value] ?? (value || '(empty)');
      said.push(`${row.field.replace(/_/g, ' ')}: ${name(written)} → ${name(before)}`);
    } else {
      leftAlone.push({ field: row.field, reason: now === before ? 'already_reverted' : 'changed_since', currentValue: now, writtenValue: written });
    }
  }

  const calls: ActionCall[] = [...priorByAction].map(([actionId, prior]) => ({
    actionId, input: revertibleAction(actionId)!.revertInput!(incident.sysId, prior, input.labels ?? {}),
  }));
  if (calls.length === 0) return { calls, leftAlone };

  const kept = leftAlone.length
    ? ` Left as they are (changed since the triage): ${leftAlone.map((f) => f.field.replace(/_/g, ' ')).join(', ')}.`
    : '';
  const note = `Gatehouse revert of triage run ${target.workflowId}/${target.runId} (asked for by ${target.requestedBy}: ${target.reason}): `
    + `${said.join('; ')}.${kept} Applied only after a person approved it in Gatehouse (Slack, the console or the admin API).`;
  calls.push({ actionId: 'servicenow.incident.add_work_note', input: { sysId: incident.sysId, note } });
  return { calls, leftAlone };
}
