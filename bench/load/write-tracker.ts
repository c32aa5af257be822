/**
 * Watches the ServiceNow simulator's committed writes: when each incident got its approved
 * fields and work note (a run is complete then), and whether anything was written twice.
 */
import type { IncidentWriteEvent } from '../../test/simulators/servicenow';

const JOURNAL = new Set(['work_notes', 'comments']);

interface IncidentProgress {
  number: string;
  /** Work notes added by the integration user. */
  notes: number;
  /** How often the integration user sent each (non-journal) field. */
  fieldWrites: Map<string, number>;
  /** When the approved fields and a work note were first all present. */
  completedAt?: number;
  /** When the first work note landed. */
  noteAt?: number;
}

export interface ExactlyOnceError {
  sysId: string;
  number: string;
  problem: string;
}

export class WriteTracker {
  private readonly incidents = new Map<string, IncidentProgress>();

  /**
   * @param integrationUser - whose writes are the product's (or the baseline's)
   * @param approved - the field values a completed run leaves on the incident
   */
  constructor(private readonly integrationUser: string, private readonly approved: Readonly<Record<string, string>>) {}

  /** Starts watching an incident (writes to others are ignored). */
  expect(sysId: string, number: string): void {
    this.incidents.set(sysId, { number, notes: 0, fieldWrites: new Map() });
  }

  /** Stops watching every incident so far (after a warm-up). */
  forget(): void {
    this.incidents.clear();
  }

  readonly onWrite = (event: IncidentWriteEvent): void => {
    const progress = this.incidents.get(event.record.sys_id);
    if (!progress || event.userName !== this.integrationUser) return;
    const notes = event.journalAdded.filter((j) => j.element === 'work_notes').length;
    if (notes > 0 && progress.noteAt === undefined) progress.noteAt = event.at;
    progress.notes += notes;
    for (const field of event.fieldsSent) {
      if (!JOURNAL.has(field)) progress.fieldWrites.set(field, (progress.fieldWrites.get(field) ?? 0) + 1);
    }
    const fieldsDone = Object.entries(this.approved).every(([field, value]) => event.record[field] === value);
    if (progress.completedAt === undefined && fieldsDone && progress.notes > 0) progress.completedAt = event.at;
  };

  /** When the run of `sysId` completed (its writes all landed), if it did. */
  completedAt(sysId: string): number | undefined {
    return this.incidents.get(sysId)?.completedAt;
  }

  /** When the run's work note landed in ServiceNow, if it did. */
  noteAt(sysId: string): number | undefined {
    return this.incidents.get(sysId)?.noteAt;
  }

  /** Incidents complete and written exactly once. */
  completedCount(): number {
    return [...this.incidents.values()].filter((p) => p.completedAt !== undefined && p.notes === 1 && [...p.fieldWrites.values()].every((n) => n === 1)).length;
  }

  /** Incidents whose writes landed at all (exactly once or not). */
  landedCount(): number {
    return [...this.incidents.values()].filter((p) => p.completedAt !== undefined).length;
  }

  lastCompletedAt(): number | undefined {
    const times = [...this.incidents.values()].flatMap((p) => (p.completedAt === undefined ? [] : [p.completedAt]));
    return times.length ? Math.max(...times) : undefined;
  }

  /** More than one work note, or a field sent more than once. */
  errors(): ExactlyOnceError[] {
    const out: ExactlyOnceError[] = [];
    for (const [sysId, p] of this.incidents) {
      if (p.notes > 1) out.push({ sysId, number: p.number, problem: `${p.notes} work notes` });
      for (const [field, n] of p.fieldWrites) if (n > 1) out.push({ sysId, number: p.number, problem: `${field} written ${n} times` });
    }
    return out;
  }
}
