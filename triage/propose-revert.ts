/**
 * Turns what a triage run wrote (its write-log rows) and the incident as it is now into the
 * writes that undo it. A field is only put back while it still holds the value the run wrote:
 * if someone changed it since, their change stands and the field is listed as left alone.
 * Work notes are journal entries and cannot be taken back; the revert adds a correcting note.
 */
import { priorityFor, priorityLabels, type Incident, type IncidentFieldName } from '../connectors/servicenow/incident';
import type { WriteLogRow } from '../db/write-log-repo';
import type { ProposedWrite } from './propose-changes';
import { workNoteMarker } from './propose-changes';
import type { FieldChange, FieldLeftAlone, RevertTarget, TriageActionId } from './types';

export interface RevertProposal {
  proposals: ProposedWrite[];
  leftAlone: FieldLeftAlone[];
}

const revertible: readonly TriageActionId[] = ['servicenow.incident.update_assignment', 'servicenow.incident.update_classification'];

/** The rows a revert can put back: fields the run really changed (work notes cannot be taken back). */
export function revertibleWrites(rows: readonly WriteLogRow[]): WriteLogRow[] {
  return rows.filter((row) => row.status === 'applied' && revertible.some((a) => a === row.action));
}

function isIncidentField(field: string, incident: Incident): field is IncidentFieldName {
  return Object.hasOwn(incident.fields, field);
}

function describe(changes: FieldChange[]): string {
  return changes.map((c) => `${c.field.replace(/_/g, ' ')}: ${c.fromLabel ?? (c.from || '(empty)')} → ${c.toLabel ?? (c.to || '(empty)')}`).join('; ');
}

export function proposeRevert(input: {
  incident: Incident;
  rows: readonly WriteLogRow[];
  target: RevertTarget;
  /** The revert run's own key, for its work-note marker. */
  key: string;
  /** A readable name for a value (an assignment group's name), when one is known. */
  labelFor?: (field: string, value: string) => string | undefined;
}): RevertProposal {
  const { incident, target } = input;
  const byAction = new Map<TriageActionId, FieldChange[]>();
  const leftAlone: FieldLeftAlone[] = [];
  for (const row of revertibleWrites(input.rows)) {
    const action = revertible.find((a) => a === row.action);
    if (!action || !isIncidentField(row.field, incident)) continue;
    const written = row.afterValue ?? '';
    const before = row.beforeValue ?? '';
    const now = incident.fields[row.field];
    if (now === written && written !== before) {
      const label = (value: string) => input.labelFor?.(row.field, value);
      const fromLabel = label(written);
      const toLabel = label(before);
      const change: FieldChange = { field: row.field, from: written, to: before, ...(fromLabel ? { fromLabel } : {}), ...(toLabel ? { toLabel } : {}) };
      byAction.set(action, [...(byAction.get(action) ?? []), change]);
    } else {
      leftAlone.push({ field: row.field, reason: now === before ? 'already_reverted' : 'changed_since', currentValue: now, writtenValue: written });
    }
  }

  const classification = byAction.get('servicenow.incident.update_classification');
  if (classification?.some((c) => c.field === 'impact' || c.field === 'urgency')) {
    // ServiceNow derives priority from impact × urgency; show the approver where it will land.
    const valueAfter = (field: 'impact' | 'urgency') => classification.find((c) => c.field === field)?.to ?? incident.fields[field];
    const priority = priorityFor(valueAfter('impact'), valueAfter('urgency'));
    if (priority && priority !== incident.fields.priority) {
      classification.push({
        field: 'priority', from: incident.fields.priority, to: priority, derived: true,
        fromLabel: priorityLabels[incident.fields.priority] ?? incident.fields.priority, toLabel: priorityLabels[priority] ?? priority,
      });
    }
  }

  const proposals: ProposedWrite[] = revertible
    .filter((a) => byAction.has(a))
    .map((actionId) => ({ actionId, changes: byAction.get(actionId)! }));
  if (proposals.length === 0) return { proposals, leftAlone };

  const kept = leftAlone.length
    ? ` Left as they are (changed since the triage): ${leftAlone.map((f) => f.field.replace(/_/g, ' ')).join(', ')}.`
    : '';
  const note = `Gatehouse revert of triage run ${target.workflowId}/${target.runId} (asked for by ${target.requestedBy}: ${target.reason}): `
    + `${proposals.map((p) => describe(p.changes)).join('; ')}.${kept} Applied after approval in Slack. ${workNoteMarker(input.key)}`;
  proposals.push({ actionId: 'servicenow.incident.add_work_note', changes: [{ field: 'work_notes', from: '', to: note }] });
  return { proposals, leftAlone };
}
