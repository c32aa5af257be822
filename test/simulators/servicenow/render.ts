import { isValidFieldPath, resolveFieldPath } from './field-path';
import { tableSchema, type TableSchema } from './schema';
import type { Store } from './store';
import type { ReferenceValue, Row } from './types';

/** `sysparm_display_value`: raw values, display values, or both. */
export type DisplayMode = 'false' | 'true' | 'all';

/** A field rendered with `sysparm_display_value=true` (references) or `all` (every field). */
export interface DisplayValueObject {
  display_value: string;
  value?: string;
  link?: string;
}

/** Any value a Table API record can carry on the wire. */
export type WireValue = string | ReferenceValue | DisplayValueObject;

/** A rendered record, keyed by field path. */
export type WireRecord = Record<string, WireValue>;

/** How to render records, from the request's `sysparm_*` parameters. */
export interface RenderOptions {
  /** `sysparm_fields`; undefined for all fields. Unknown names are dropped. */
  fields: readonly string[] | undefined;
  displayValue: DisplayMode;
  excludeReferenceLink: boolean;
  /** Instance base URL, e.g. `http://127.0.0.1:1234`, for reference links. */
  baseUrl: string;
}

const JOURNAL_LABELS: Readonly<Record<string, string>> = { work_notes: 'Work notes', comments: 'Additional comments' };

/** REST link of a record, the form references carry. */
export function recordLink(baseUrl: string, table: string, sysId: string): string {
  return `${baseUrl}/api/now/table/${table}/${sysId}`;
}

/**
 * Journal fields display as their history, newest first, in the platform's
 * "<when> - <who> (<label>)" layout; their raw value is always "".
 */
function journalDisplay(store: Store, recordId: string, field: string): string {
  const elements = field === 'comments_and_work_notes' ? ['work_notes', 'comments'] : [field];
  return store
    .list('sys_journal_field')
    .filter((row) => row.element_id === recordId && elements.includes(row.element ?? ''))
    .reverse()
    .map((row) => {
      const author = store.findBy('sys_user', 'user_name', row.sys_created_by ?? '')?.name ?? row.sys_created_by;
      return `${row.sys_created_on} - ${author} (${JOURNAL_LABELS[row.element ?? ''] ?? ''})\n${row.value}\n\n`;
    })
    .join('');
}

/** The display value of one field: choice label, referenced record's display field, or the raw value. */
function displayValueOf(store: Store, table: TableSchema, row: Row | undefined, field: string): string {
  const raw = row?.[field] ?? '';
  if (row && table.name === 'incident' && (field in JOURNAL_LABELS || field === 'comments_and_work_notes')) {
    return journalDisplay(store, row.sys_id ?? '', field);
  }
  const target = table.references[field];
  if (target !== undefined) {
    if (raw === '') return '';
    const targetRow = store.get(target, raw);
    const targetTable = targetRow ? tableSchema(target) : undefined;
    return targetTable && targetRow ? (targetRow[targetTable.displayField] ?? '') : '';
  }
  return table.choices[field]?.[raw] ?? raw;
}

function renderField(store: Store, table: TableSchema, row: Row, path: string, opts: RenderOptions): WireValue {
  const resolved = resolveFieldPath(store, table, row, path);
  if (!resolved) return '';
  const raw = resolved.row?.[resolved.field] ?? '';
  const target = resolved.table.references[resolved.field];
  const display = (): string => displayValueOf(store, resolved.table, resolved.row, resolved.field);
  const link = target !== undefined && raw !== '' && !opts.excludeReferenceLink ? recordLink(opts.baseUrl, target, raw) : undefined;

  if (opts.displayValue === 'all') {
    return link === undefined ? { display_value: display(), value: raw } : { display_value: display(), link, value: raw };
  }
  if (opts.displayValue === 'true') {
    return link === undefined ? display() : { display_value: display(), link };
  }
  return link === undefined ? raw : { link, value: raw };
}

/** Renders a stored row as the Table API returns it, honouring fields / display-value / link options. */
export function renderRow(store: Store, table: TableSchema, row: Row, opts: RenderOptions): WireRecord {
  const paths = opts.fields === undefined ? table.fields : opts.fields.filter((path) => isValidFieldPath(table, path));
  const out: WireRecord = {};
  for (const path of paths) out[path] = renderField(store, table, row, path, opts);
  return out;
}
