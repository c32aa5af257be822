import type { Directory } from './directory';
import { glideDateTime } from './glide-time';
import { newSysId } from './ids';
import { deriveIncidentChanges } from './incident-rules';
import { hasField, INCIDENT } from './schema';
import type { Store } from './store';
import type { Clock, JournalElement, JournalEntry, Row } from './types';

/** Who writes, and how their values are to be read. */
export interface WriteContext {
  /** user_name stamped into sys_created_by / sys_updated_by and journal rows. */
  userName: string;
  /** `sysparm_input_display_value=true`: reference and choice values may be display values. */
  inputDisplayValue: boolean;
}

/** A decoded JSON write body (or seed fields): keys are field names, values anything JSON. */
export type WriteBody = Readonly<Record<string, unknown>>;

const JOURNAL_ELEMENTS: readonly JournalElement[] = ['work_notes', 'comments'];
/** Computed by the platform from the journal; a write to it does nothing. */
const NOT_WRITABLE = new Set(['comments_and_work_notes']);

/** Coerces a JSON value the way the Table API stores it; undefined for values it cannot store. */
function toStoredString(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  if (raw === null) return '';
  return undefined;
}

/** Maps a stored journal row to its public shape. */
function toJournalEntry(row: Row): JournalEntry {
  return {
    sys_id: row.sys_id ?? '',
    name: row.name ?? '',
    element: row.element === 'comments' ? 'comments' : 'work_notes',
    element_id: row.element_id ?? '',
    value: row.value ?? '',
    sys_created_on: row.sys_created_on ?? '',
    sys_created_by: row.sys_created_by ?? '',
  };
}

/**
 * Incident writes with the platform's side effects: defaults and numbering on insert,
 * derived fields, journal rows for work_notes/comments, and the sys_* audit stamps.
 */
export class IncidentService {
  private nextNumber = 10001;

  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly clock: Clock,
  ) {}

  /**
   * Inserts an incident. `seed` lets test set-up also provide sys_* fields (a fixed sys_id,
   * an old sys_created_on) that no API client could write.
   */
  create(body: WriteBody, ctx: WriteContext, seed = false): Row {
    const now = glideDateTime(this.clock());
    const row: Row = Object.fromEntries(INCIDENT.fields.map((field) => [field, '']));
    Object.assign(row, {
      sys_id: newSysId(),
      number: `INC${String(this.nextNumber++).padStart(7, '0')}`,
      state: '1',
      incident_state: '1',
      impact: '3',
      urgency: '3',
      priority: '5',
      active: 'true',
      opened_at: now,
      opened_by: this.directory.findUser(ctx.userName)?.sys_id ?? '',
      sys_created_on: now,
      sys_created_by: ctx.userName,
      sys_updated_on: now,
      sys_updated_by: ctx.userName,
      sys_mod_count: '0',
    });
    const changes = this.normalize(body, ctx, seed);
    const notes = this.takeJournal(changes);
    Object.assign(row, deriveIncidentChanges(row, changes, now));
    this.store.insert(INCIDENT.name, row);
    for (const [element, value] of notes) this.addJournal(row, element, value, ctx.userName, now);
    return row;
  }

  /**
   * Partial update (PUT ≡ PATCH). Returns undefined when the record does not exist.
   * A write that changes nothing and adds no journal entry is not an update at all — as with
   * GlideRecord.update(), sys_mod_count and sys_updated_* then stay as they were.
   */
  update(sysId: string, body: WriteBody, ctx: WriteContext): Row | undefined {
    const row = this.store.get(INCIDENT.name, sysId);
    if (!row) return undefined;
    const now = glideDateTime(this.clock());
    const changes = this.normalize(body, ctx, false);
    const notes = this.takeJournal(changes);
    deriveIncidentChanges(row, changes, now);
    const changed = Object.entries(changes).filter(([field, value]) => row[field] !== value);
    if (changed.length === 0 && notes.length === 0) return row;
    for (const [field, value] of changed) row[field] = value;
    row.sys_mod_count = String(Number(row.sys_mod_count ?? '0') + 1);
    row.sys_updated_on = now;
    row.sys_updated_by = ctx.userName;
    for (const [element, value] of notes) this.addJournal(row, element, value, ctx.userName, now);
    return row;
  }

  /** Deletes an incident; false when it did not exist. */
  delete(sysId: string): boolean {
    return this.store.delete(INCIDENT.name, sysId);
  }

  /** Journal entries of one incident, oldest first. */
  journal(sysId: string, element?: JournalElement): JournalEntry[] {
    return this.store
      .list('sys_journal_field')
      .filter((row) => row.element_id === sysId && (element === undefined || row.element === element))
      .map(toJournalEntry);
  }

  /** Keeps only writable incident fields, as strings; unknown keys are ignored, as on a real instance. */
  private normalize(body: WriteBody, ctx: WriteContext, allowSystemFields: boolean): Row {
    const out: Row = {};
    for (const [field, raw] of Object.entries(body)) {
      if (!hasField(INCIDENT, field) || NOT_WRITABLE.has(field)) continue;
      if (field.startsWith('sys_') && !allowSystemFields) continue;
      const value = toStoredString(raw);
      if (value === undefined) continue;
      out[field] = ctx.inputDisplayValue ? this.fromDisplayValue(field, value) : value;
    }
    return out;
  }

  /**
   * Resolves a display value to the stored value. A sys_id is kept; a name is looked up; a
   * value matching nothing is stored as given (a dangling reference, as the platform does).
   */
  private fromDisplayValue(field: string, value: string): string {
    const target = INCIDENT.references[field];
    if (target !== undefined) {
      if (value === '' || this.store.get(target, value)) return value;
      const byName = this.store.findBy(target, 'name', value);
      const byUserName = target === 'sys_user' ? this.store.findBy(target, 'user_name', value) : undefined;
      return byName?.sys_id ?? byUserName?.sys_id ?? value;
    }
    const labels = INCIDENT.choices[field];
    const match = labels ? Object.entries(labels).find(([, label]) => label === value) : undefined;
    return match ? match[0] : value;
  }

  /** Removes journal fields from `changes` (they always read back "") and returns the notes to add. */
  private takeJournal(changes: Row): Array<[JournalElement, string]> {
    const notes: Array<[JournalElement, string]> = [];
    for (const element of JOURNAL_ELEMENTS) {
      const value = changes[element];
      delete changes[element];
      if (value !== undefined && value.trim() !== '') notes.push([element, value]);
    }
    return notes;
  }

  private addJournal(record: Row, element: JournalElement, value: string, userName: string, now: string): void {
    this.store.insert('sys_journal_field', {
      sys_id: newSysId(),
      name: INCIDENT.name,
      element,
      element_id: record.sys_id ?? '',
      value,
      sys_created_on: now,
      sys_created_by: userName,
    });
  }
}
