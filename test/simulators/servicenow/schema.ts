/**
 * The tables the simulator serves and the per-field facts the Table API needs:
 * which fields exist (unknown ones are ignored in queries and writes, as on a real instance),
 * which are references and to what, and the labels of choice fields.
 */

/** Static description of one table. */
export interface TableSchema {
  name: string;
  /** Every field, in the order records render. */
  fields: readonly string[];
  /** Reference field → target table. */
  references: Readonly<Record<string, string>>;
  /** Choice field → (value → label), used for display values. */
  choices: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Field whose value is the record's display value when something references it. */
  displayField: string;
}

const SYS_FIELDS = ['sys_id', 'sys_created_on', 'sys_created_by', 'sys_updated_on', 'sys_updated_by', 'sys_mod_count'] as const;

const STATE_LABELS = { '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Canceled' };
const IMPACT_LABELS = { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' };

/** The incident table: the fields listed in the wire reference (§1 "Incident fields"). */
export const INCIDENT: TableSchema = {
  name: 'incident',
  fields: [
    'sys_id', 'number', 'short_description', 'description', 'category', 'subcategory',
    'impact', 'urgency', 'priority', 'state', 'incident_state',
    'assignment_group', 'assigned_to', 'caller_id', 'opened_by',
    'opened_at', 'resolved_at', 'closed_at',
    'sys_created_on', 'sys_created_by', 'sys_updated_on', 'sys_updated_by', 'sys_mod_count',
    'active', 'work_notes', 'comments', 'comments_and_work_notes', 'close_code', 'close_notes', 'cmdb_ci',
  ],
  references: {
    assignment_group: 'sys_user_group',
    assigned_to: 'sys_user',
    caller_id: 'sys_user',
    opened_by: 'sys_user',
    cmdb_ci: 'cmdb_ci',
  },
  choices: {
    state: STATE_LABELS,
    incident_state: STATE_LABELS,
    impact: IMPACT_LABELS,
    urgency: IMPACT_LABELS,
    priority: { '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low', '5': '5 - Planning' },
  },
  displayField: 'number',
};

/** `sys_journal_field`: one row per work note or comment. `element_id` is a document id, not a reference. */
export const SYS_JOURNAL_FIELD: TableSchema = {
  name: 'sys_journal_field',
  fields: ['sys_id', 'name', 'element', 'element_id', 'value', 'sys_created_on', 'sys_created_by'],
  references: {},
  choices: {},
  displayField: 'value',
};

/** `sys_user`. The password is kept outside the row so it can never be rendered. */
export const SYS_USER: TableSchema = {
  name: 'sys_user',
  fields: [...SYS_FIELDS, 'user_name', 'name', 'email', 'active'],
  references: {},
  choices: {},
  displayField: 'name',
};

/** `sys_user_group`. */
export const SYS_USER_GROUP: TableSchema = {
  name: 'sys_user_group',
  fields: [...SYS_FIELDS, 'name', 'description', 'active'],
  references: {},
  choices: {},
  displayField: 'name',
};

/** Every table the simulator knows; anything else is answered `400 Invalid table <name>`. */
export const TABLES: Readonly<Record<string, TableSchema>> = {
  incident: INCIDENT,
  sys_journal_field: SYS_JOURNAL_FIELD,
  sys_user: SYS_USER,
  sys_user_group: SYS_USER_GROUP,
};

/** Looks a table up by name; `undefined` for tables the simulator does not serve. */
export function tableSchema(name: string): TableSchema | undefined {
  return Object.prototype.hasOwnProperty.call(TABLES, name) ? TABLES[name] : undefined;
}

/** True when `field` is a column of `table`. */
export function hasField(table: TableSchema, field: string): boolean {
  return table.fields.includes(field);
}
