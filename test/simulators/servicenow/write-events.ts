/**
 * Incident writes as events, for what a real instance does after a save (business rules that
 * notify other systems) and for load tests that watch writes land instead of polling for them.
 * Off unless a listener is given to the simulator: the plain IncidentService does no extra work.
 */
import type { Directory } from './directory';
import { toIncidentRecord } from './incident-record';
import { IncidentService, type WriteBody, type WriteContext } from './incident-service';
import { hasField, INCIDENT } from './schema';
import type { Store } from './store';
import type { Clock, IncidentRecord, JournalEntry, Row } from './types';

/** One committed incident write (an update that changed nothing is not one, as on the platform). */
export interface IncidentWriteEvent {
  operation: 'insert' | 'update';
  /** Wall-clock milliseconds when the write was committed. */
  at: number;
  /** The user the write was made as (sys_updated_by). */
  userName: string;
  /** Field names the client sent (after dropping unknown fields), journal fields included. */
  fieldsSent: string[];
  /** Non-journal fields whose stored value the write changed (sys_* stamps left out). */
  changed: string[];
  /** Journal entries the write added. */
  journalAdded: JournalEntry[];
  /** The incident as it is after the write. */
  record: IncidentRecord;
}

/** Called synchronously after each committed write; must not throw. */
export type IncidentWriteListener = (event: IncidentWriteEvent) => void;

function changedFields(before: Row, after: Row): string[] {
  return Object.keys(after).filter((field) => !field.startsWith('sys_') && before[field] !== after[field]);
}

function sentFields(body: WriteBody): string[] {
  return Object.keys(body).filter((field) => hasField(INCIDENT, field));
}

/** An IncidentService that reports each committed write to a listener. */
export class ObservedIncidentService extends IncidentService {
  constructor(
    private readonly rows: Store,
    directory: Directory,
    clock: Clock,
    private readonly listener: IncidentWriteListener,
  ) {
    super(rows, directory, clock);
  }

  override create(body: WriteBody, ctx: WriteContext, seed = false): Row {
    const row = super.create(body, ctx, seed);
    const sysId = row.sys_id ?? '';
    this.listener({
      operation: 'insert', at: Date.now(), userName: ctx.userName, fieldsSent: sentFields(body),
      changed: changedFields({}, row), journalAdded: this.journal(sysId), record: toIncidentRecord(row),
    });
    return row;
  }

  override update(sysId: string, body: WriteBody, ctx: WriteContext): Row | undefined {
    const stored = this.rows.get(INCIDENT.name, sysId);
    const before = stored ? { ...stored } : undefined;
    const journalBefore = this.journal(sysId).length;
    const row = super.update(sysId, body, ctx);
    // No row, or a write that changed nothing: the platform commits nothing, so nothing fires.
    if (!row || before === undefined || row.sys_mod_count === before.sys_mod_count) return row;
    this.listener({
      operation: 'update', at: Date.now(), userName: ctx.userName, fieldsSent: sentFields(body),
      changed: changedFields(before, row), journalAdded: this.journal(sysId).slice(journalBefore), record: toIncidentRecord(row),
    });
    return row;
  }
}
