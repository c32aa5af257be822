import { hasField, tableSchema, type TableSchema } from './schema';
import type { Store } from './store';
import type { Row } from './types';

/** Where a (possibly dot-walked) field path lands: the table and row holding the last field. */
export interface ResolvedField {
  table: TableSchema;
  /** Undefined when a reference on the way is empty or dangling. */
  row: Row | undefined;
  field: string;
}

/**
 * True when `path` names a field of `table`, following references for dot-walks such as
 * `assignment_group.name`. Invalid paths are silently dropped by callers, as ServiceNow does.
 */
export function isValidFieldPath(table: TableSchema, path: string): boolean {
  const [head, ...rest] = path.split('.');
  if (head === undefined || !hasField(table, head)) return false;
  if (rest.length === 0) return true;
  const targetName = table.references[head];
  const target = targetName === undefined ? undefined : tableSchema(targetName);
  return target !== undefined && isValidFieldPath(target, rest.join('.'));
}

/** Follows a valid field path from `row`; undefined when the path is invalid for the table. */
export function resolveFieldPath(store: Store, table: TableSchema, row: Row | undefined, path: string): ResolvedField | undefined {
  if (!isValidFieldPath(table, path)) return undefined;
  const [head, ...rest] = path.split('.');
  if (head === undefined) return undefined;
  if (rest.length === 0) return { table, row, field: head };
  const targetName = table.references[head];
  const target = targetName === undefined ? undefined : tableSchema(targetName);
  if (target === undefined) return undefined;
  const refId = row?.[head];
  const targetRow = refId ? store.get(target.name, refId) : undefined;
  return resolveFieldPath(store, target, targetRow, rest.join('.'));
}

/** Raw value at a field path; `""` for empty values, broken references and invalid paths. */
export function readFieldPath(store: Store, table: TableSchema, row: Row, path: string): string {
  const resolved = resolveFieldPath(store, table, row, path);
  return resolved?.row?.[resolved.field] ?? '';
}
