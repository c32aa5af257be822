/**
 * Turns an incident and the routing rule it matched into the exact writes an approver will see.
 * Only fields that would actually change are proposed; an already-triaged incident yields none.
 */
import { priorityFor, priorityLabels, type Incident } from '../connectors/servicenow/incident';
import type { RoutingRule } from './routing-rules';
import type { FieldChange, TriageActionId } from './types';

export interface ProposedWrite {
  actionId: TriageActionId;
  changes: FieldChange[];
}

function change(incident: Incident, field: keyof Incident['fields'], to: string | undefined, toLabel?: string): FieldChange[] {
  if (to === undefined || incident.fields[field] === to) return [];
  return [{ field, from: incident.fields[field], to, ...(toLabel ? { toLabel } : {}) }];
}

/** The text marker that lets a retried write find the note its run already added. */
export function workNoteMarker(key: string): string {
  return `[gatehouse:${key}]`;
}

function describe(changes: FieldChange[]): string {
  return changes
    .map((c) => `${c.field.replace(/_/g, ' ')}: ${c.fromLabel ?? (c.from || '(empty)')} → ${c.toLabel ?? c.to}`)
    .join('; ');
}

export function proposeChanges(incident: Incident, rule: RoutingRule, key: string): ProposedWrite[] {
  const set = rule.set;
  const assignment = [
    ...change(incident, 'assignment_group', set.assignmentGroup, set.assignmentGroupName),
    ...change(incident, 'assigned_to', set.assignedTo),
  ];
  const classification = [
    ...change(incident, 'category', set.category),
    ...change(incident, 'subcategory', set.subcategory),
    ...change(incident, 'impact', set.impact),
    ...change(incident, 'urgency', set.urgency),
  ];
  const newPriority = priorityFor(set.impact ?? incident.fields.impact, set.urgency ?? incident.fields.urgency);
  if (newPriority && newPriority !== incident.fields.priority && (set.impact || set.urgency)) {
    classification.push({
      field: 'priority', from: incident.fields.priority, to: newPriority, derived: true,
      fromLabel: priorityLabels[incident.fields.priority] ?? incident.fields.priority,
      toLabel: priorityLabels[newPriority] ?? newPriority,
    });
  }
  const writes: ProposedWrite[] = [];
  if (assignment.length) writes.push({ actionId: 'servicenow.incident.update_assignment', changes: assignment });
  if (classification.some((c) => !c.derived)) writes.push({ actionId: 'servicenow.incident.update_classification', changes: classification });
  if (writes.length === 0) return writes;

  const summary = writes.map((w) => describe(w.changes)).join('; ');
  const note = `Gatehouse triage (rule "${rule.name}"): ${summary}. Applied after approval in Slack. ${workNoteMarker(key)}`;
  writes.push({ actionId: 'servicenow.incident.add_work_note', changes: [{ field: 'work_notes', from: '', to: note }] });
  return writes;
}
