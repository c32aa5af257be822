/**
 * Public record shapes of the ServiceNow simulator, as a Table API client sees them.
 * Every value is a string on the wire; references are `{link, value}` or `""`.
 */

/** A reference field on the wire: the REST link to the target record plus its sys_id. */
export interface ReferenceValue {
  link: string;
  value: string;
}

/** The two journal fields of an incident. */
export type JournalElement = 'work_notes' | 'comments';

/**
 * An incident as the state helpers (`createIncident`, `getIncident`, …) return it: raw stored
 * values, with references as bare sys_ids — what `GET …?sysparm_exclude_reference_link=true`
 * renders — so tests compare them to ids directly. Over HTTP, references default to `{link, value}`.
 * `work_notes` and `comments` always read back `""`; their content lives in `sys_journal_field`.
 */
export interface IncidentRecord {
  [field: string]: string;
  sys_id: string;
  number: string;
  short_description: string;
  description: string;
  category: string;
  subcategory: string;
  impact: string;
  urgency: string;
  priority: string;
  state: string;
  incident_state: string;
  assignment_group: string;
  assigned_to: string;
  caller_id: string;
  opened_by: string;
  opened_at: string;
  resolved_at: string;
  closed_at: string;
  sys_created_on: string;
  sys_created_by: string;
  sys_updated_on: string;
  sys_updated_by: string;
  sys_mod_count: string;
  active: string;
  work_notes: string;
  comments: string;
  comments_and_work_notes: string;
  close_code: string;
  close_notes: string;
  cmdb_ci: string;
}

/** One row of `sys_journal_field`: a single work note or comment on a record. */
export interface JournalEntry {
  sys_id: string;
  /** The table of the record the entry belongs to, e.g. `incident`. */
  name: string;
  element: JournalElement;
  /** sys_id of the record the entry belongs to. */
  element_id: string;
  value: string;
  sys_created_on: string;
  sys_created_by: string;
}

/** A stored row: raw values only, every value a string, references as bare sys_ids. */
export type Row = Record<string, string>;

/** Source of "now"; injectable so tests can move time (token expiry, rate-limit windows). */
export type Clock = () => Date;
