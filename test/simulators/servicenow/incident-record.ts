import type { IncidentRecord, Row } from './types';

/** A detached copy of a stored incident with every field present (raw values, references as sys_ids). */
export function toIncidentRecord(row: Row): IncidentRecord {
  const text = (field: string): string => row[field] ?? '';
  return {
    sys_id: text('sys_id'),
    number: text('number'),
    short_description: text('short_description'),
    description: text('description'),
    category: text('category'),
    subcategory: text('subcategory'),
    impact: text('impact'),
    urgency: text('urgency'),
    priority: text('priority'),
    state: text('state'),
    incident_state: text('incident_state'),
    assignment_group: text('assignment_group'),
    assigned_to: text('assigned_to'),
    caller_id: text('caller_id'),
    opened_by: text('opened_by'),
    opened_at: text('opened_at'),
    resolved_at: text('resolved_at'),
    closed_at: text('closed_at'),
    sys_created_on: text('sys_created_on'),
    sys_created_by: text('sys_created_by'),
    sys_updated_on: text('sys_updated_on'),
    sys_updated_by: text('sys_updated_by'),
    sys_mod_count: text('sys_mod_count'),
    active: text('active'),
    // Journal fields always read back empty; their content is in sys_journal_field.
    work_notes: '',
    comments: '',
    comments_and_work_notes: '',
    close_code: text('close_code'),
    close_notes: text('close_notes'),
    cmdb_ci: text('cmdb_ci'),
  };
}
