import type { Row } from './types';

/**
 * In-memory tables: rows keyed by sys_id, kept in insertion order (the order a list returns
 * when no ORDERBY is given). Business rules live elsewhere; this only stores.
 */
export class Store {
  private readonly tables = new Map<string, Map<string, Row>>();

  private table(name: string): Map<string, Row> {
    let rows = this.tables.get(name);
    if (!rows) {
      rows = new Map();
      this.tables.set(name, rows);
    }
    return rows;
  }

  /** Adds a row; its `sys_id` must already be set. */
  insert(table: string, row: Row): Row {
    const sysId = row.sys_id;
    if (!sysId) throw new Error(`row for ${table} has no sys_id`);
    if (this.table(table).has(sysId)) throw new Error(`duplicate sys_id ${sysId} in ${table}`);
    this.table(table).set(sysId, row);
    return row;
  }

  /** The live row (mutations are visible to later reads), or undefined. */
  get(table: string, sysId: string): Row | undefined {
    return this.table(table).get(sysId);
  }

  /** All rows of a table in insertion order. */
  list(table: string): Row[] {
    return [...this.table(table).values()];
  }

  /** First row whose `field` equals `value` exactly. */
  findBy(table: string, field: string, value: string): Row | undefined {
    return this.list(table).find((row) => row[field] === value);
  }

  /** Removes a row; false when it did not exist. */
  delete(table: string, sysId: string): boolean {
    return this.table(table).delete(sysId);
  }
}
