/**
 * Turns an incident and the routing rule it matched into the actions the triage run asks for:
 * the assignment, the classification and a work note saying why — only for fields that would
 * actually change, so an already-triaged incident yields none. What each action changes, from
 * what, is read by the actions' previews when the plan is made.
 */
import type { ActionCall } from '../action-runtime/plan-types';
import type { Incident, IncidentFieldName } from '../connectors/servicenow/incident';
import type { RoutingRule } from './routing-rules';

function differs(incident: Incident, field: IncidentFieldName, to: string | undefined): to is string {
  return to !== undefined && incident.fields[field] !== to;
}

function describe(changes: Array<[string, string, string | undefined]>): string {
  return changes.map(([field, from, to]) => `${field.replace(/_/g, ' ')}: ${from || '(empty)'} → ${to}`).join('; ');
}

export function proposeChanges(incident: Incident, rule: RoutingRule): ActionCall[] {
  const set = rule.set;
  const sysId = incident.sysId;
  const said: Array<[string, string, string | undefined]> = [];
  const calls: ActionCall[] = [];

  const assignment = {
    ...(differs(incident, 'assignment_group', set.assignmentGroup) ? { assignmentGroup: set.assignmentGroup } : {}),
    ...(differs(incident, 'assigned_to', set.assignedTo) ? { assignedTo: set.assignedTo } : {}),
  };
  if (Object.keys(assignment).length) {
    const labels = set.assignmentGroup && set.assignmentGroupName ? { [set.assignmentGroup]: set.assignmentGroupName } : undefined;
    calls.push({ actionId: 'servicenow.incident.update_assignment', input: { sysId, ...assignment, ...(labels ? { labels } : {}) } });
    if (assignment.assignmentGroup) said.push(['assignment_group', incident.fields.assignment_group, set.assignmentGroupName ?? set.assignmentGroup]);
    if (assignment.assignedTo) said.push(['assigned_to', incident.fields.assigned_to, set.assignedTo]);
  }

  const classification: Record<string, string> = {};
  for (const [key, field] of [['category', 'category'], ['subcategory', 'subcategory'], ['impact', 'impact'], ['urgency', 'urgency']] as const) {
    const to = set[key];
    if (differs(incident, field, to)) {
      classification[key] = to;
      said.push([field, incident.fields[field], to]);
    }
  }
  if (Object.keys(classification).length) calls.push({ actionId: 'servicenow.incident.update_classification', input: { sysId, ...classification } });
  if (calls.length === 0) return calls;

  const note = `Gatehouse triage (rule "${rule.name}"): ${describe(said)}. Applied only after a person approved it in Gatehouse (Slack, the console or the admin API).`;
  calls.push({ actionId: 'servicenow.incident.add_work_note', input: { sysId, note } });
  return calls;
}
